"""The MongoDB client, the database handle and index creation.

One ``AsyncMongoClient`` per process, opened in the app's lifespan (or a CLI command) and
handed on; never a module global. Short server-selection and socket time-outs make a stopped
store answer with a clear error within seconds instead of hanging; the client reconnects by
itself when the store is back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, DuplicateKeyError, ServerSelectionTimeoutError
from pymongo.monitoring import CommandListener

Database = AsyncDatabase[dict[str, Any]]
Collection = AsyncCollection[dict[str, Any]]

STORE_DOWN = (ServerSelectionTimeoutError, ConnectionFailure)  # what an unreachable store raises


class Taken(Exception):
    """A unique key is taken: another writer got there first. Repositories raise it for the
    unique inserts that guard numbers and names, so no workflow needs to know pymongo's errors."""


async def insert_unique(collection: Collection, doc: Mapping[str, Any], key: str) -> None:
    """Insert ``doc``; raises ``Taken`` naming ``key`` when one of its unique keys is taken."""
    try:
        await collection.insert_one(dict(doc))
    except DuplicateKeyError as error:
        raise Taken(key) from error


Client = AsyncMongoClient[dict[str, Any]]

# Documents per batch for reads that return whole lists (a section's comments, a report's): the
# embedded store answers a getMore with 250 documents unless told, so 4,000 comments cost 17
# round trips. MongoDB caps a batch at 16 MiB whatever this says; FerretDB does not cap it, so
# it stays at a size whose batch fits its 48 MB message limit even with long comments.
LIST_BATCH = 1000


def _socket_timeout_ms(timeout_ms: int) -> int:
    return max(timeout_ms * 4, 10_000)


def longest_operation_seconds(timeout_ms: int) -> float:
    """How long one operation of a ``connect(timeout_ms=…)`` client may take before it fails:
    waiting for a connection, then for the reply. A number drawn for an event is written within it."""
    socket_timeout = _socket_timeout_ms(timeout_ms)
    return (socket_timeout * _WAIT_FACTOR + socket_timeout + timeout_ms) / 1000


_WAIT_FACTOR = 3  # a request waits for a free connection up to three socket time-outs


def connect(
    uri: str, *, timeout_ms: int = 2500, listeners: Iterable[CommandListener] = (), max_connections: int = 100
) -> Client:
    """A client; at most ``max_connections`` operations at a time, the others wait their turn."""
    socket_timeout = _socket_timeout_ms(timeout_ms)
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=socket_timeout,
        maxPoolSize=max_connections,
        waitQueueTimeoutMS=socket_timeout * _WAIT_FACTOR,
        appname="udkast",
        event_listeners=list(listeners),
    )


async def create_missing_indexes(db: Database, indexes: Mapping[str, Sequence[IndexModel]]) -> None:
    """Create every named index that is missing; idempotent, so it runs at each start-up.

    Indexes are created one at a time and only when absent: FerretDB 1.24 drops the
    connection when one createIndexes command repeats several existing indexes.
    """
    for collection, models in indexes.items():
        existing = {index["name"] async for index in await db[collection].list_indexes()}
        for model in models:
            if model.document["name"] not in existing:
                await db[collection].create_indexes([model])
