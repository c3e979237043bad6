"""Documents, sections, section versions and snapshots in the store.

The version documents are the truth: a section's head (its current title, body and number) is
a copy kept for fast reads, advanced only after the version is written and only forwards, so
it can lag after a crash but never shows a number without a version. ``roll_forward`` derives
it again from the versions.

Versions never change once written, so each process keeps the ones it has read lately (by
section and number, bounded by the size of their texts): a reader relocating comment anchors or a
history page diffing old versions does not fetch them again.

Each document's table of contents (``model.SectionHeading``: id, key, title and position of each live
section, in order) is kept in ``document_headings``, one packed document per document, so that the
reader reads its contents and pages through its sections without reading every section in full: the
embedded store decodes every stored section it returns, body and HTML included (33 ms of its CPU for
400 sections). Every write that changes them (a section added, moved, deleted or restored, a save that
changes a title) keeps them again; see ``keep_headings`` for why the result is right when writers race.
They are derived data: ``check --repair`` derives them again from the sections.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import bson
from bson import Binary, ObjectId
from cachetools import LRUCache
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from server import claims
from server.db import LIST_BATCH, Database, Taken
from server.drafting.model import (
    Document,
    DocumentSettings,
    Milestone,
    Phase,
    Section,
    SectionHeading,
    SectionVersion,
    Snapshot,
    SnapshotEntry,
)
from server.stored import from_stored, to_stored

log = logging.getLogger(__name__)

INDEXES = {
    "documents": [IndexModel([("slug", ASCENDING)], name="documents_slug_unique", unique=True)],
    # A change of a document claims its revision first ({_id: "<document>:<revision>"}, server/claims.py).
    "document_claims": [],
    "sections": [
        IndexModel([("document_id", ASCENDING), ("position", ASCENDING)], name="sections_document_position"),
        IndexModel([("document_id", ASCENDING), ("key", ASCENDING)], name="sections_document_key_unique", unique=True),
    ],
    "section_versions": [
        IndexModel(
            [("section_id", ASCENDING), ("number", ASCENDING)], name="versions_section_number_unique", unique=True
        ),
        IndexModel([("document_id", ASCENDING)], name="versions_document"),
    ],
    # {_id: document, packed: BSON of {headings: [[section id, key, title, position], …]}}: derived from the
    # sections, see keep_headings.
    "document_headings": [],
    "snapshots": [
        IndexModel(
            [("document_id", ASCENDING), ("number", ASCENDING)], name="snapshots_document_number_unique", unique=True
        )
    ],
}


def _document(doc: Mapping[str, Any]) -> Document:
    return from_stored(
        Document,
        doc,
        participant_ids=tuple(doc.get("participant_ids", [])),
        milestones=tuple(
            Milestone(m["title"], date.fromisoformat(m["date"]), m.get("description", ""))
            for m in doc.get("milestones", [])
        ),
        settings=from_stored(DocumentSettings, doc.get("settings", {})),
        absent={"summary": ""},
    )


def _section(doc: Mapping[str, Any]) -> Section:
    return from_stored(Section, doc, absent={"deleted": False})


def _version(doc: Mapping[str, Any]) -> SectionVersion:
    return from_stored(SectionVersion, doc, absent={"summary": "", "merged": False})


def _snapshot(doc: Mapping[str, Any]) -> Snapshot:
    entries = tuple(SnapshotEntry(e["section_id"], e["version"], e["key"], e["title"]) for e in doc["entries"])
    return from_stored(Snapshot, doc, entries=entries)


def _document_doc(d: Document) -> dict[str, Any]:
    return to_stored(
        d,
        participant_ids=list(d.participant_ids),
        milestones=[{"title": m.title, "date": m.date.isoformat(), "description": m.description} for m in d.milestones],
        settings=to_stored(d.settings),
    )


def _snapshot_doc(s: Snapshot) -> dict[str, Any]:
    return to_stored(s, entries=[to_stored(e) for e in s.entries])


def _packed_headings(headings: Sequence[SectionHeading]) -> dict[str, Any]:
    """A document's headings as kept: one binary value, decoded by the embedded store as one."""
    rows = [[h.id, h.key, h.title, h.position] for h in headings]
    return {"packed": Binary(bson.encode({"headings": rows}))}


def _unpacked_headings(doc: Mapping[str, Any]) -> list[SectionHeading]:
    return [SectionHeading(*row) for row in bson.decode(doc["packed"])["headings"]]


_KEEP_ATTEMPTS = 20

VERSION_CACHE_BYTES = 64 * 1024 * 1024


def _version_size(version: SectionVersion) -> int:
    """Roughly the memory a kept version takes: its texts as Python stores them, and the object."""
    return sum(sys.getsizeof(text) for text in (version.body, version.html, version.title, version.summary)) + 1000


class Drafting:
    def __init__(self, db: Database) -> None:
        self._documents = db["documents"]
        self._sections = db["sections"]
        self._versions = db["section_versions"]
        self._snapshots = db["snapshots"]
        self._document_claims = db["document_claims"]
        self._headings = db["document_headings"]
        # The headings each document's kept bytes were last unpacked to (0.4 ms for 400 sections): unchanged
        # bytes are the same headings.
        self._unpacked: LRUCache[ObjectId, tuple[bytes, tuple[SectionHeading, ...]]] = LRUCache(maxsize=256)
        self._known: LRUCache[tuple[ObjectId, int], SectionVersion] = LRUCache(
            maxsize=VERSION_CACHE_BYTES, getsizeof=_version_size
        )

    def _keep(self, version: SectionVersion) -> SectionVersion:
        if _version_size(version) <= VERSION_CACHE_BYTES // 64:  # a giant would push out everything else
            self._known[(version.section_id, version.number)] = version
        return version

    # Documents

    async def documents(self, ids: Iterable[ObjectId] | None = None) -> list[Document]:
        wanted = None if ids is None else list(ids)
        if wanted == []:
            return []
        query = {} if wanted is None else {"_id": {"$in": wanted}}
        return [_document(doc) async for doc in self._documents.find(query).sort("created_at", ASCENDING)]

    async def document(self, document_id: ObjectId) -> Document | None:
        doc = await self._documents.find_one({"_id": document_id})
        return _document(doc) if doc else None

    async def document_by_slug(self, slug: str) -> Document | None:
        doc = await self._documents.find_one({"slug": slug})
        return _document(doc) if doc else None

    async def insert_document(self, document: Document) -> Document:
        """Write a new document; raises ``Taken`` when its slug is."""
        doc = _document_doc(document)
        try:
            await self._documents.insert_one(doc)
        except DuplicateKeyError as error:
            raise Taken(document.slug) from error
        return _document(doc)

    async def set_phase(
        self,
        document_id: ObjectId,
        phase: Phase,
        at: datetime,
        *,
        expect: Phase | None = None,
        unless: Phase | None = None,
        approved_snapshot_id: ObjectId | None = None,
    ) -> Document | None:
        """Move the document to ``phase`` when it is still in ``expect`` (and not in ``unless``);
        None when it was not (or is gone). ``approved_snapshot_id`` is set with an approval."""
        condition: dict[str, Any] = {}
        if expect is not None:
            condition["phase"] = expect.value
        elif unless is not None:
            condition["phase"] = {"$ne": unless.value}
        changes: dict[str, Any] = {"phase": phase.value, "updated_at": at}
        if approved_snapshot_id is not None:
            changes["approved_snapshot_id"] = approved_snapshot_id
        return await self._update_document(document_id, condition, changes)

    async def set_settings(self, document_id: ObjectId, settings: DocumentSettings, at: datetime) -> Document | None:
        return await self._update_document(document_id, {}, {"settings": to_stored(settings), "updated_at": at})

    async def _update_document(
        self, document_id: ObjectId, condition: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> Document | None:
        """As the only writer of the document's revision (``server.claims``): a phase set by a closing
        approval round and settings saved by the secretariat at the same moment both stay."""
        changed = await claims.change(self._documents, self._document_claims, document_id, condition, changes)
        return _document(changed[1]) if changed else None

    async def add_participant(self, document_id: ObjectId, organization_id: ObjectId, at: datetime) -> None:
        def added(doc: Mapping[str, Any]) -> Mapping[str, Any]:
            present = list(doc.get("participant_ids", []))
            return {"participant_ids": [*present, *([] if organization_id in present else [organization_id])]}

        await self._change_document(document_id, lambda doc: {**added(doc), "updated_at": at})

    async def remove_participant(self, document_id: ObjectId, organization_id: ObjectId, at: datetime) -> None:
        def removed(doc: Mapping[str, Any]) -> Mapping[str, Any]:
            return {"participant_ids": [o for o in doc.get("participant_ids", []) if o != organization_id]}

        await self._change_document(document_id, lambda doc: {**removed(doc), "updated_at": at})

    async def _change_document(self, document_id: ObjectId, fields: claims.Fields) -> None:
        await claims.change(self._documents, self._document_claims, document_id, {}, fields)

    # Sections

    async def sections(self, document_ids: Sequence[ObjectId], *, include_deleted: bool = False) -> list[Section]:
        if not document_ids:
            return []
        query: dict[str, Any] = {"document_id": {"$in": list(document_ids)}}
        if not include_deleted:
            query["deleted"] = False
        cursor = self._sections.find(query).sort([("position", ASCENDING), ("key", ASCENDING)])
        return [_section(doc) async for doc in cursor.batch_size(LIST_BATCH)]

    async def headings(self, document_id: ObjectId) -> list[SectionHeading]:
        """The document's table of contents as last kept (``keep_headings``): its live sections in order.
        Reads one small document and none of the sections (unless they were never kept)."""
        doc = await self._headings.find_one({"_id": document_id})
        if doc is None:
            return await self.keep_headings(document_id)
        packed, known = bytes(doc["packed"]), self._unpacked.get(document_id)
        if known is None or known[0] != packed:
            known = packed, tuple(_unpacked_headings(doc))
            self._unpacked[document_id] = known
        return list(known[1])

    async def derive_headings(self, document_id: ObjectId) -> list[SectionHeading]:
        """The document's table of contents, derived now from its sections."""
        query = {"document_id": document_id, "deleted": False}
        fields = {"key": 1, "title": 1, "position": 1}
        cursor = self._sections.find(query, fields).sort([("position", ASCENDING), ("key", ASCENDING)])
        return [
            SectionHeading(doc["_id"], doc["key"], doc["title"], doc["position"])
            async for doc in cursor.batch_size(LIST_BATCH)
        ]

    async def keep_headings(
        self, document_id: ObjectId, *, proposal: Sequence[SectionHeading] | None = None
    ) -> list[SectionHeading]:
        """Derive the document's table of contents and store it; returns it.

        Writers race, as for a section's comment counts (``comments.repository.Comments.recount``, the same
        argument): one may derive before another's change of a section lands and store after the other's
        store. So each writer, after storing, derives again and stores again until the fresh derivation is
        what it stored. Every change of a section that the headings show is followed by its writer's keep, so
        all of them happened before the last store of all; the writer of that last store derives after it,
        sees every change, and stops only when the derivation is what it stored — what is kept for good. A
        ``proposal`` (headings believed right, such as those the writer has just numbered) takes the place of
        the first derivation: the one after storing decides either way. A crash in between leaves them stale
        until the next such write in the document or ``check --repair``.
        """
        kept = list(proposal) if proposal is not None else await self.derive_headings(document_id)
        for _ in range(_KEEP_ATTEMPTS):
            stored = kept
            try:
                await self._headings.replace_one({"_id": document_id}, _packed_headings(stored), upsert=True)
            except DuplicateKeyError:
                pass  # another writer created it a moment ago; the derivation after storing decides
            kept = await self.derive_headings(document_id)
            if kept == stored:
                return kept
        log.warning("headings of document %s still moving after %d keeps", document_id, _KEEP_ATTEMPTS)
        return kept

    async def kept_headings(self) -> dict[ObjectId, list[SectionHeading]]:
        """Every document's headings as kept, for ``check``."""
        return {doc["_id"]: _unpacked_headings(doc) async for doc in self._headings.find({})}

    async def sections_by_ids(self, ids: Iterable[ObjectId]) -> dict[ObjectId, Section]:
        wanted = list(ids)
        if not wanted:
            return {}
        cursor = self._sections.find({"_id": {"$in": wanted}}).batch_size(LIST_BATCH)
        return {doc["_id"]: _section(doc) async for doc in cursor}

    async def section(self, section_id: ObjectId) -> Section | None:
        doc = await self._sections.find_one({"_id": section_id})
        return _section(doc) if doc else None

    async def insert_section(self, section: Section) -> Section:
        doc = to_stored(section)
        await self._sections.insert_one(doc)
        return _section(doc)

    async def key_taken(self, document_id: ObjectId, key: str) -> bool:
        return await self._sections.find_one({"document_id": document_id, "key": key}, {"_id": 1}) is not None

    async def advance_head(self, version: SectionVersion, updated_by: ObjectId | None) -> None:
        """Move the head to ``version`` unless it is already there or beyond."""
        await self._sections.update_one(
            {"_id": version.section_id, "version": {"$lt": version.number}},
            {
                "$set": {
                    "version": version.number,
                    "title": version.title,
                    "body": version.body,
                    "html": version.html,
                    "updated_at": version.created_at,
                    "updated_by": updated_by,
                }
            },
        )

    async def set_deleted(self, section_id: ObjectId, deleted: bool, at: datetime) -> Section | None:
        """Soft delete (or undo it); the section and its versions stay."""
        doc = await self._sections.find_one_and_update(
            {"_id": section_id},
            {"$set": {"deleted": deleted, "deleted_at": at if deleted else None}},
            return_document=ReturnDocument.AFTER,
        )
        return _section(doc) if doc else None

    async def set_positions(self, positions: Mapping[ObjectId, int]) -> None:
        for section_id, position in positions.items():
            await self._sections.update_one({"_id": section_id}, {"$set": {"position": position}})

    # Versions

    async def insert_version(self, version: SectionVersion) -> SectionVersion:
        """Write an immutable version; raises ``Taken`` when that number is."""
        try:
            await self._versions.insert_one(to_stored(version))
        except DuplicateKeyError as error:
            raise Taken(f"{version.section_id}:{version.number}") from error
        return self._keep(version)

    async def insert_versions(self, versions: Sequence[SectionVersion], *, batch: int = 1000) -> None:
        """Write many versions at once (imports of whole histories, the benchmark's data)."""
        for start in range(0, len(versions), batch):
            await self._versions.insert_many([to_stored(v) for v in versions[start : start + batch]], ordered=False)

    async def version(self, section_id: ObjectId, number: int) -> SectionVersion | None:
        known = self._known.get((section_id, number))
        if known is not None:
            return known
        doc = await self._versions.find_one({"section_id": section_id, "number": number})
        return self._keep(_version(doc)) if doc else None

    async def version_by_id(self, version_id: ObjectId) -> SectionVersion | None:
        doc = await self._versions.find_one({"_id": version_id})
        return _version(doc) if doc else None

    async def versions(
        self, section_id: ObjectId, *, before: int | None = None, limit: int = 20, head: int | None = None
    ) -> list[SectionVersion]:
        """A section's versions, newest first. With ``head`` (the section's version), a page this
        process holds already is answered without the store: the list as of that head."""
        if head is not None:
            top = head if before is None else min(head, before - 1)
            kept = [self._known.get((section_id, n)) for n in range(top, max(0, top - limit), -1)]
            if all(kept):
                return [v for v in kept if v is not None]
        query: dict[str, Any] = {"section_id": section_id}
        if before is not None:
            query["number"] = {"$lt": before}
        if head is not None:  # the list as of the head, whether it comes from memory or the store
            query["number"] = {**query.get("number", {}), "$lte": head}
        cursor = self._versions.find(query).sort("number", DESCENDING).limit(limit)
        return [self._keep(_version(doc)) async for doc in cursor]

    async def versions_by_pairs(
        self, pairs: Sequence[tuple[ObjectId, int]]
    ) -> dict[tuple[ObjectId, int], SectionVersion]:
        found = {pair: known for pair in pairs if (known := self._known.get(pair)) is not None}
        wanted = [pair for pair in dict.fromkeys(pairs) if pair not in found]
        if not wanted:
            return found
        # Sections × numbers alone is a cross product: for a snapshot or a page of comments it also
        # matched every other version whose number was wanted for some section (1,500 bodies for 100
        # wanted in the benchmark). The $or keeps exactly the pairs; the $in's stay as the cheap
        # first test, and the limit lets the embedded store stop once it has found them all.
        query = {
            "section_id": {"$in": list({s for s, _ in wanted})},
            "number": {"$in": list({n for _, n in wanted})},
            "$or": [{"section_id": s, "number": n} for s, n in wanted],
        }
        cursor = self._versions.find(query).limit(len(wanted)).batch_size(len(wanted))
        async for doc in cursor:
            version = self._keep(_version(doc))
            found[(version.section_id, version.number)] = version
        return found

    async def latest_numbers(self, document_id: ObjectId) -> dict[ObjectId, int]:
        """The highest version number of each section of a document, from the versions themselves."""
        return await self._latest({"document_id": document_id})

    async def all_latest_numbers(self) -> dict[ObjectId, int]:
        return await self._latest({})

    async def _latest(self, query: dict[str, Any]) -> dict[ObjectId, int]:
        # FerretDB 1.24 lacks the $max accumulator; the projection keeps this scan small.
        latest: dict[ObjectId, int] = {}
        async for doc in self._versions.find(query, {"section_id": 1, "number": 1, "_id": 0}):
            if doc["number"] > latest.get(doc["section_id"], 0):
                latest[doc["section_id"]] = doc["number"]
        return latest

    async def all_heads(self) -> dict[ObjectId, int]:
        return {doc["_id"]: doc["version"] async for doc in self._sections.find({}, {"version": 1})}

    # Snapshots

    async def insert_snapshot(self, snapshot: Snapshot) -> Snapshot:
        """Write an immutable snapshot; raises ``Taken`` when that number is."""
        try:
            await self._snapshots.insert_one(_snapshot_doc(snapshot))
        except DuplicateKeyError as error:
            raise Taken(f"{snapshot.document_id}:{snapshot.number}") from error
        return snapshot

    async def snapshots(self, document_ids: Sequence[ObjectId]) -> list[Snapshot]:
        if not document_ids:
            return []
        cursor = self._snapshots.find({"document_id": {"$in": list(document_ids)}}).sort("number", DESCENDING)
        return [_snapshot(doc) async for doc in cursor]

    async def snapshot(self, snapshot_id: ObjectId) -> Snapshot | None:
        doc = await self._snapshots.find_one({"_id": snapshot_id})
        return _snapshot(doc) if doc else None

    async def last_snapshot_number(self, document_id: ObjectId) -> int:
        doc = await self._snapshots.find_one({"document_id": document_id}, sort=[("number", DESCENDING)])
        return int(doc["number"]) if doc else 0
