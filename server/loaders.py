"""DataLoaders, built per request: each batches one kind of read into one ``$in`` query, so
a view costs a fixed number of store round trips whatever its size."""

from __future__ import annotations

import asyncio
from asyncio import Future
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from bson import ObjectId
from strawberry.dataloader import DataLoader

from server.accounts.model import Organization, User
from server.approvals.model import ApprovalRound
from server.comments.model import Comment, Marker, OpenCount, OpenCounts, Placed, ThreadKeys
from server.consultations import queries as consultations
from server.consultations.model import Answers, Consultation
from server.drafting.model import Document, Section, SectionHeading, SectionVersion, Snapshot
from server.store import Store

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Loaders:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.user = DataLoader[ObjectId, User | None](load_fn=self._users)
        self.organization = DataLoader[ObjectId, Organization | None](load_fn=self._organizations)
        self.sections = DataLoader[ObjectId, list[Section]](load_fn=self._sections)
        self.headings = DataLoader[ObjectId, list[SectionHeading]](load_fn=self._headings)
        self.snapshots = DataLoader[ObjectId, list[Snapshot]](load_fn=self._snapshots)
        self.document = DataLoader[ObjectId, Document | None](load_fn=self._documents)
        self.section = DataLoader[ObjectId, Section | None](load_fn=self._sections_by_id)
        self.version = DataLoader[tuple[ObjectId, int], SectionVersion | None](load_fn=self._versions)
        self.comment_threads = DataLoader[ObjectId, list[Comment]](load_fn=self._comment_threads)
        self.comment_replies = DataLoader[ObjectId, list[Comment]](load_fn=self._comment_replies)
        self.open_comment_counts = DataLoader[ObjectId, OpenCounts](load_fn=self._open_comment_counts)
        self.comment_markers = DataLoader[ObjectId, list[Marker]](load_fn=self._comment_markers)
        self.thread_keys = DataLoader[ObjectId, ThreadKeys](load_fn=self._thread_keys)
        # Per (section, version of its text): its markers as kept placed there (its open proposals apart),
        # None when to be placed again.
        self.reader_view = DataLoader[tuple[ObjectId, int], Placed | None](load_fn=self._reader_views)
        self.reader_proposals = DataLoader[tuple[ObjectId, int], tuple[Marker, ...] | None](
            load_fn=self._reader_proposals
        )
        self.stamped_markers = DataLoader[ObjectId, tuple[bytes, list[Marker]]](load_fn=self._stamped_markers)
        self.approval_rounds = DataLoader[ObjectId, list[ApprovalRound]](load_fn=self._approval_rounds)
        self.consultations = DataLoader[ObjectId, list[Consultation]](load_fn=self._consultations)
        # Per consultation: what its parties' statuses are derived from (responses, comments in it).
        self.consultation_responses = DataLoader[ObjectId, Answers](load_fn=self._consultation_responses)
        # Per consultation: the organisations whose answers are published (comments.model.Published).
        self.published_answers = DataLoader[ObjectId, frozenset[ObjectId]](load_fn=self._published_answers)
        self.organization_by_slug = DataLoader[str, Organization | None](load_fn=self._organizations_by_slug)

    def remember(
        self,
        document: Document,
        section: Section | None = None,
        consultations: list[Consultation] | None = None,
        kept: tuple[list[OpenCount], list[Marker]] | None = None,
    ) -> None:
        """What a workflow of this request has just read or kept, so that its answer does not
        read it again: the document, a section of it, the document's consultations as stored,
        the section's open counts and markers as kept."""
        self.document.prime(document.id, document)
        if section is not None:
            self.section.prime(section.id, section)
            if kept is not None:
                self.open_comment_counts.prime(section.id, OpenCounts.of(kept[0]))
                self.comment_markers.prime(section.id, kept[1])
        if consultations is not None:
            self.consultations.prime(document.id, consultations)

    async def _users(self, ids: Sequence[ObjectId]) -> list[User | None]:
        found = await self.store.accounts.users_by_ids(ids)
        return [found.get(i) for i in ids]

    async def _organizations(self, ids: Sequence[ObjectId]) -> list[Organization | None]:
        found = await self.store.accounts.organizations_by_ids(ids)
        return [found.get(i) for i in ids]

    async def _organizations_by_slug(self, slugs: Sequence[str]) -> list[Organization | None]:
        found = {o.slug: o for o in await self.store.accounts.organizations()}  # a few dozen at most
        return [found.get(s) for s in slugs]

    async def _sections(self, document_ids: Sequence[ObjectId]) -> list[list[Section]]:
        sections = await self.store.drafting.sections(document_ids)
        for section in sections:
            # Comments ask for their section by id (anchors, `section`): they are these ones.
            self.section.prime(section.id, section)
        return _grouped(sections, lambda s: s.document_id, document_ids)

    async def _headings(self, document_ids: Sequence[ObjectId]) -> list[list[SectionHeading]]:
        return list(await asyncio.gather(*(self.store.drafting.headings(i) for i in document_ids)))

    async def _snapshots(self, document_ids: Sequence[ObjectId]) -> list[list[Snapshot]]:
        return _grouped(await self.store.drafting.snapshots(document_ids), lambda s: s.document_id, document_ids)

    async def _documents(self, ids: Sequence[ObjectId]) -> list[Document | None]:
        found = {d.id: d for d in await self.store.drafting.documents(ids)}
        return [found.get(i) for i in ids]

    async def _sections_by_id(self, ids: Sequence[ObjectId]) -> list[Section | None]:
        found = await self.store.drafting.sections_by_ids(ids)
        return [found.get(i) for i in ids]

    async def _versions(self, pairs: Sequence[tuple[ObjectId, int]]) -> list[SectionVersion | None]:
        found = await self.store.drafting.versions_by_pairs(pairs)
        return [found.get(p) for p in pairs]

    async def _comment_threads(self, section_ids: Sequence[ObjectId]) -> list[list[Comment]]:
        # One query for the threads and their replies: whoever lists threads shows their replies.
        threads: dict[ObjectId, list[Comment]] = defaultdict(list)
        replies: dict[ObjectId, list[Comment]] = defaultdict(list)
        for comment in await self.store.comments.on_sections(section_ids):
            if comment.parent_id is None:
                threads[comment.section_id].append(comment)
            else:
                replies[comment.parent_id].append(comment)
        for thread in (t for i in section_ids for t in threads[i]):
            self.comment_replies.prime(thread.id, replies[thread.id])
        return [threads[i] for i in section_ids]

    async def _comment_replies(self, parent_ids: Sequence[ObjectId]) -> list[list[Comment]]:
        return _grouped(await self.store.comments.replies(parent_ids), lambda c: c.parent_id, parent_ids)

    async def _open_comment_counts(self, section_ids: Sequence[ObjectId]) -> list[OpenCounts]:
        counts = await self.store.comments.open_counts(section_ids)
        return [counts.get(i, OpenCounts(b"")) for i in section_ids]

    async def _comment_markers(self, section_ids: Sequence[ObjectId]) -> list[list[Marker]]:
        # The same documents as ``stamped_markers``: read once in a request that wants both.
        return [markers for _, markers in await self.stamped_markers.load_many(section_ids)]

    async def _reader_views(self, keys: Sequence[tuple[ObjectId, int]]) -> list[Placed | None]:
        found = await self.store.comments.reader_views(keys)
        return [found.get(k) for k in keys]

    async def _reader_proposals(self, keys: Sequence[tuple[ObjectId, int]]) -> list[tuple[Marker, ...] | None]:
        found = await self.store.comments.reader_proposals(keys)
        return [found.get(k) for k in keys]

    async def _stamped_markers(self, section_ids: Sequence[ObjectId]) -> list[tuple[bytes, list[Marker]]]:
        found = await self.store.comments.stamped_markers(section_ids)
        return [found.get(i, (b"", [])) for i in section_ids]

    async def _thread_keys(self, section_ids: Sequence[ObjectId]) -> list[ThreadKeys]:
        keys = await self.store.comments.thread_keys(section_ids)
        return [keys.get(i, ThreadKeys(b"")) for i in section_ids]

    async def _approval_rounds(self, document_ids: Sequence[ObjectId]) -> list[list[ApprovalRound]]:
        return _grouped(await self.store.approvals.for_documents(document_ids), lambda r: r.document_id, document_ids)

    async def _consultations(self, document_ids: Sequence[ObjectId]) -> list[list[Consultation]]:
        found = await self.store.consultations.for_documents(document_ids)
        return _grouped(found, lambda c: c.document_id, document_ids)

    async def _consultation_responses(self, consultation_ids: Sequence[ObjectId]) -> list[Answers]:
        found = await consultations.answers(self.store, consultation_ids)
        return [found[i] for i in consultation_ids]

    async def _published_answers(self, consultation_ids: Sequence[ObjectId]) -> list[frozenset[ObjectId]]:
        found = await self.store.consultations.publications(consultation_ids)
        grouped = _grouped(found, lambda p: p.consultation_id, consultation_ids)
        return [frozenset(p.organization_id for p in publications) for publications in grouped]


def loaded(loader: DataLoader[K, V], key: K) -> Future[V] | None:
    """The loader's answer for ``key`` when this request has already read it, to be taken without
    awaiting: a field answered at once costs graphql-core no task (one per awaited field otherwise)."""
    found = loader.cache_map.get(key)
    if found is None or not found.done() or found.cancelled() or found.exception() is not None:
        return None  # not read yet, or failed: awaiting ``load`` reads it, or raises as it did
    return found


def _grouped(items: Iterable[V], key: Callable[[V], K | None], keys: Sequence[K]) -> list[list[V]]:
    """``items`` in one list for each of ``keys`` (in that order), by ``key``; an item without one is left out."""
    grouped: dict[K, list[V]] = defaultdict(list)
    for item in items:
        found = key(item)
        if found is not None:
            grouped[found].append(item)
    return [grouped[k] for k in keys]
