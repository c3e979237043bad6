"""Test fixtures: one embedded store (or MONGODB_URI_TEST) and one running app per session.

Nothing is mocked: the app runs under uvicorn on a real socket and talks to a real
MongoDB-wire server. Tests that change data make their own documents, so they do not depend
on each other's order.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from server import db as dbmod
from server import docstore
from server.settings import Settings
from server.store import Store
from tests.support import DEMO_PASSWORD, Api, CommandCounter, ManualClock, RunningApp, start_app


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("MONGODB_URI_TEST")
    if external:
        yield external
        return
    store = docstore.start(tmp_path_factory.mktemp("docstore"))
    yield store.uri
    store.stop()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database=f"udkast_test_{secrets.token_hex(4)}",
        data_dir=Path(tmp_path_factory.mktemp("data")),
        secret_key=secrets.token_urlsafe(48),
        demo_password=DEMO_PASSWORD,
        signin_address_limit=10_000,  # all tests share 127.0.0.1; the per-account limit is tested
        # Tests move the shared clock forward by days (deadlines); sessions must outlive that.
        session_idle_minutes=10 * 365 * 24 * 60,
        session_absolute_hours=10 * 365 * 24,
        # The shared app's sender looks for mail once an hour (into its Maildir), so its queries do
        # not land in the round-trip counts; tests/api/test_notifications.py runs a mailing app.
        mail_poll_seconds=3600,
    )


@pytest.fixture(scope="session")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def app(settings: Settings, mongodb_uri: str, clock: ManualClock) -> Iterator[RunningApp]:
    running = start_app(settings, mongodb_uri, clock, load_seed=True, counter=CommandCounter())
    yield running
    running.stop()


@pytest.fixture(scope="session")
async def store(app: RunningApp, mongodb_uri: str) -> AsyncIterator[Store]:
    """Direct store access for assertions (a separate client on the test loop)."""
    client = dbmod.connect(mongodb_uri)
    yield Store.open(client[app.settings.database], app.settings.secret_key)
    await client.close()


@pytest.fixture
async def api(app: RunningApp) -> AsyncIterator[Api]:
    client = Api(app.url)
    yield client
    await client.close()


_sessions: dict[str, str] = {}


@pytest.fixture
async def as_user(app: RunningApp) -> AsyncIterator[Callable[[str], Awaitable[Api]]]:
    """``await as_user(email)``: a client signed in as that demo user (sessions reused per run)."""
    clients: list[Api] = []

    async def make(email: str) -> Api:
        client = Api(app.url)
        clients.append(client)
        token = _sessions.get(email)
        if token:
            client.http.cookies.set("udkast_session", token)
            data = await client.execute("{ viewer { id } }")
            if data["viewer"]:
                return client
        await client.sign_in(email)
        _sessions[email] = client.http.cookies["udkast_session"]
        return client

    yield make
    for client in clients:
        await client.close()


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
