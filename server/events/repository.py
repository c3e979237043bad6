"""The one place events are written, and reads by sequence.

Events are never updated or deleted; nothing in this module or the API can. Each event gets
a sequence number from an atomic counter, so every app process reads the same order. Presence
heartbeats live here too (``PresenceBoard``), in a collection of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from server.db import Database
from server.events.model import PRESENCE_TTL, Activity, Event, EventData, Origin, Presence
from server.stored import from_stored

_MAX_ATTEMPTS = 1000

INDEXES = {
    "presence": [IndexModel([("document_id", ASCENDING), ("at", ASCENDING)], name="presence_document_at")],
    "events": [
        IndexModel([("seq", ASCENDING)], name="events_seq_unique", unique=True),
        IndexModel([("document_id", ASCENDING), ("seq", DESCENDING)], name="events_document_seq"),
    ],
}


def _event(doc: Mapping[str, Any]) -> Event:
    return from_stored(Event, doc, absent={"data": {}})


class EventLog:
    def __init__(self, db: Database) -> None:
        self._events = db["events"]
        self._counters = db["counters"]

    async def append(
        self,
        kind: str,
        origin: Origin,
        at: datetime,
        *,
        document_id: ObjectId | None = None,
        entity: tuple[str, ObjectId] | None = None,
        data: EventData | None = None,
        audience_organization_id: ObjectId | None = None,
    ) -> Event:
        doc: dict[str, Any] = {
            "_id": ObjectId(),
            "kind": kind,
            "at": at,
            "actor_id": origin.actor_id,
            "organization_id": origin.organization_id,
            "document_id": document_id,
            "entity_type": entity[0] if entity else None,
            "entity_id": entity[1] if entity else None,
            "data": dict(data or {}),
            "client_address": origin.client_address,
            "audience_organization_id": audience_organization_id,
        }
        # The unique index on seq is what guarantees one event per number: FerretDB applies
        # $inc as read-then-write, so two writers can draw the same number; the loser retries.
        for _ in range(_MAX_ATTEMPTS):
            try:
                # The very first events of a store upsert the counter; two at once: one retries.
                counter = await self._counters.find_one_and_update(
                    {"_id": "events"}, {"$inc": {"seq": 1}}, upsert=True, return_document=ReturnDocument.AFTER
                )
                assert counter is not None  # upsert with ReturnDocument.AFTER always returns the document
                doc["seq"] = counter["seq"]
                await self._events.insert_one(doc)
            except DuplicateKeyError:
                continue
            break
        else:
            raise RuntimeError("could not allocate an event sequence number")
        return _event(doc)

    async def for_document(
        self,
        document_id: ObjectId,
        *,
        after_seq: int = 0,
        limit: int = 100,
        newest_first: bool = False,
        audiences: Sequence[ObjectId | None] | None = None,
    ) -> list[Event]:
        """A document's events in order; with ``audiences``, only those meant for them."""
        query: dict[str, Any] = {"document_id": document_id, "seq": {"$gt": after_seq}}
        if audiences is not None:
            query["audience_organization_id"] = {"$in": list(audiences)}
        cursor = self._events.find(query).sort("seq", DESCENDING if newest_first else ASCENDING).limit(limit)
        return [_event(doc) async for doc in cursor]

    async def after(self, seq: int, *, up_to: int, limit: int = 200) -> list[Event]:
        """The events (all documents) after ``seq``, in order: what followers poll. ``up_to`` is
        the last number drawn (``drawn``): the events are asked for by number, up to ``limit`` of
        them, which every store answers from the index on ``seq`` (the embedded one reads its whole
        log for a range). Only when none of those numbers is written yet — in flight, or drawn by
        a writer that failed — does it read by range, to find what comes after them."""
        numbers = list(range(seq + 1, min(up_to, seq + limit) + 1))
        if numbers:
            cursor = self._events.find({"seq": {"$in": numbers}}).sort("seq", ASCENDING)
            found = [_event(doc) async for doc in cursor]
            if found:
                return found
        cursor = self._events.find({"seq": {"$gt": seq}}).sort("seq", ASCENDING).limit(limit)
        return [_event(doc) async for doc in cursor]

    async def drawn(self) -> int:
        """The last sequence number drawn (read by ``_id``, so cheap on every store).

        An event may still be on its way to the log under that number, and a writer that lost a
        race draws again, so this is a hint that something new may be there, not a position.
        """
        counter = await self._counters.find_one({"_id": "events"})
        return int(counter["seq"]) if counter else 0

    async def last_seq(self) -> int:
        """The number of the newest event: looked for among the last numbers drawn first (by
        index, as in ``after``), in the whole log only when none of them was written."""
        drawn = await self.drawn()
        numbers = list(range(max(1, drawn - 199), drawn + 1))
        query: dict[str, Any] = {"seq": {"$in": numbers}} if numbers else {}
        for attempt in (query, {}):
            doc = await self._events.find_one(attempt, {"seq": 1}, sort=[("seq", DESCENDING)])
            if doc:
                return int(doc["seq"])
        return 0

    async def page(
        self,
        document_id: ObjectId,
        *,
        before_seq: int | None,
        limit: int,
        organization_id: ObjectId | None = None,
        kinds: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        audiences: Sequence[ObjectId | None] | None = None,
    ) -> list[Event]:
        """A page of a document's events, newest first, with the activity feed's filters.

        ``audiences`` is applied in the query, before the limit, so that a page (and the cursor
        after it) reveals nothing about events the reader may not see.
        """
        query: dict[str, Any] = {"document_id": document_id}
        if audiences is not None:
            query["audience_organization_id"] = {"$in": list(audiences)}
        if before_seq is not None:
            query["seq"] = {"$lt": before_seq}
        if organization_id is not None:
            query["organization_id"] = organization_id
        if kinds:
            query["kind"] = {"$in": kinds}
        if since is not None or until is not None:
            query["at"] = {**({"$gte": since} if since else {}), **({"$lt": until} if until else {})}
        cursor = self._events.find(query).sort("seq", DESCENDING).limit(limit)
        return [_event(doc) async for doc in cursor]

    async def by_id(self, event_id: ObjectId) -> Event | None:
        doc = await self._events.find_one({"_id": event_id})
        return _event(doc) if doc else None

    async def for_entity(self, entity_id: ObjectId, *, kinds: Sequence[str] = (), limit: int = 100) -> list[Event]:
        """What happened to one thing (a comment, a section, …), of the given kinds if any, oldest first."""
        query: dict[str, Any] = {"entity_id": entity_id}
        if kinds:
            query["kind"] = {"$in": list(kinds)}
        cursor = self._events.find(query).sort("seq", ASCENDING).limit(limit)
        return [_event(doc) async for doc in cursor]

    async def of_kinds(self, kinds: Sequence[str], *, limit: int = 100) -> list[Event]:
        """The events of these kinds in any document or none (sign-ins, say), oldest first."""
        if not kinds:
            return []
        cursor = self._events.find({"kind": {"$in": list(kinds)}}).sort("seq", ASCENDING).limit(limit)
        return [_event(doc) async for doc in cursor]


def _presence(doc: Mapping[str, Any]) -> Presence:
    return from_stored(Presence, doc)


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

    async def leave(
        self, user_id: ObjectId, document_id: ObjectId, *, only_if: tuple[Activity, ObjectId | None] | None = None
    ) -> None:
        """Forget the entry; with ``only_if``, only while it still says that activity in that section (a
        page that is left must not erase what the page opened next has already reported)."""
        query: dict[str, Any] = {"_id": f"{user_id}:{document_id}"}
        if only_if is not None:
            query |= {"activity": only_if[0].value, "section_id": only_if[1]}
        await self._presence.delete_one(query)

    async def current(self, document_id: ObjectId, now: datetime) -> list[Presence]:
        cursor = self._presence.find({"document_id": document_id, "at": {"$gt": now - PRESENCE_TTL}})
        return [_presence(doc) async for doc in cursor.sort("at", ASCENDING)]

    async def current_in(self, document_ids: Sequence[ObjectId], now: datetime) -> list[Presence]:
        """The live entries of several documents at once (what one process's watch reads)."""
        if not document_ids:
            return []
        cursor = self._presence.find({"document_id": {"$in": list(document_ids)}, "at": {"$gt": now - PRESENCE_TTL}})
        return [_presence(doc) async for doc in cursor.sort("at", ASCENDING)]

    async def sweep(self, now: datetime) -> None:
        await self._presence.delete_many({"at": {"$lt": now - PRESENCE_TTL}})
