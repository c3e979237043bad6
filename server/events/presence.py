"""Who is reading or editing which section right now.

Presence is a heartbeat, not history: one small document per user and document, replaced on
each report and ignored once it is older than ``PRESENCE_TTL``, so it expires by itself when a
client goes away. It is deliberately not written to the event log, which is kept forever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel

from server.db import Database

PRESENCE_TTL = timedelta(seconds=45)

INDEXES = {"presence": [IndexModel([("document_id", ASCENDING), ("at", ASCENDING)], name="presence_document_at")]}


class Activity(StrEnum):
    READING = "READING"
    EDITING = "EDITING"


@dataclass(frozen=True)
class Presence:
    user_id: ObjectId
    organization_id: ObjectId
    document_id: ObjectId
    section_id: ObjectId | None
    activity: Activity
    at: datetime


def _presence(doc: Mapping[str, Any]) -> Presence:
    return Presence(
        doc["user_id"],
        doc["organization_id"],
        doc["document_id"],
        doc.get("section_id"),
        Activity(doc["activity"]),
        doc["at"],
    )


class PresenceBoard:
    def __init__(self, db: Database) -> None:
        self._presence = db["presence"]

    async def report(self, entry: Presence) -> None:
        await self._presence.replace_one(
            {"_id": f"{entry.user_id}:{entry.document_id}"},
            {
                "user_id": entry.user_id,
                "organization_id": entry.organization_id,
                "document_id": entry.document_id,
                "section_id": entry.section_id,
                "activity": entry.activity.value,
                "at": entry.at,
            },
            upsert=True,
        )

    async def leave(self, user_id: ObjectId, document_id: ObjectId) -> None:
        await self._presence.delete_one({"_id": f"{user_id}:{document_id}"})

    async def current(self, document_id: ObjectId, now: datetime) -> list[Presence]:
        cursor = self._presence.find({"document_id": document_id, "at": {"$gt": now - PRESENCE_TTL}})
        return [_presence(doc) async for doc in cursor.sort("at", ASCENDING)]

    async def sweep(self, now: datetime) -> None:
        await self._presence.delete_many({"at": {"$lt": now - PRESENCE_TTL}})
