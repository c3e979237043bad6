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
)
from server.db import Collection, Database, insert_unique
from server.deadlines.repository import Logs, extension_fields, extension_of, log_fields
from server.stored import from_stored, to_stored

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
    return from_stored(Response, doc, absent={"late": False}, comment_ids=tuple(doc.get("comment_ids", [])))


async def _insert_for_party(collection: Collection, record: Response | Publication, **given: object) -> None:
    """Insert a party's record (a response, a publication); raises ``Taken`` when the party has one."""
    doc = {"_id": ObjectId(), **to_stored(record, **given)}
    await insert_unique(collection, doc, f"{record.consultation_id}:{record.organization_id}")


async def _of_consultations(
    collection: Collection, consultation_ids: Sequence[ObjectId], sort: str | None = None
) -> list[dict[str, Any]]:
    """The stored records of these consultations, in ascending ``sort`` order if given."""
    if not consultation_ids:
        return []
    cursor = collection.find({"consultation_id": {"$in": list(consultation_ids)}})
    return [doc async for doc in (cursor.sort(sort, ASCENDING) if sort else cursor)]


def _entry(doc: Mapping[str, Any]) -> Entry:
    if doc["kind"] == "CLOSURE":
        return ClosureEntry(doc["seq"], doc["at"], doc.get("by"), CloseCause(doc["cause"]))
    return extension_of(doc)


def _entry_fields(entry: Entry) -> dict[str, Any]:
    match entry:
        case ClosureEntry():
            return {**log_fields(entry), "kind": "CLOSURE", "cause": entry.cause.value}
        case ExtensionEntry():
            return extension_fields(entry)


class Consultations(Logs[Consultation, Entry]):
    def __init__(self, db: Database) -> None:
        super().__init__(
            db["consultations"],
            db["consultation_entries"],
            record=Consultation,
            key="consultation_id",
            then_by="number",
            entry=_entry,
            entry_fields=_entry_fields,
            absent={"letter": "", "letter_html": "", "accept_late": False},
        )
        self._responses = db["consultation_responses"]
        self._publications = db["consultation_publications"]

    # Consultations and their logs: the shared reads under the names the workflows use.
    consultation = Logs.one
    consultations = Logs.many
    open_consultations = Logs.open

    async def insert(self, consultation: Consultation) -> Consultation:
        """Open a consultation; raises ``Taken`` when its number in the document is taken."""
        return await self._insert(consultation, f"{consultation.document_id}:{consultation.number}")

    async def for_snapshot(self, snapshot_id: ObjectId) -> list[Consultation]:
        """The consultations on this snapshot, newest first."""
        return await self._find({"snapshot_id": snapshot_id})

    def _closes_at_deadline(self) -> dict[str, Any]:
        # Those accepting late responses stay open until the secretariat closes them.
        return {"accept_late": {"$ne": True}}

    # Responses

    async def insert_response(self, response: Response) -> Response:
        """Record a party's answer; raises ``Taken`` when the party has answered already."""
        await _insert_for_party(self._responses, response, comment_ids=list(response.comment_ids))
        return response

    async def responses(self, consultation_ids: Sequence[ObjectId]) -> list[Response]:
        return [_response(doc) for doc in await _of_consultations(self._responses, consultation_ids, sort="at")]

    async def response(self, consultation_id: ObjectId, organization_id: ObjectId) -> Response | None:
        doc = await self._responses.find_one({"consultation_id": consultation_id, "organization_id": organization_id})
        return _response(doc) if doc else None

    # Publications of the steering group's answers

    async def insert_publication(self, publication: Publication) -> Publication:
        """Record that one party's answers are published; raises ``Taken`` when they are already."""
        await _insert_for_party(self._publications, publication)
        return publication

    async def publications(self, consultation_ids: Sequence[ObjectId]) -> list[Publication]:
        return [from_stored(Publication, d) for d in await _of_consultations(self._publications, consultation_ids)]
