"""DataLoaders, built per request: each batches one kind of read into one ``$in`` query, so
a view costs a fixed number of store round trips whatever its size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bson import ObjectId
from strawberry.dataloader import DataLoader

from server.accounts.model import Organization, User
from server.drafting.model import Section, Snapshot
from server.store import Store


class Loaders:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.user = DataLoader[ObjectId, User | None](load_fn=self._users)
        self.organization = DataLoader[ObjectId, Organization | None](load_fn=self._organizations)
        self.sections = DataLoader[ObjectId, list[Section]](load_fn=self._sections)
        self.snapshots = DataLoader[ObjectId, list[Snapshot]](load_fn=self._snapshots)

    async def _users(self, ids: Sequence[ObjectId]) -> list[User | None]:
        found = await self.store.accounts.users_by_ids(ids)
        return [found.get(i) for i in ids]

    async def _organizations(self, ids: Sequence[ObjectId]) -> list[Organization | None]:
        found = await self.store.accounts.organizations_by_ids(ids)
        return [found.get(i) for i in ids]

    async def _sections(self, document_ids: Sequence[ObjectId]) -> list[list[Section]]:
        grouped: dict[ObjectId, list[Section]] = defaultdict(list)
        for section in await self.store.drafting.sections(document_ids):
            grouped[section.document_id].append(section)
        return [grouped[i] for i in document_ids]

    async def _snapshots(self, document_ids: Sequence[ObjectId]) -> list[list[Snapshot]]:
        grouped: dict[ObjectId, list[Snapshot]] = defaultdict(list)
        for snapshot in await self.store.drafting.snapshots(document_ids):
            grouped[snapshot.document_id].append(snapshot)
        return [grouped[i] for i in document_ids]
