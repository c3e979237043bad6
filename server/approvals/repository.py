"""Approval rounds in the store: the round documents and their append-only logs.

A round is two things (``server.deadlines.repository`` says why): ``approval_rounds`` holds what
was fixed when it opened (snapshot, title, parties, silence rule) and a summary for queries that
follows the log; ``approval_entries`` holds the log: one inserted document per decision, board
mark, extension or closure, numbered per round under a unique index on (round, seq).

At most one open round per snapshot: ``open_key`` holds the snapshot's id while the round is
open and the round's own id once it is closed, under a unique index (FerretDB has no partial
indexes, so the closed rounds must step aside rather than be left out of the index).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

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
from server.db import Database
from server.deadlines.repository import Logs, extension_fields, extension_of, log_fields
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
        case "CLOSURE":
            return ClosureEntry(seq, at, by, RoundState(doc["state"]), Cause(doc["cause"]), doc.get("reason", ""))
    return extension_of(doc)


def _entry_fields(entry: Entry) -> dict[str, Any]:
    match entry:
        case DecisionEntry():
            return {
                **log_fields(entry),
                "kind": "DECISION",
                "organization_id": entry.organization_id,
                "decision": entry.decision.value,
                "remarks": entry.remarks,
                "section_ids": list(entry.section_ids),
                "private_note": entry.internal_note,
            }
        case BoardEntry():
            return {
                **log_fields(entry),
                "kind": "BOARD",
                "organization_id": entry.organization_id,
                "awaiting": entry.awaiting,
                "note": entry.note,
            }
        case ClosureEntry():
            return {
                **log_fields(entry),
                "kind": "CLOSURE",
                "state": entry.state.value,
                "cause": entry.cause.value,
                "reason": entry.reason,
            }
        case ExtensionEntry():
            return extension_fields(entry)


class Approvals(Logs[ApprovalRound, Entry]):
    def __init__(self, db: Database) -> None:
        super().__init__(
            db["approval_rounds"],
            db["approval_entries"],
            record=ApprovalRound,
            key="round_id",
            then_by="_id",
            entry=_entry,
            entry_fields=_entry_fields,
        )

    def _summary(self, round: ApprovalRound) -> dict[str, Any]:
        return {**super()._summary(round), "open_key": round.id if round.closure else round.snapshot_id}

    # The shared reads under the names the workflows use.
    round = Logs.one
    rounds = Logs.many
    open_rounds = Logs.open

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
        round = ApprovalRound(
            id=ObjectId(),
            document_id=document_id,
            snapshot_id=snapshot_id,
            title=title,
            organization_ids=tuple(organization_ids),
            silence_is_consent=silence_is_consent,
            opening_deadline=deadline,
            opened_by=opened_by,
            opened_at=opened_at,
            phase_before=phase_before,
        )
        return await self._insert(round, str(snapshot_id))

    async def holding(self, snapshot_id: ObjectId) -> ApprovalRound | None:
        """The round whose summary says it is the open one on this snapshot."""
        found = await self._find({"open_key": snapshot_id})
        return found[0] if found else None
