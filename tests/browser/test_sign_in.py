"""Signing in as each kind of user, and what each of them is offered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import expect

from tests.browser.ui import Ui
from tests.support import DEMO_PASSWORD, KL, KL_COMMENTER, SECRETARIAT, SUM

NewUi = Callable[..., Awaitable[Ui]]


async def test_each_kind_of_user_signs_in_and_sees_their_documents(new_ui: NewUi) -> None:
    ui = await new_ui()
    await ui.open("/")
    page = ui.page
    await expect(page).to_have_url(f"{ui.url}/sign-in")
    await ui.check("sign-in")

    # A wrong password is answered at the form, in Danish, by the server's message.
    await page.get_by_label("E-mailadresse").fill(KL)
    await page.get_by_label("Adgangskode").fill("forkert-adgangskode")
    await page.get_by_role("button", name="Log ind").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("Der er et problem")
    await ui.check("sign-in-error", screenshot=True)

    for email, name, users_link in (
        (SECRETARIAT, "Signe Sekretær", True),
        (KL, "Karen Kommune", False),
        (SUM, "Mette Ministerie", False),
        (KL_COMMENTER, "Kasper Kommentar", False),
    ):
        await page.goto(f"{ui.url}/sign-in")
        await page.get_by_label("E-mailadresse").fill(email)
        await page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("banner")).to_contain_text(name)
        await expect(page.get_by_role("heading", level=1, name="Dokumenter")).to_be_visible()
        # The seeded strategy among the documents (other tests' documents and tasks may share its title).
        await expect(
            page.get_by_role("link", name="Strategi for digital sundhed 2018-2022", exact=True).first
        ).to_be_visible()
        await expect(page.get_by_role("link", name="Brugere")).to_have_count(1 if users_link else 0)
        if email == SECRETARIAT:
            await ui.check("documents-overview")
        await page.get_by_role("button", name="Log ud").click()
        await expect(page).to_have_url(f"{ui.url}/sign-in")


async def test_the_reader_shows_sections_in_order_with_contents(new_ui: NewUi) -> None:
    ui = await new_ui(KL_COMMENTER)
    await ui.open("/documents/kommissorium-styregruppe")
    page = ui.page
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kommissorium for styregruppen for strategiarbejdet"
    )
    toc = page.get_by_role("navigation", name="Indhold")
    await expect(toc.get_by_role("link").first).to_have_text("Baggrund")
    await expect(page.get_by_role("heading", level=2, name="Baggrund")).to_be_visible()
    await ui.check("reader")
    # English on request; dates stay Danish.
    await page.get_by_role("button", name="Switch to English").click()
    await expect(page.get_by_role("link", name="All documents")).to_be_visible()
    await ui.check("reader-en", screenshot=False)
