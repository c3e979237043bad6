"""Consultations in the store: the consultation documents, their logs, responses and publications.

``consultations`` holds what was fixed when a consultation opened and a summary for queries
(``state``, ``deadline``, ``closed_at``) that follows the log. ``consultation_entries`` holds the
log (extensions and the closure), numbered per consultation under a unique index — the approval
rounds' pattern (``server.approvals.repository`` says why: the embedded store's conditional
updates are read-then-write, an insert against a unique key is atomic).

One open consultation per document: consultations are numbered 1, 2, 3, … per document under a
unique (document, number) index. An opener reads the newest consultation; only when it is closed
may the next number be inserted, and of two openers that read the same newest one exactly one
gets the number. Responses and publications are unique per (consultation, organisation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from server.consultations.model import (
    CloseCause,
    ClosureEntry,
    Consultation,
    ConsultationState,
    Entry,
    ExtensionEntry,
    Publication,
    Response,
    ResponseKind,
)
from server.db import Database, Taken
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


def _entry(doc: Mapping[str, Any]) -> Entry:
    seq, at, by = doc["seq"], doc["at"], doc.get("by")
    match doc["kind"]:
        case "EXTENSION":
            return ExtensionEntry(seq, at, by, doc["previous"], doc["deadline"], doc.get("reason", ""))
        case "CLOSURE":
            return ClosureEntry(seq, at, by, CloseCause(doc["cause"]))
    raise ValueError(f"unknown consultation entry kind {doc['kind']!r}")


def _entry_fields(entry: Entry) -> dict[str, Any]:
    common = {"seq": entry.seq, "at": entry.at, "by": entry.by}
    match entry:
        case ExtensionEntry():
            return {
                **common,
                "kind": "EXTENSION",
                "previous": entry.previous,
                "deadline": entry.deadline,
                "reason": entry.reason,
            }
        case ClosureEntry():
            return {**common, "kind": "CLOSURE", "cause": entry.cause.value}


def _consultation(doc: Mapping[str, Any], entries: Sequence[Entry]) -> Consultation:
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


def summary(consultation: Consultation) -> dict[str, Any]:
    """The consultation document's derived fields, as the log says they are."""
    return {
        "state": consultation.state.value,
        "deadline": consultation.deadline,
        "closed_at": consultation.closed_at,
        "seq": consultation.entries[-1].seq if consultation.entries else 0,
    }


class Consultations:
    def __init__(self, db: Database) -> None:
        self._consultations = db["consultations"]
        self._entries = db["consultation_entries"]
        self._responses = db["consultation_responses"]
        self._publications = db["consultation_publications"]

    # Consultations and their logs

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
        try:
            await self._consultations.insert_one({**doc, **summary(consultation)})
        except DuplicateKeyError as error:
            raise Taken(f"{consultation.document_id}:{consultation.number}") from error
        return consultation

    async def append(self, consultation_id: ObjectId, entry: Entry) -> None:
        """Add an entry to a consultation's log; raises ``Taken`` when its number is."""
        try:
            await self._entries.insert_one(
                {"_id": ObjectId(), "consultation_id": consultation_id, **_entry_fields(entry)}
            )
        except DuplicateKeyError as error:
            raise Taken(f"{consultation_id}:{entry.seq}") from error

    async def sync(self, consultation: Consultation) -> None:
        """Bring the consultation document's summary in line with its log (idempotent)."""
        await self._consultations.update_one({"_id": consultation.id}, {"$set": summary(consultation)})

    async def consultation(self, consultation_id: ObjectId) -> Consultation | None:
        found = await self.consultations([consultation_id])
        return found[0] if found else None

    async def consultations(self, consultation_ids: Iterable[ObjectId]) -> list[Consultation]:
        wanted = list(consultation_ids)
        return await self._with_entries({"_id": {"$in": wanted}}) if wanted else []

    async def for_documents(self, document_ids: Sequence[ObjectId]) -> list[Consultation]:
        """The consultations of these documents, newest first."""
        if not document_ids:
            return []
        return await self._with_entries({"document_id": {"$in": list(document_ids)}})

    async def for_snapshot(self, snapshot_id: ObjectId) -> list[Consultation]:
        """The consultations on this snapshot, newest first."""
        return await self._with_entries({"snapshot_id": snapshot_id})

    async def due(self, now: datetime) -> list[ObjectId]:
        """Consultations recorded as open whose deadline has passed (those accepting late responses
        stay open until the secretariat closes them)."""
        query = {"state": ConsultationState.OPEN.value, "deadline": {"$lte": now}, "accept_late": {"$ne": True}}
        return [doc["_id"] async for doc in self._consultations.find(query, {"_id": 1})]

    async def open_consultations(self, organization_id: ObjectId | None = None) -> list[Consultation]:
        """Consultations recorded as open (optionally: where this organisation is consulted)."""
        query: dict[str, Any] = {"state": ConsultationState.OPEN.value}
        if organization_id is not None:
            query["organization_ids"] = organization_id
        return await self._with_entries(query)

    async def _with_entries(self, query: Mapping[str, Any]) -> list[Consultation]:
        order = [("opened_at", DESCENDING), ("number", DESCENDING)]
        docs = [doc async for doc in self._consultations.find(dict(query)).sort(order)]
        if not docs:
            return []
        entries: dict[ObjectId, list[Entry]] = defaultdict(list)
        async for doc in self._entries.find({"consultation_id": {"$in": [d["_id"] for d in docs]}}):
            entries[doc["consultation_id"]].append(_entry(doc))
        return [_consultation(doc, entries[doc["_id"]]) for doc in docs]

    # Responses

    async def insert_response(self, response: Response) -> Response:
        """Record a party's answer; raises ``Taken`` when the party has answered already."""
        try:
            await self._responses.insert_one(
                {
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
            )
        except DuplicateKeyError as error:
            raise Taken(f"{response.consultation_id}:{response.organization_id}") from error
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
        try:
            await self._publications.insert_one(
                {
                    "_id": ObjectId(),
                    "consultation_id": publication.consultation_id,
                    "organization_id": publication.organization_id,
                    "at": publication.at,
                    "by": publication.by,
                }
            )
        except DuplicateKeyError as error:
            raise Taken(f"{publication.consultation_id}:{publication.organization_id}") from error
        return publication

    async def publications(self, consultation_ids: Sequence[ObjectId]) -> list[Publication]:
        if not consultation_ids:
            return []
        cursor = self._publications.find({"consultation_id": {"$in": list(consultation_ids)}})
        found = [doc async for doc in cursor]
        return [Publication(d["consultation_id"], d["organization_id"], d["at"], d.get("by")) for d in found]
