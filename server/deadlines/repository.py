"""Records with a deadline in the store: one collection of records, one of their append-only logs.

A record (an approval round, a consultation) is two things. Its collection holds what was fixed
when it opened and a summary for queries — ``state``, ``deadline``, ``closed_at``, ``seq`` — that
follows the log. The entries collection holds the log: one inserted document per entry, numbered
per record under a unique index on (record, seq).

Why entries rather than ``$push`` onto the record: FerretDB 1.24 applies conditional updates as
read-then-write, so a ``$push`` guarded by ``state: "OPEN"`` could land after a concurrent
closure, and two concurrent pushes could lose one (README, "Consistency without transactions").
An insert against a unique key is atomic on every store: of two writers that read the same log,
exactly one gets the next number; the other re-reads and decides again — and a change that
meets a closure is refused. The summary is derived and repaired from the log (``sync``).

Each feature's repository is a ``Logs`` with its own mapping of records and entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from bson import ObjectId
from pymongo import DESCENDING

from server.db import Collection, insert_unique
from server.deadlines.model import Deadlined, ExtensionEntry, LogEntry
from server.stored import from_stored, to_stored

Document = Mapping[str, Any]
R = TypeVar("R", bound="Deadlined[Any]")
E = TypeVar("E", bound=LogEntry)

OPEN = "OPEN"  # the summary's ``state`` of an open record, in every feature


def extension_of(doc: Document) -> ExtensionEntry:
    """An extension entry as stored; any other kind a feature does not know is an error."""
    if doc["kind"] != "EXTENSION":
        raise ValueError(f"unknown log entry kind {doc['kind']!r}")
    return ExtensionEntry(doc["seq"], doc["at"], doc.get("by"), doc["previous"], doc["deadline"], doc.get("reason", ""))


def log_fields(entry: LogEntry) -> dict[str, Any]:
    """What every stored entry has: its number in the log, when, and by whom."""
    return {"seq": entry.seq, "at": entry.at, "by": entry.by}


def extension_fields(entry: ExtensionEntry) -> dict[str, Any]:
    return {
        **log_fields(entry),
        "kind": "EXTENSION",
        "previous": entry.previous,
        "deadline": entry.deadline,
        "reason": entry.reason,
    }


class Logs(Generic[R, E]):
    """A feature's records and their logs; the feature maps its documents to records and entries.

    ``record`` is the feature's record type, stored by the plain rule (``server.stored``) with
    ``absent`` for fields older documents lack. ``entry`` reads a log entry as stored (the
    feature's own kinds; ``extension_of`` for the rest), and ``entry_fields`` gives an entry's
    stored fields (``log_fields`` and its ``kind`` first; ``extension_fields`` for an extension).
    ``key`` names the entries' field that holds their record's id. Records come newest first: by
    their opening time, then by ``then_by``.
    """

    def __init__(
        self,
        records: Collection,
        entries: Collection,
        *,
        record: type[R],
        key: str,
        then_by: str,
        entry: Callable[[Document], E],
        entry_fields: Callable[[E], dict[str, Any]],
        absent: Mapping[str, object] | None = None,
    ) -> None:
        self._records = records
        self._entries = entries
        self._kind = record
        self._absent = absent
        self._key = key
        self._order = [("opened_at", DESCENDING), (then_by, DESCENDING)]
        self._entry = entry
        self._entry_fields = entry_fields

    def _record(self, doc: Document, entries: Sequence[E]) -> R:
        """A record as stored, with its log in order."""
        in_order = tuple(sorted(entries, key=lambda e: e.seq))
        parties = tuple(doc["organization_ids"])
        return from_stored(self._kind, doc, absent=self._absent, organization_ids=parties, entries=in_order)

    def _summary(self, record: R) -> dict[str, Any]:
        """The record document's derived fields, as the log says they are."""
        return {
            "state": record.state.value,
            "deadline": record.deadline,
            "closed_at": record.closed_at,
            "seq": record.entries[-1].seq if record.entries else 0,
        }

    async def _insert(self, record: R, taken: str) -> R:
        """Insert a new record; raises ``Taken`` (naming ``taken``) when a unique key of it is."""
        fields = to_stored(record, organization_ids=list(record.organization_ids))
        doc = {name: value for name, value in fields.items() if name != "entries"}  # the log is stored apart
        await insert_unique(self._records, {**doc, **self._summary(record)}, taken)
        return record

    async def append(self, record_id: ObjectId, entry: E) -> None:
        """Add an entry to a record's log; raises ``Taken`` when its number is."""
        doc = {"_id": ObjectId(), self._key: record_id, **self._entry_fields(entry)}
        await insert_unique(self._entries, doc, f"{record_id}:{entry.seq}")

    async def sync(self, record: R) -> None:
        """Bring the record document's summary in line with its log (idempotent)."""
        await self._records.update_one({"_id": record.id}, {"$set": self._summary(record)})

    async def one(self, record_id: ObjectId) -> R | None:
        found = await self.many([record_id])
        return found[0] if found else None

    async def many(self, record_ids: Iterable[ObjectId]) -> list[R]:
        wanted = list(record_ids)
        return await self._find({"_id": {"$in": wanted}}) if wanted else []

    async def for_documents(self, document_ids: Sequence[ObjectId]) -> list[R]:
        """The records of these documents, newest first."""
        if not document_ids:
            return []
        return await self._find({"document_id": {"$in": list(document_ids)}})

    async def open(self, organization_id: ObjectId | None = None) -> list[R]:
        """Records recorded as open (optionally: where this organisation is a party)."""
        query: dict[str, Any] = {"state": OPEN}
        if organization_id is not None:
            query["organization_ids"] = organization_id
        return await self._find(query)

    async def due(self, now: datetime) -> list[ObjectId]:
        """Records recorded as open whose deadline has passed (and that close at it)."""
        query = {"state": OPEN, "deadline": {"$lte": now}, **self._closes_at_deadline()}
        return [doc["_id"] async for doc in self._records.find(query, {"_id": 1})]

    def _closes_at_deadline(self) -> dict[str, Any]:
        """What else a record due at its deadline matches; every record, unless a feature says otherwise."""
        return {}

    async def _find(self, query: Mapping[str, Any]) -> list[R]:
        docs = [doc async for doc in self._records.find(dict(query)).sort(self._order)]
        if not docs:
            return []
        entries: dict[ObjectId, list[E]] = defaultdict(list)
        async for doc in self._entries.find({self._key: {"$in": [d["_id"] for d in docs]}}):
            entries[doc[self._key]].append(self._entry(doc))
        return [self._record(doc, entries[doc["_id"]]) for doc in docs]
