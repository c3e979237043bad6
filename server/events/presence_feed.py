"""Who is on a document, pushed to its open pages as soon as it changes.

Presence is written by heartbeats (``events.service``) into its own small collection, never the
event log, so the log's follower (``feed.Hub``) cannot carry it. One ``PresenceWatch`` per process
reads the presence of every document somebody here follows, in one query every ``POLL_SECONDS``,
and wakes the followers of each document whose list changed: an arrival, a move to another
section, a departure, or an entry that expired because its page went away without saying so.
Every process reads the same collection, so a colleague whose heartbeat reached another process
is seen here too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from bson import ObjectId

from server.clock import Clock
from server.events.model import Presence
from server.events.repository import PresenceBoard

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0

Signature = tuple[tuple[str, str, str], ...]


def signature(entries: list[Presence]) -> Signature:
    """What a page shows of a document's presence: who, doing what, where (not when they last said so)."""
    return tuple(sorted((str(p.user_id), p.activity.value, str(p.section_id or "")) for p in entries))


class PresenceWatch:
    def __init__(self, board: PresenceBoard, clock: Clock, *, poll: float = POLL_SECONDS) -> None:
        self._board = board
        self._clock = clock
        self._poll = poll
        self._followers: dict[ObjectId, set[asyncio.Queue[list[Presence]]]] = {}
        self._seen: dict[ObjectId, Signature] = {}
        self._task: asyncio.Task[None] | None = None

    async def follow(self, document_id: ObjectId) -> AsyncIterator[list[Presence]]:
        """The document's presence now, then again each time it changes, forever."""
        queue: asyncio.Queue[list[Presence]] = asyncio.Queue(maxsize=1)
        self._followers.setdefault(document_id, set()).add(queue)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="udkast-presence-watch")
        try:
            yield await self._board.current(document_id, self._clock.now())
            while True:
                yield await queue.get()
        finally:
            followers = self._followers.get(document_id, set())
            followers.discard(queue)
            if not followers:
                self._followers.pop(document_id, None)
                self._seen.pop(document_id, None)
            if not self._followers and self._task is not None:
                self._task.cancel()  # nobody follows: stop reading the store
                self._task = None

    async def _run(self) -> None:
        failing = False
        while True:
            await asyncio.sleep(self._poll)
            documents = list(self._followers)
            try:
                entries = await self._board.current_in(documents, self._clock.now())
                failing = False
            except asyncio.CancelledError:
                raise
            except Exception:  # the store is away: pages keep what they show, and their own heartbeat
                if not failing:
                    log.exception("presence watch: reading presence failed; retrying")
                failing = True
                continue
            by_document: dict[ObjectId, list[Presence]] = {d: [] for d in documents}
            for entry in entries:
                by_document.setdefault(entry.document_id, []).append(entry)
            for document_id, present in by_document.items():
                now_seen = signature(present)
                if self._seen.get(document_id) == now_seen:
                    continue
                # On first sight too: a change between a follower's joining and this read counts.
                self._seen[document_id] = now_seen
                for queue in list(self._followers.get(document_id, ())):
                    if queue.full():  # only the newest list matters
                        queue.get_nowait()
                    queue.put_nowait(present)
