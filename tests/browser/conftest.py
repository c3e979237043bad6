"""Browser fixtures: one headless Chromium (Debian's) per session, a fresh context per test.

The app fixture serves ``frontend/dist``, which must be built before the session starts
(``make test`` builds it first). Every journey checks each screen it visits with axe-core
(``a11y``) and keeps screenshots of the main screens in ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from tests.browser.ui import Ui
from tests.support import Api, RunningApp

# CI shares two cores between the app, the store and the browser: give assertions room, not sleeps.
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist" / "index.html"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    for needed, hint in ((DIST, "run `cd frontend && npm run build`"), (AXE, "run `cd frontend && npm ci`")):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: {hint}")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's `chromium` package")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def new_ui(
    browser: Browser, app: RunningApp, as_user: Callable[[str], Awaitable[Api]]
) -> AsyncIterator[Callable[..., Awaitable[Ui]]]:
    """``await new_ui(email)``: a page in a fresh context, signed in as that user (or anonymous)."""
    contexts: list[BrowserContext] = []

    async def make(email: str | None = None, *, language: str = "da", width: int = 1280) -> Ui:
        """``width=390`` is a phone held upright."""
        context = await browser.new_context(
            locale="da-DK" if language == "da" else "en-GB",
            timezone_id="Europe/Copenhagen",
            viewport={"width": width, "height": 900 if width > 600 else 844},
            is_mobile=width <= 600,
            has_touch=width <= 600,
            bypass_csp=True,  # only so that axe-core can be injected as a script
        )
        contexts.append(context)
        context.set_default_timeout(20_000)
        await context.add_cookies([{"name": "lang", "value": language, "url": app.url}])
        if email:
            client = await as_user(email)
            token = client.http.cookies["udkast_session"]
            await context.add_cookies([{"name": "udkast_session", "value": token, "url": app.url}])
        page: Page = await context.new_page()
        ui = Ui(page, app.url, AXE, SCREENSHOTS)
        page.on("pageerror", lambda error: ui.errors.append(str(error)))
        uis.append(ui)
        return ui

    uis: list[Ui] = []
    yield make
    for ui in uis:
        if not ui.page.is_closed():
            await ui.page.screenshot(path=str(SCREENSHOTS / "last-failure.png"))
    for context in contexts:
        await context.close()
    errors = [error for ui in uis for error in ui.errors]
    assert not errors, f"uncaught errors in the page: {errors}"
