"""Following the event log by sequence, the same way on MongoDB and the embedded store.

Every app process reads the one ``events`` collection, so an event written by any process
reaches subscribers on all of them. Sequence numbers are drawn before the insert, so for a
moment a later number can be visible while an earlier one is still being written, and a writer
that lost a race leaves a number unused for good. The follower therefore never moves past a gap
until the gap has stayed open for ``GAP_GRACE`` — long enough for any insert in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from bson import ObjectId

from server.events.repository import Event, EventLog

POLL_SECONDS = 0.3
GAP_GRACE = 2.0
BATCH = 200


@dataclass
class Cursor:
    """Where a follower stands: everything up to ``seq`` has been handled."""

    seq: int
    _gap_seen_at: float | None = field(default=None, repr=False)

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


async def follow(
    log: EventLog,
    document_id: ObjectId,
    after_seq: int,
    visible: Callable[[Event], bool],
    *,
    poll: float = POLL_SECONDS,
) -> AsyncIterator[Event]:
    """Yield the document's visible events after ``after_seq``, in order, forever."""
    cursor = Cursor(after_seq)
    while True:
        events = await log.after(cursor.seq, limit=BATCH)
        for event in cursor.advance(events, time.monotonic()):
            if event.document_id == document_id and visible(event):
                yield event
        if len(events) < BATCH:
            await asyncio.sleep(poll)
