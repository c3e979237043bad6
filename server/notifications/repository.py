"""The outbox, users' notification preferences and the senders' delivery claims in the store.

``outbox`` holds one document per message, kept after delivery as its record. The unique index
on (event, recipient, kind) is the guard that one event notifies one person once: a workflow
that runs twice, or two processes writing the same reminder, insert the same key and one of
them is refused. Each message gets a number from a counter when it is written (``seq``): the
secretariat's outbox page asks for a page of numbers, newest first, which every store answers
from the index (the embedded one reads its whole collection to sort or for a range). Two writers
may draw the same number (the embedded store's ``$inc`` reads, then writes); that only puts two
messages on the same place in the list, so a page ends between numbers, never inside one.
Messages written before numbering get numbers once at start-up (``number_older``): below every
drawn one (down to the counter's ``floor``), oldest lowest, so they keep their place at the end.
``notification_claims`` holds one ``{_id: "<message>:<revision>"}`` per
delivery attempt (``server.claims``): of several senders that see the same due message, the one
whose insert succeeds delivers it; the others pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from server import claims
from server.db import Database
from server.notifications.model import Delivery, Kind, NewNotification, Notification, OutboxPage, Preferences, State
from server.stored import from_stored

INDEXES = {
    "outbox": [
        IndexModel(
            [("event_key", ASCENDING), ("recipient", ASCENDING), ("kind", ASCENDING)],
            name="outbox_event_recipient_kind_unique",
            unique=True,
        ),
        IndexModel([("state", ASCENDING), ("due_at", ASCENDING)], name="outbox_state_due"),
        IndexModel([("created_at", DESCENDING)], name="outbox_created"),
        IndexModel([("seq", DESCENDING)], name="outbox_seq"),
    ],
}


def _notification(doc: Mapping[str, Any]) -> Notification:
    older = {"language": "da", "params": {}, "attempts": 0, "revision": 0, "last_error": ""}
    return from_stored(Notification, doc, absent=older)


def _whole_numbers(found: list[Notification], limit: int) -> list[Notification]:
    """At most ``limit`` of ``found`` (newest first), ending between two numbers: messages that
    share a number stay on one page, so the next page (``seq < before``) misses none."""
    if len(found) <= limit:
        return found
    kept = [n for n in found if n.seq > found[limit].seq]
    return kept or found[: limit + 1]


def _newest_first(found: Iterable[Notification]) -> list[Notification]:
    return sorted(found, key=lambda n: (n.seq, n.id), reverse=True)


def _preferences(user_id: ObjectId, doc: Mapping[str, Any] | None) -> Preferences:
    if doc is None:
        return Preferences(user_id)
    deliveries = {Kind(k): Delivery(v) for k, v in doc.get("deliveries", {}).items() if k in Kind.__members__}
    return Preferences(user_id, doc.get("language", "da"), deliveries)


class Outbox:
    def __init__(self, db: Database) -> None:
        self._outbox = db["outbox"]
        self._claims = db["notification_claims"]
        self._counters = db["counters"]
        self._preferences = db["notification_preferences"]

    async def add(self, notifications: Iterable[NewNotification], now: datetime) -> int:
        """Write each message unless its (event, recipient, kind) is there already; how many were new."""
        added = 0
        for new in notifications:
            recipient = str(new.user_id) if new.user_id else new.address
            key = {"event_key": new.event_key, "recipient": recipient, "kind": new.kind.value}
            # Reminders are offered again at every look until they are no longer due: a number is
            # drawn only for a message not written yet (the unique index still decides a race).
            if await self._outbox.find_one(key, {"_id": 1}):
                continue
            try:
                await self._outbox.insert_one(
                    {
                        "_id": ObjectId(),
                        "seq": await self._draw(),
                        "event_key": new.event_key,
                        "recipient": recipient,
                        "kind": new.kind.value,
                        "user_id": new.user_id,
                        "address": new.address,
                        "language": new.language,
                        "params": dict(new.params),
                        "document_id": new.document_id,
                        "created_at": now,
                        "due_at": new.due_at,
                        "state": State.PENDING.value,
                        "attempts": 0,
                        "revision": 0,
                        "last_error": "",
                        "sent_at": None,
                    }
                )
                added += 1
            except DuplicateKeyError:
                continue  # this event told this person already
        return added

    async def due(self, now: datetime, limit: int = 50) -> list[Notification]:
        cursor = self._outbox.find({"state": State.PENDING.value, "due_at": {"$lte": now}}).sort("due_at", ASCENDING)
        return [_notification(doc) async for doc in cursor.limit(limit)]

    async def due_digest(self, user_id: ObjectId, now: datetime) -> list[Notification]:
        """A user's messages waiting for their daily digest, oldest first."""
        query = {"user_id": user_id, "state": State.PENDING.value, "due_at": {"$lte": now}, "params.digest": "1"}
        return [_notification(doc) async for doc in self._outbox.find(query).sort("created_at", ASCENDING)]

    async def message(self, notification_id: ObjectId) -> Notification | None:
        doc = await self._outbox.find_one({"_id": notification_id})
        return _notification(doc) if doc else None

    async def claim(self, notification: Notification) -> bool:
        """Whether this process may deliver the message at its revision (one sender per attempt)."""
        return await claims.claim(self._claims, notification.id, notification.revision)

    async def settle(
        self,
        notification: Notification,
        state: State,
        *,
        at: datetime,
        error: str = "",
        retry_at: datetime | None = None,
    ) -> None:
        """Record an attempt's result on the revision this sender claimed."""
        changes: dict[str, Any] = {"state": state.value, "revision": notification.revision + 1, "last_error": error}
        if state == State.SENT:
            changes["sent_at"] = at
        if retry_at is not None:
            changes |= {"due_at": retry_at, "attempts": notification.attempts + 1}
        elif error:
            changes["attempts"] = notification.attempts + 1
        await self._outbox.update_one({"_id": notification.id, "revision": notification.revision}, {"$set": changes})

    async def _draw(self) -> int:
        counter = await self._counters.find_one_and_update(
            {"_id": "outbox"}, {"$inc": {"seq": 1}}, upsert=True, return_document=ReturnDocument.AFTER
        )
        assert counter is not None  # upsert with ReturnDocument.AFTER always returns the document
        return int(counter["seq"])

    async def number_older(self) -> int:
        """Number the messages written before numbering (no ``seq``) below all others, oldest
        lowest; how many. Idempotent, run at every start-up; it reads the whole outbox only until
        it has once found every message numbered (``older_numbered``). The floor is lowered before
        the numbers are written, so a start-up cut short leaves a gap, never a repeat, and the
        rest are numbered by the next one. Two processes starting at once may number the same
        messages twice (plain writes, the last one stays); either way each has one number."""
        counter = await self._counters.find_one({"_id": "outbox"})
        if counter and counter.get("older_numbered"):
            return 0  # done by an earlier start-up: the outbox is not read again
        older = [doc async for doc in self._outbox.find({"seq": {"$exists": False}}, {"_id": 1, "created_at": 1})]
        if not older:
            if counter:  # messages have drawn numbers and none is left without: never read again
                await self._counters.update_one({"_id": "outbox"}, {"$set": {"older_numbered": True}})
            return 0  # no counter and nothing unnumbered: an empty outbox, and an empty database stays empty
        floor = min(int(counter.get("floor", 1)) if counter else 1, 1)
        await self._counters.update_one({"_id": "outbox"}, {"$set": {"floor": floor - len(older)}}, upsert=True)
        older.sort(key=lambda doc: (doc["created_at"], doc["_id"]), reverse=True)  # newest first: floor - 1
        for below, doc in enumerate(older, start=1):
            await self._outbox.update_one({"_id": doc["_id"]}, {"$set": {"seq": floor - below}})
        await self._counters.update_one({"_id": "outbox"}, {"$set": {"older_numbered": True}})
        return len(older)

    async def page(self, *, before: int | None, limit: int, states: Sequence[State] = ()) -> OutboxPage:
        """The messages numbered below ``before`` (all when None), newest first, in pages of about
        ``limit``. Without ``states``, by windows of numbers (``$in``, from the index); with them,
        from the index on the state — meant for the few undeliverable or pending ones."""
        if states:
            query: dict[str, Any] = {"state": {"$in": [s.value for s in states]}}
            if before is not None:
                query["seq"] = {"$lt": before}
            cursor = self._outbox.find(query).sort("seq", DESCENDING).limit(limit + 1)
            fetched = _newest_first([_notification(doc) async for doc in cursor])
            items = _whole_numbers(fetched, limit)
            return OutboxPage(items, items[-1].seq if len(fetched) > len(items) else None)
        counter = await self._counters.find_one({"_id": "outbox"}) or {}
        top, floor = int(counter.get("seq", 0)), int(counter.get("floor", 1))
        if before is not None:
            top = min(top, before - 1)
        found: list[Notification] = []
        while top >= floor and len(found) < limit:
            numbers = list(range(top, max(top - limit, floor - 1), -1))
            found += _newest_first([_notification(doc) async for doc in self._outbox.find({"seq": {"$in": numbers}})])
            top = numbers[-1] - 1
        items = _whole_numbers(found, limit)
        more = len(items) < len(found) or top >= floor
        return OutboxPage(items, items[-1].seq if more and items else None)

    async def count(self, states: Iterable[State]) -> int:
        wanted = [s.value for s in states]
        return await self._outbox.count_documents({"state": {"$in": wanted}}) if wanted else 0

    async def for_event(self, event_key: str) -> list[Notification]:
        return [_notification(doc) async for doc in self._outbox.find({"event_key": event_key})]

    # Preferences

    async def preferences(self, user_id: ObjectId) -> Preferences:
        return _preferences(user_id, await self._preferences.find_one({"_id": user_id}))

    async def preferences_of(self, user_ids: Iterable[ObjectId]) -> dict[ObjectId, Preferences]:
        wanted = list(user_ids)
        if not wanted:
            return {}
        found = {doc["_id"]: doc async for doc in self._preferences.find({"_id": {"$in": wanted}})}
        return {u: _preferences(u, found.get(u)) for u in wanted}

    async def set_delivery(self, user_id: ObjectId, kind: Kind, delivery: Delivery) -> None:
        # One user's own setting, last write wins: nothing else writes it, so no claim is needed.
        await self._preferences.update_one(
            {"_id": user_id}, {"$set": {f"deliveries.{kind.value}": delivery.value}}, upsert=True
        )

    async def set_language(self, user_id: ObjectId, language: str) -> None:
        await self._preferences.update_one({"_id": user_id}, {"$set": {"language": language}}, upsert=True)
