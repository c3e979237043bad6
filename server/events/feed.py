"""Following the event log by sequence, the same way on MongoDB and the embedded store.

Every app process reads the one ``events`` collection, so an event written by any process
reaches subscribers on all of them. Sequence numbers are drawn before the insert, so for a
moment a later number can be visible while an earlier one is still being written, and a writer
that lost a race leaves a number unused for good. The follower therefore never moves past a gap
until the gap has stayed open for ``GAP_GRACE`` — long enough for any insert in flight.

One ``Hub`` per process follows the log for all its subscribers: it checks the sequence counter
(one read by ``_id``) every ``POLL_SECONDS`` and reads the log only when the counter has moved,
a gap is open, or ``RESCAN_SECONDS`` have passed. On the embedded store a read of the log is a
scan of every event ever written, so this is what lets many readers keep a document open.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from bson import ObjectId
from pymongo.errors import PyMongoError

from server.events.repository import Event, EventLog

log = logging.getLogger(__name__)

POLL_SECONDS = 0.3
GAP_GRACE = 2.0
RESCAN_SECONDS = 30.0  # reads the log even when the counter has not moved (a writer died between draw and insert)
BATCH = 200


@dataclass
class Cursor:
    """Where a follower stands: everything up to ``seq`` has been handled."""

    seq: int
    _gap_seen_at: float | None = field(default=None, repr=False)

    @property
    def waiting(self) -> bool:
        """Whether a gap is being waited out."""
        return self._gap_seen_at is not None

    def advance(self, events: list[Event], now: float) -> list[Event]:
        """The events that may be delivered now, in order; moves past gaps only after the grace."""
        deliverable = []
        for event in events:
            if event.seq <= self.seq:
                continue
            if event.seq != self.seq + 1:
                if self._gap_seen_at is None:
                    self._gap_seen_at = now
                if now - self._gap_seen_at < GAP_GRACE:
                    break
            deliverable.append(event)
            self.seq = event.seq
            self._gap_seen_at = None
        return deliverable


class Hub:
    """Follows the log for every subscriber of this process and hands each new event to all."""

    def __init__(self, events: EventLog, *, poll: float = POLL_SECONDS) -> None:
        self._events = events
        self._poll = poll
        self._queues: set[asyncio.Queue[Event]] = set()
        self._cursor: Cursor | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def join(self) -> tuple[asyncio.Queue[Event], int]:
        """A queue of the events after the returned position (everything up to it has been handed out)."""
        async with self._lock:
            if self._task is None or self._task.done():  # done: it failed in a way it could not survive
                # Starting, or again after everyone left: from the end of the log as it is now.
                latest = await self._events.last_seq()
                self._cursor = Cursor(max(latest, self._cursor.seq if self._cursor else 0))
                self._task = asyncio.create_task(self._run(self._cursor), name="udkast-event-hub")
            assert self._cursor is not None
            queue: asyncio.Queue[Event] = asyncio.Queue()
            self._queues.add(queue)
            return queue, self._cursor.seq

    def leave(self, queue: asyncio.Queue[Event]) -> None:
        self._queues.discard(queue)
        if not self._queues and self._task is not None:
            self._task.cancel()  # nobody follows: stop reading the store (takes effect at its next await)
            self._task = None

    async def _run(self, cursor: Cursor) -> None:
        last_read = time.monotonic()
        failing = False
        while True:
            try:
                now = time.monotonic()
                if cursor.waiting or now - last_read > RESCAN_SECONDS or await self._events.drawn() > cursor.seq:
                    events = await self._events.after(cursor.seq, limit=BATCH)
                    last_read = time.monotonic()
                    for event in cursor.advance(events, last_read):
                        for queue in self._queues:
                            queue.put_nowait(event)
                    if len(events) == BATCH:
                        continue
                failing = False
            except PyMongoError as error:  # the store is away: subscribers wait, and nothing is skipped
                if not failing:
                    log.warning("event hub: the store does not answer (%s); retrying", error)
                failing = True
            await asyncio.sleep(self._poll)


_hubs: weakref.WeakKeyDictionary[EventLog, Hub] = weakref.WeakKeyDictionary()


def hub_for(events: EventLog) -> Hub:
    """The process's hub for this log (one per store handle)."""
    hub = _hubs.get(events)
    if hub is None:
        hub = _hubs[events] = Hub(events)
    return hub


async def follow(
    events: EventLog,
    document_id: ObjectId,
    after_seq: int | None,
    visible: Callable[[Event], bool],
) -> AsyncIterator[Event]:
    """Yield the document's visible events after ``after_seq`` (None: from now on), in order, forever."""
    hub = hub_for(events)
    queue, position = await hub.join()
    try:
        seq = position if after_seq is None else after_seq
        # Catch up on what the hub had handed out before this subscriber joined: settled history.
        while seq < position:
            batch = [e for e in await events.after(seq, limit=BATCH) if e.seq <= position]
            for event in batch:
                seq = event.seq
                if event.document_id == document_id and visible(event):
                    yield event
            if len(batch) < BATCH:
                break
        while True:
            event = await queue.get()
            if event.seq <= seq:
                continue
            seq = event.seq
            if event.document_id == document_id and visible(event):
                yield event
    finally:
        hub.leave(queue)
