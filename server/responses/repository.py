"""Response drafts in the store: entries in ``response_drafts``, letters in the GridFS bucket
``response_letters`` (its ``.files`` and ``.chunks`` collections), so every app process sees them.

An entry is written once and never changed: the newest ``remarks`` entry of an (consultation,
organisation) holds its general remarks, the newest ``letter`` entry its letter (or none, when the
letter was removed). A replaced letter's file stays in GridFS.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bson import ObjectId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, IndexModel

from server.db import Database
from server.responses.model import Letter, LetterType, ResponseDraft

BUCKET = "response_letters"

INDEXES = {
    "response_drafts": [
        IndexModel(
            [("consultation_id", ASCENDING), ("organization_id", ASCENDING), ("at", ASCENDING)],
            name="response_drafts_consultation_organization_at",
        ),
        IndexModel([("letter_file_id", ASCENDING)], name="response_drafts_letter_file"),
    ],
}


def _letter(doc: Mapping[str, Any] | None, entry: Mapping[str, Any]) -> Letter | None:
    if doc is None:
        return None
    return Letter(
        file_id=doc["file_id"],
        filename=doc["filename"],
        type=LetterType(doc["type"]),
        size=int(doc["size"]),
        uploaded_at=entry["at"],
        uploaded_by=entry.get("by"),
    )


def _letter_fields(letter: Letter | None) -> dict[str, Any] | None:
    if letter is None:
        return None
    return {"file_id": letter.file_id, "filename": letter.filename, "type": letter.type.value, "size": letter.size}


class ResponseDrafts:
    def __init__(self, db: Database) -> None:
        self._entries = db["response_drafts"]
        self._files = AsyncGridFSBucket(db, bucket_name=BUCKET)

    async def draft(self, consultation_id: ObjectId, organization_id: ObjectId) -> ResponseDraft:
        query = {"consultation_id": consultation_id, "organization_id": organization_id}
        remarks: Mapping[str, Any] | None = None
        letter: Mapping[str, Any] | None = None
        async for doc in self._entries.find(query).sort([("at", ASCENDING), ("_id", ASCENDING)]):
            if doc["kind"] == "remarks":
                remarks = doc
            else:
                letter = doc
        return ResponseDraft(
            consultation_id=consultation_id,
            organization_id=organization_id,
            general_remarks=remarks["text"] if remarks else "",
            remarks_at=remarks["at"] if remarks else None,
            remarks_by=remarks.get("by") if remarks else None,
            letter=_letter(letter.get("letter"), letter) if letter else None,
        )

    async def save_remarks(
        self, consultation_id: ObjectId, organization_id: ObjectId, text: str, by: ObjectId, at: datetime
    ) -> None:
        await self._entries.insert_one(
            {
                "consultation_id": consultation_id,
                "organization_id": organization_id,
                "kind": "remarks",
                "text": text,
                "at": at,
                "by": by,
            }
        )

    async def set_letter(
        self, consultation_id: ObjectId, organization_id: ObjectId, letter: Letter | None, by: ObjectId, at: datetime
    ) -> None:
        """The organisation's letter from now on (None: removed)."""
        await self._entries.insert_one(
            {
                "consultation_id": consultation_id,
                "organization_id": organization_id,
                "kind": "letter",
                "letter": _letter_fields(letter),
                # Top level, so the embedded store finds a letter's entry through the index.
                "letter_file_id": letter.file_id if letter else None,
                "at": at,
                "by": by,
            }
        )

    async def store_file(self, filename: str, data: bytes, metadata: Mapping[str, Any]) -> ObjectId:
        return await self._files.upload_from_stream(filename, data, metadata=dict(metadata))

    async def file(self, file_id: ObjectId) -> bytes | None:
        try:
            stream = await self._files.open_download_stream(file_id)
        except NoFile:
            return None
        return await stream.read()

    async def letter_owner(self, file_id: ObjectId) -> tuple[ObjectId, ObjectId, Letter] | None:
        """The (consultation, organisation) a letter was uploaded for, with the letter."""
        doc = await self._entries.find_one({"letter_file_id": file_id})
        if doc is None:
            return None
        letter = _letter(doc["letter"], doc)
        assert letter is not None
        return doc["consultation_id"], doc["organization_id"], letter
