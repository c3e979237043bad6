"""A read for no ids at all is answered without a round trip to the store.

Views ask for "the users, organisations, rounds … of these" and the list is often empty (a
section without comments, a document without approval rounds); each such read used to cost a
query that could find nothing. Counted with pymongo's command monitoring, as the other
round-trip tests do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from server import db as dbmod
from server.store import Store
from tests.support import CommandCounter, RunningApp


def _reads(store: Store) -> dict[str, Callable[[], Awaitable[Any]]]:
    return {
        "accounts.users_by_ids": lambda: store.accounts.users_by_ids([]),
        "accounts.organizations_by_ids": lambda: store.accounts.organizations_by_ids([]),
        "drafting.documents": lambda: store.drafting.documents([]),
        "drafting.sections": lambda: store.drafting.sections([]),
        "drafting.sections_by_ids": lambda: store.drafting.sections_by_ids([]),
        "drafting.versions_by_pairs": lambda: store.drafting.versions_by_pairs([]),
        "drafting.snapshots": lambda: store.drafting.snapshots([]),
        "comments.by_ids": lambda: store.comments.by_ids([]),
        "comments.on_sections": lambda: store.comments.on_sections([]),
        "comments.replies": lambda: store.comments.replies([]),
        "comments.open_counts": lambda: store.comments.open_counts([]),
        "comments.count_open": lambda: store.comments.count_open([]),
        "approvals.rounds": lambda: store.approvals.rounds([]),
        "approvals.for_documents": lambda: store.approvals.for_documents([]),
        "consultations.consultations": lambda: store.consultations.consultations([]),
        "consultations.for_documents": lambda: store.consultations.for_documents([]),
        "consultations.responses": lambda: store.consultations.responses([]),
        "consultations.publications": lambda: store.consultations.publications([]),
        "events.of_kinds": lambda: store.events.of_kinds([]),
        "notifications.count": lambda: store.notifications.count([]),
        "notifications.preferences_of": lambda: store.notifications.preferences_of([]),
    }


async def test_reading_nothing_asks_the_store_nothing(app: RunningApp, mongodb_uri: str) -> None:
    counter = CommandCounter()
    client = dbmod.connect(mongodb_uri, listeners=[counter])
    try:
        store = Store.open(client[app.settings.database], app.settings.secret_key)
        asked = {}
        for name, read in _reads(store).items():
            counter.targets.clear()
            assert not await read(), name  # nothing found: an empty list, mapping or count
            asked[name] = list(counter.targets)
        assert {name: targets for name, targets in asked.items() if targets} == {}

        # Positive controls: the counter sees this client's commands, and a read of something —
        # or of every document (the documents page), which is not a read of no documents — asks.
        organization = (await store.accounts.organizations())[0]
        counter.targets.clear()
        assert await store.accounts.organizations_by_ids([organization.id]) == {organization.id: organization}
        await store.drafting.documents()
        assert counter.targets[:2] == ["find organizations", "find documents"]  # (then getMores, if many)
    finally:
        await client.close()
