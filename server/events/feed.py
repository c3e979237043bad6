"""Following the event log by sequence, the same way on MongoDB and the embedded store.

Every app process reads the one ``events`` collection, so an event written by any process
reaches subscribers on all of them. Sequence numbers are drawn before the insert, so for a
while a later number can be visible while an earlier one is still being written (its insert may
wait for a store connection), and a writer that failed after drawing leaves a number unused for
good. A follower therefore never moves past a gap until the gap has stayed open for ``grace`` —
longer than the store client lets one operation take (``db.longest_operation_seconds``).

One ``Hub`` per process follows the log for all its subscribers: it reads the sequence counter
(one read by ``_id``) and reads the log only when the counter is ahead of what it has seen, a
gap is being waited out, or ``RESCAN_SECONDS`` have passed; while it waits for numbers drawn but
not yet visible it backs off. It asks for the events by number (``EventLog.after``), which the
embedded store answers by index, where a range would read every event ever written.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from bson import ObjectId

from server.events.model import Event
from server.events.repository import EventLog

log = logging.getLogger(__name__)

POLL_SECONDS = 0.3
MAX_BACKOFF_SECONDS = 5.0
RESCAN_SECONDS = 30.0  # reads the log even when the counter says nothing is new (a stale counter)
BATCH = 200
QUEUE_LIMIT = 1000  # events a subscriber may fall behind before it catches up from the log instead


@dataclass
class Cursor:
    """Where a follower stands: everything up to ``seq`` has been handled."""

    seq: int
    grace: float
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
                if now - self._gap_seen_at < self.grace:
                    break
            deliverable.append(event)
            self.seq = event.seq
            self._gap_seen_at = None
        return deliverable


@dataclass(eq=False)
class Subscriber:
    """One subscriber's share of the hub: the events after ``position``, unless it fell too far behind."""

    position: int
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    overflowed: bool = False


class Hub:
    """Follows the log for every subscriber of this process and hands each new event to all."""

    def __init__(self, events: EventLog, *, grace: float, poll: float = POLL_SECONDS) -> None:
        self.events = events
        self.grace = grace
        self._poll = poll
        self._subscribers: set[Subscriber] = set()
        self._cursor: Cursor | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def join(self) -> Subscriber:
        """A subscriber that gets every event after its ``position`` (the hub has handed out the rest)."""
        async with self._lock:
            if self._task is None:
                # Starting, or again after everyone left: from the end of the log as it is now. A
                # subscriber that names an earlier position catches up from the log (``follow``).
                latest = await self.events.last_seq()
                self._cursor = Cursor(max(latest, self._cursor.seq if self._cursor else 0), self.grace)
                self._task = asyncio.create_task(self._run(self._cursor), name="udkast-event-hub")
            assert self._cursor is not None
            subscriber = Subscriber(self._cursor.seq)
            self._subscribers.add(subscriber)
            return subscriber

    def leave(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)
        if not self._subscribers and self._task is not None:
            self._task.cancel()  # nobody follows: stop reading the store (takes effect at its next await)
            self._task = None

    def _hand_out(self, event: Event) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber.queue.put_nowait(event)
            except asyncio.QueueFull:  # it stopped reading: it will catch up from the log
                subscriber.overflowed = True
                self._subscribers.discard(subscriber)

    async def _run(self, cursor: Cursor) -> None:
        last_read = time.monotonic()
        waiting_since: float | None = None
        delay = self._poll
        failing = False
        while True:
            try:
                now = time.monotonic()
                drawn = await self.events.drawn()
                if cursor.waiting or drawn > cursor.seq or now - last_read > RESCAN_SECONDS:
                    events = await self.events.after(cursor.seq, up_to=drawn, limit=BATCH)
                    last_read = now = time.monotonic()
                    delivered = cursor.advance(events, now)
                    for event in delivered:
                        self._hand_out(event)
                    if delivered and len(events) == BATCH and cursor.seq == events[-1].seq:
                        continue  # more to read at once
                    if delivered or cursor.seq >= drawn:
                        waiting_since, delay = None, self._poll
                    else:  # numbers drawn but not visible yet: in flight, or never to be written
                        waiting_since = waiting_since or now
                        if not cursor.waiting and now - waiting_since >= self.grace:
                            # Nothing after the cursor for a whole grace: the numbers up to the
                            # counter were drawn by writers that failed; they will not be written.
                            cursor.seq, waiting_since = max(cursor.seq, drawn), None
                        delay = min(delay * 2, MAX_BACKOFF_SECONDS)
                else:
                    delay = self._poll
                failing = False
            except asyncio.CancelledError:
                raise
            except Exception:  # the store is away, or worse: subscribers wait, and nothing is skipped
                if not failing:
                    log.exception("event hub: reading the log failed; retrying until it works")
                failing = True
                delay = min(max(delay, self._poll) * 2, MAX_BACKOFF_SECONDS)
            await asyncio.sleep(delay)


async def follow(
    hub: Hub,
    document_id: ObjectId,
    after_seq: int | None,
    visible: Callable[[Event], bool],
) -> AsyncIterator[Event]:
    """Yield the document's visible events after ``after_seq`` (None: from now on), in order, forever."""
    subscriber = await hub.join()
    seq = subscriber.position if after_seq is None else after_seq
    try:
        while True:
            # Catch up from the log on what the hub handed out before this subscriber joined (or
            # while it was too far behind), waiting out gaps as the hub does.
            cursor = Cursor(seq, hub.grace)
            started = time.monotonic()
            while cursor.seq < subscriber.position:
                batch = await hub.events.after(cursor.seq, up_to=subscriber.position, limit=BATCH)
                found = [e for e in batch if e.seq <= subscriber.position]
                delivered = cursor.advance(found, time.monotonic())
                for event in delivered:
                    if event.document_id == document_id and visible(event):
                        yield event
                if not found and time.monotonic() - started >= hub.grace:
                    break  # numbers up to the hub's position that were never written
                if not delivered:
                    await asyncio.sleep(POLL_SECONDS)
            seq = max(cursor.seq, subscriber.position)
            while not (subscriber.overflowed and subscriber.queue.empty()):
                event = await subscriber.queue.get()
                if event.seq <= seq:
                    continue
                seq = event.seq
                if event.document_id == document_id and visible(event):
                    yield event
            hub.leave(subscriber)
            subscriber = await hub.join()  # fell behind: catch up from the log, then follow again
    finally:
        hub.leave(subscriber)
