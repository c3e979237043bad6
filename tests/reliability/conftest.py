"""Reliability fixtures and the figures of the run (printed at the end, written to test-artifacts/)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from server import db as dbmod
from server.settings import Settings
from server.store import Store
from tests.reliability.support import FIGURES, SOAK, write_figures
from tests.support import ManualClock, RunningApp, start_app


@pytest.fixture(scope="session")
def sandbox(settings: Settings, mongodb_uri: str, clock: ManualClock) -> Iterator[RunningApp]:
    """A second app on its own database, for tests that write garbage everywhere (fuzzing, bad input)."""
    own = Settings(**{**settings.__dict__, "database": f"{settings.database}_sandbox"})
    running = start_app(own, mongodb_uri, clock, load_seed=True)
    yield running
    running.stop()


@pytest.fixture(scope="session")
async def sandbox_store(sandbox: RunningApp, mongodb_uri: str) -> AsyncIterator[Store]:
    client = dbmod.connect(mongodb_uri)
    yield Store.open(client[sandbox.settings.database], sandbox.settings.secret_key)
    await client.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    path = write_figures()
    if path is None:
        return
    terminalreporter.section(f"reliability figures ({'soak' if SOAK else 'fast'})")
    for name, value in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name}: {value}")
    terminalreporter.write_line(f"(written to {path.relative_to(path.parents[1])})")
