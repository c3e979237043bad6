"""Approval rounds in the store: the round documents and their append-only logs.

A round is two things. ``approval_rounds`` holds what was fixed when it opened (snapshot, title,
parties, silence rule) and a summary for queries — ``state``, ``deadline``, ``closed_at`` —
that follows the log. ``approval_entries`` holds the log: one inserted document per decision,
board mark, extension or closure, numbered per round under a unique index on (round, seq).

Why entries rather than ``$push`` onto the round: FerretDB 1.24 applies conditional updates as
read-then-write, so a ``$push`` guarded by ``state: "OPEN"`` could land after a concurrent
closure, and two concurrent pushes could lose one (README, "Consistency without transactions").
An insert against a unique key is atomic on every store: of two writers that read the same log,
exactly one gets the next number; the other re-reads and decides again — and a decision that
meets a closure is refused. The summary is derived and repaired from the log (``sync``).

At most one open round per snapshot: ``open_key`` holds the snapshot's id while the round is
open and the round's own id once it is closed, under a unique index (FerretDB has no partial
indexes, so the closed rounds must step aside rather than be left out of the index).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from server.approvals.model import (
    ApprovalRound,
    BoardEntry,
    Cause,
    ClosureEntry,
    Decision,
    DecisionEntry,
    Entry,
    ExtensionEntry,
    RoundState,
)
from server.db import Database, Taken
from server.drafting.model import Phase

INDEXES = {
    "approval_rounds": [
        IndexModel([("open_key", ASCENDING)], name="approval_rounds_open_key_unique", unique=True),
        IndexModel([("document_id", ASCENDING), ("opened_at", DESCENDING)], name="approval_rounds_document"),
        IndexModel([("state", ASCENDING), ("deadline", ASCENDING)], name="approval_rounds_state_deadline"),
    ],
    "approval_entries": [
        IndexModel([("round_id", ASCENDING), ("seq", ASCENDING)], name="approval_entries_round_seq_unique", unique=True)
    ],
}


def _with_shared_note(remarks: str, legacy_note: str) -> str:
    """Remarks together with a note stored under the old ``internal_note`` key.

    Until the internal note became private, it was shown to every party and printed in the
    record, so what was written there was in fact shared. Decisions are never rewritten; such a
    note is read as part of the remarks (after them, as its own paragraph) — everyone keeps
    seeing what they saw, and nothing written for all becomes private after the fact. Private
    notes are stored under ``private_note``.
    """
    legacy_note = legacy_note.strip()
    if not legacy_note:
        return remarks
    return f"{remarks}\n\n{legacy_note}" if remarks.strip() else legacy_note


def _entry(doc: Mapping[str, Any]) -> Entry:
    seq, at, by = doc["seq"], doc["at"], doc.get("by")
    match doc["kind"]:
        case "DECISION":
            return DecisionEntry(
                seq,
                at,
                by,
                doc["organization_id"],
                Decision(doc["decision"]),
                _with_shared_note(doc.get("remarks", ""), doc.get("internal_note", "")),
                tuple(doc.get("section_ids", [])),
                doc.get("private_note", ""),
            )
        case "BOARD":
            return BoardEntry(seq, at, by, doc["organization_id"], doc["awaiting"], doc.get("note", ""))
        case "EXTENSION":
            return ExtensionEntry(seq, at, by, doc["previous"], doc["deadline"], doc.get("reason", ""))
        case "CLOSURE":
            return ClosureEntry(seq, at, by, RoundState(doc["state"]), Cause(doc["cause"]), doc.get("reason", ""))
    raise ValueError(f"unknown approval entry kind {doc['kind']!r}")


def _entry_fields(entry: Entry) -> dict[str, Any]:
    common = {"seq": entry.seq, "at": entry.at, "by": entry.by}
    match entry:
        case DecisionEntry():
            return {
                **common,
                "kind": "DECISION",
                "organization_id": entry.organization_id,
                "decision": entry.decision.value,
                "remarks": entry.remarks,
                "section_ids": list(entry.section_ids),
                "private_note": entry.internal_note,
            }
        case BoardEntry():
            return {
                **common,
                "kind": "BOARD",
                "organization_id": entry.organization_id,
                "awaiting": entry.awaiting,
                "note": entry.note,
            }
        case ExtensionEntry():
            return {
                **common,
                "kind": "EXTENSION",
                "previous": entry.previous,
                "deadline": entry.deadline,
                "reason": entry.reason,
            }
        case ClosureEntry():
            return {
                **common,
                "kind": "CLOSURE",
                "state": entry.state.value,
                "cause": entry.cause.value,
                "reason": entry.reason,
            }


def _round(doc: Mapping[str, Any], entries: Sequence[Entry]) -> ApprovalRound:
    return ApprovalRound(
        id=doc["_id"],
        document_id=doc["document_id"],
        snapshot_id=doc["snapshot_id"],
        title=doc["title"],
        organization_ids=tuple(doc["organization_ids"]),
        silence_is_consent=doc["silence_is_consent"],
        opening_deadline=doc["opening_deadline"],
        opened_by=doc.get("opened_by"),
        opened_at=doc["opened_at"],
        phase_before=Phase(doc["phase_before"]),
        entries=tuple(sorted(entries, key=lambda e: e.seq)),
    )


def summary(round: ApprovalRound) -> dict[str, Any]:
    """The round document's derived fields, as the log says they are."""
    closure = round.closure
    return {
        "state": round.state.value,
        "deadline": round.deadline,
        "closed_at": closure.at if closure else None,
        "open_key": round.id if closure else round.snapshot_id,
        "seq": round.entries[-1].seq if round.entries else 0,
    }


class Approvals:
    def __init__(self, db: Database) -> None:
        self._rounds = db["approval_rounds"]
        self._entries = db["approval_entries"]

    async def insert_round(
        self,
        *,
        document_id: ObjectId,
        snapshot_id: ObjectId,
        title: str,
        organization_ids: Sequence[ObjectId],
        silence_is_consent: bool,
        deadline: datetime,
        opened_by: ObjectId | None,
        opened_at: datetime,
        phase_before: Phase,
    ) -> ApprovalRound:
        """Open a round; raises ``Taken`` while another round on the snapshot is open."""
        doc: dict[str, Any] = {
            "_id": ObjectId(),
            "document_id": document_id,
            "snapshot_id": snapshot_id,
            "title": title,
            "organization_ids": list(organization_ids),
            "silence_is_consent": silence_is_consent,
            "opening_deadline": deadline,
            "opened_by": opened_by,
            "opened_at": opened_at,
            "phase_before": phase_before.value,
        }
        round = _round(doc, ())
        try:
            await self._rounds.insert_one({**doc, **summary(round)})
        except DuplicateKeyError as error:
            raise Taken(str(snapshot_id)) from error
        return round

    async def append(self, round_id: ObjectId, entry: Entry) -> None:
        """Add an entry to a round's log; raises ``Taken`` when its number is."""
        try:
            await self._entries.insert_one({"_id": ObjectId(), "round_id": round_id, **_entry_fields(entry)})
        except DuplicateKeyError as error:
            raise Taken(f"{round_id}:{entry.seq}") from error

    async def sync(self, round: ApprovalRound) -> None:
        """Bring the round document's summary in line with its log (idempotent)."""
        await self._rounds.update_one({"_id": round.id}, {"$set": summary(round)})

    async def round(self, round_id: ObjectId) -> ApprovalRound | None:
        found = await self.rounds([round_id])
        return found[0] if found else None

    async def rounds(self, round_ids: Iterable[ObjectId]) -> list[ApprovalRound]:
        wanted = list(round_ids)
        return await self._with_entries({"_id": {"$in": wanted}}) if wanted else []

    async def for_documents(self, document_ids: Sequence[ObjectId]) -> list[ApprovalRound]:
        """The rounds of these documents, newest first."""
        if not document_ids:
            return []
        return await self._with_entries({"document_id": {"$in": list(document_ids)}})

    async def holding(self, snapshot_id: ObjectId) -> ApprovalRound | None:
        """The round whose summary says it is the open one on this snapshot."""
        found = await self._with_entries({"open_key": snapshot_id})
        return found[0] if found else None

    async def due(self, now: datetime) -> list[ObjectId]:
        """Rounds recorded as open whose deadline has passed."""
        cursor = self._rounds.find({"state": RoundState.OPEN.value, "deadline": {"$lte": now}}, {"_id": 1})
        return [doc["_id"] async for doc in cursor]

    async def open_rounds(self, organization_id: ObjectId | None = None) -> list[ApprovalRound]:
        """Rounds recorded as open (optionally: where this organisation's decision is required)."""
        query: dict[str, Any] = {"state": RoundState.OPEN.value}
        if organization_id is not None:
            query["organization_ids"] = organization_id
        return await self._with_entries(query)

    async def _with_entries(self, query: Mapping[str, Any]) -> list[ApprovalRound]:
        docs = [
            doc async for doc in self._rounds.find(dict(query)).sort([("opened_at", DESCENDING), ("_id", DESCENDING)])
        ]
        if not docs:
            return []
        entries: dict[ObjectId, list[Entry]] = defaultdict(list)
        async for doc in self._entries.find({"round_id": {"$in": [d["_id"] for d in docs]}}):
            entries[doc["round_id"]].append(_entry(doc))
        return [_round(doc, entries[doc["_id"]]) for doc in docs]
