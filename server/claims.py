"""One writer per revision of a stored document.

The embedded store (FerretDB 1.24) applies an update as read-then-write of the whole document,
so two changes of one document at once can lose one of them, conditions included. A change
that must not be lost therefore first claims the revision it builds on by inserting
``{_id: "<document>:<revision>"}`` into a claims collection: the unique ``_id`` lets one change
per revision through, and the next change reads its result. A claim whose writer died (a store
operation gives up long before ``ABANDONED``, see ``db.longest_operation_seconds``) is taken over.
A writer that claimed a revision and then could not write it because the store went away gives
the claim back as soon as the store answers again, so an outage does not hold the document until
``ABANDONED``; that is safe because the write itself is conditional on the revision it read.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

ABANDONED = timedelta(minutes=2)
_MAX_ATTEMPTS = 200
_MAX_TAKEOVERS = 5

Collection = AsyncCollection[dict[str, Any]]
Fields = Mapping[str, Any] | Callable[[Mapping[str, Any]], Mapping[str, Any]]


async def change(
    collection: Collection, claims: Collection, doc_id: ObjectId, condition: Mapping[str, Any], fields: Fields
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Set ``fields`` (or what ``fields(document)`` gives) while ``condition`` holds, as the only
    writer of the document's revision. Returns the document before and after; None when the
    condition does not hold (or the document is gone)."""
    for _ in range(_MAX_ATTEMPTS):
        doc = await collection.find_one({"_id": doc_id, **condition})
        if doc is None:
            return None
        revision = int(doc.get("revision", 0))
        key = await _claim(claims, doc_id, revision)
        if key is None:
            await asyncio.sleep(random.uniform(0.001, 0.02))  # another change is being written
            continue
        changes = {**(fields(doc) if callable(fields) else fields), "revision": revision + 1}
        same = {"revision": revision} if "revision" in doc else {"revision": {"$exists": False}}
        try:
            written = await collection.update_one({"_id": doc_id, **same}, {"$set": changes})
        except PyMongoError:
            _give_back(claims, key)
            raise
        if written.matched_count != 1:
            continue  # changed without a claim (a writer older than the claims): read it again
        return doc, {**doc, **changes}
    raise RuntimeError(f"{collection.name} {doc_id}: still changing after {_MAX_ATTEMPTS} attempts")


async def claim(claims: Collection, doc_id: ObjectId, revision: int) -> bool:
    """Whether this writer is the one for ``doc_id`` at ``revision`` (or took over from a dead one)."""
    return await _claim(claims, doc_id, revision) is not None


async def _claim(claims: Collection, doc_id: ObjectId, revision: int) -> str | None:
    """The claim's key when this writer is the one for ``doc_id`` at ``revision``; else None."""
    now = datetime.now(UTC)  # real time: whether a writer died is not a question for the app's clock
    for takeover in range(_MAX_TAKEOVERS):
        key = f"{doc_id}:{revision}" + (f":{takeover}" if takeover else "")
        try:
            await claims.insert_one({"_id": key, "at": now})
            return key
        except DuplicateKeyError:
            claimed = await claims.find_one({"_id": key})
            at = claimed["at"] if claimed else now
            if now - (at if at.tzinfo else at.replace(tzinfo=UTC)) < ABANDONED:
                return None  # claimed just now: its writer is at work
        except PyMongoError:
            _give_back(claims, key)  # the insert may have landed without its answer reaching us
            raise
    return None


_giving_back: set[asyncio.Task[None]] = set()  # held so that the tasks are not collected mid-way


def _give_back(claims: Collection, key: str) -> None:
    """Delete the claim ``key`` in the background once the store answers again (within ``ABANDONED``)."""
    task = asyncio.get_running_loop().create_task(_delete_when_back(claims, key))
    _giving_back.add(task)
    task.add_done_callback(_giving_back.discard)


async def _delete_when_back(claims: Collection, key: str) -> None:
    deadline = asyncio.get_running_loop().time() + ABANDONED.total_seconds()
    while asyncio.get_running_loop().time() < deadline:
        try:
            await claims.delete_one({"_id": key})
            return
        except PyMongoError:
            await asyncio.sleep(0.5)
