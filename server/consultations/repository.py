"""Consultations in the store: the consultation documents, their logs, responses and publications.

``consultations`` holds what was fixed when a consultation opened and a summary for queries
(``state``, ``deadline``, ``closed_at``) that follows the log. ``consultation_entries`` holds the
log (extensions and the closure), numbered per consultation under a unique index — the shape of
every record with a deadline (``server.deadlines.repository`` says why: the embedded store's
conditional updates are read-then-write, an insert against a unique key is atomic).

One open consultation per document: consultations are numbered 1, 2, 3, … per document under a
unique (document, number) index. An opener reads the newest consultation; only when it is closed
may the next number be inserted, and of two openers that read the same newest one exactly one
gets the number. Responses and publications are unique per (consultation, organisation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel

from server.consultations.model import (
    CloseCause,
    ClosureEntry,
    Consultation,
    Entry,
    ExtensionEntry,
    Publication,
    Response,
    ResponseKind,
)
from server.db import Database, insert_unique
from server.deadlines.repository import Logs, extension_fields, extension_of
from server.drafting.model import Phase

INDEXES = {
    "consultations": [
        IndexModel(
            [("document_id", ASCENDING), ("number", ASCENDING)],
            name="consultations_document_number_unique",
            unique=True,
        ),
        IndexModel([("snapshot_id", ASCENDING)], name="consultations_snapshot"),
        IndexModel([("state", ASCENDING), ("deadline", ASCENDING)], name="consultations_state_deadline"),
    ],
    "consultation_entries": [
        IndexModel(
            [("consultation_id", ASCENDING), ("seq", ASCENDING)],
            name="consultation_entries_consultation_seq_unique",
            unique=True,
        )
    ],
    "consultation_responses": [
        IndexModel(
            [("consultation_id", ASCENDING), ("organization_id", ASCENDING)],
            name="consultation_responses_party_unique",
            unique=True,
        )
    ],
    "consultation_publications": [
        IndexModel(
            [("consultation_id", ASCENDING), ("organization_id", ASCENDING)],
            name="consultation_publications_party_unique",
            unique=True,
        )
    ],
}


def _response(doc: Mapping[str, Any]) -> Response:
    return Response(
        consultation_id=doc["consultation_id"],
        organization_id=doc["organization_id"],
        kind=ResponseKind(doc["kind"]),
        at=doc["at"],
        late=doc.get("late", False),
        by=doc.get("by"),
        general_remarks=doc.get("general_remarks", ""),
        attachment_id=doc.get("attachment_id"),
        comment_ids=tuple(doc.get("comment_ids", [])),
    )


class Consultations(Logs[Consultation, Entry]):
    def __init__(self, db: Database) -> None:
        super().__init__(db["consultations"], db["consultation_entries"], key="consultation_id", then_by="number")
        self._responses = db["consultation_responses"]
        self._publications = db["consultation_publications"]

    def _record(self, doc: Mapping[str, Any], entries: Sequence[Entry]) -> Consultation:
        return Consultation(
            id=doc["_id"],
            document_id=doc["document_id"],
            number=doc["number"],
            snapshot_id=doc["snapshot_id"],
            letter=doc.get("letter", ""),
            letter_html=doc.get("letter_html", ""),
            opening_deadline=doc["opening_deadline"],
            accept_late=doc.get("accept_late", False),
            opened_by=doc.get("opened_by"),
            opened_at=doc["opened_at"],
            organization_ids=tuple(doc["organization_ids"]),
            phase_before=Phase(doc["phase_before"]),
            entries=tuple(sorted(entries, key=lambda e: e.seq)),
        )

    def _entry(self, doc: Mapping[str, Any]) -> Entry:
        if doc["kind"] == "CLOSURE":
            return ClosureEntry(doc["seq"], doc["at"], doc.get("by"), CloseCause(doc["cause"]))
        return extension_of(doc)

    def _entry_fields(self, entry: Entry) -> dict[str, Any]:
        match entry:
            case ClosureEntry():
                return {"kind": "CLOSURE", "cause": entry.cause.value}
            case ExtensionEntry():
                return extension_fields(entry)

    # Consultations and their logs: the shared reads under the names the workflows use.
    consultation = Logs.one
    consultations = Logs.many
    open_consultations = Logs.open

    async def insert(self, consultation: Consultation) -> Consultation:
        """Open a consultation; raises ``Taken`` when its number in the document is taken."""
        doc: dict[str, Any] = {
            "_id": consultation.id,
            "document_id": consultation.document_id,
            "number": consultation.number,
            "snapshot_id": consultation.snapshot_id,
            "letter": consultation.letter,
            "letter_html": consultation.letter_html,
            "opening_deadline": consultation.opening_deadline,
            "accept_late": consultation.accept_late,
            "opened_by": consultation.opened_by,
            "opened_at": consultation.opened_at,
            "organization_ids": list(consultation.organization_ids),
            "phase_before": consultation.phase_before.value,
        }
        return await self._insert(doc, f"{consultation.document_id}:{consultation.number}")

    async def for_snapshot(self, snapshot_id: ObjectId) -> list[Consultation]:
        """The consultations on this snapshot, newest first."""
        return await self._find({"snapshot_id": snapshot_id})

    def _closes_at_deadline(self) -> dict[str, Any]:
        # Those accepting late responses stay open until the secretariat closes them.
        return {"accept_late": {"$ne": True}}

    # Responses

    async def insert_response(self, response: Response) -> Response:
        """Record a party's answer; raises ``Taken`` when the party has answered already."""
        doc = {
            "_id": ObjectId(),
            "consultation_id": response.consultation_id,
            "organization_id": response.organization_id,
            "kind": response.kind.value,
            "at": response.at,
            "late": response.late,
            "by": response.by,
            "general_remarks": response.general_remarks,
            "attachment_id": response.attachment_id,
            "comment_ids": list(response.comment_ids),
        }
        await insert_unique(self._responses, doc, f"{response.consultation_id}:{response.organization_id}")
        return response

    async def responses(self, consultation_ids: Sequence[ObjectId]) -> list[Response]:
        if not consultation_ids:
            return []
        cursor = self._responses.find({"consultation_id": {"$in": list(consultation_ids)}}).sort("at", ASCENDING)
        return [_response(doc) async for doc in cursor]

    async def response(self, consultation_id: ObjectId, organization_id: ObjectId) -> Response | None:
        doc = await self._responses.find_one({"consultation_id": consultation_id, "organization_id": organization_id})
        return _response(doc) if doc else None

    # Publications of the steering group's answers

    async def insert_publication(self, publication: Publication) -> Publication:
        """Record that one party's answers are published; raises ``Taken`` when they are already."""
        doc = {
            "_id": ObjectId(),
            "consultation_id": publication.consultation_id,
            "organization_id": publication.organization_id,
            "at": publication.at,
            "by": publication.by,
        }
        await insert_unique(self._publications, doc, f"{publication.consultation_id}:{publication.organization_id}")
        return publication

    async def publications(self, consultation_ids: Sequence[ObjectId]) -> list[Publication]:
        if not consultation_ids:
            return []
        cursor = self._publications.find({"consultation_id": {"$in": list(consultation_ids)}})
        found = [doc async for doc in cursor]
        return [Publication(d["consultation_id"], d["organization_id"], d["at"], d.get("by")) for d in found]
