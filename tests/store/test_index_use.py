"""Every query the app sends is answered through an index of the embedded store.

The app's store client records one example of each query shape it sends (``CommandCounter``
in tests/support.py: the collection and the filter without its values). This test drives the
web UI's main views and writes itself, then asks the store to ``explain`` every shape recorded
so far in the session — in a full run, those of the whole API suite as well — and fails on any
that SQLite answers by scanning the collection: a new query shape needs an index (next to its
repository's ``INDEXES``) and a filter the store pushes down (equality or ``$in`` on top-level
fields, tools/docstore/patch), or a reason below.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pymongo import MongoClient

from bench.ops import (
    ADD_COMMENT,
    COMMENTS_PANEL,
    DOCUMENT_OUTLINE,
    DOCUMENT_VIEW,
    HISTORY,
    READER_SECTIONS,
    SAVE_SECTION,
)
from tests.api.drafting_support import new_document
from tests.support import KL, KL_COMMENTER, SECRETARIAT, Api, RunningApp

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("MONGODB_URI_TEST")), reason="reads the embedded store's query plans"
)

# Query shapes that read a whole collection on purpose: (collection, shape) → why.
_SWEEP = "the periodic sweep of expired entries (FerretDB has no TTL index): a short collection, off the request path"
WHOLE_COLLECTION: dict[tuple[str, str], str] = {
    ("organizations", "{}"): "the organisations taking part in the consultations: a few dozen, all needed",
    ("documents", "{}"): "the list of documents: every document, then those the user may read",
    ("users", "{}"): "the user administration: every user",
    ("invitations", "{accepted_at: ?, expires_at: {$gt: ?}}"): "the open invitations, all listed (a handful)",
    ("idempotency", "{expires_at: {$lt: ?}}"): _SWEEP,
    ("sessions", "{expires_at: {$lt: ?}}"): _SWEEP,
    ("signin_failures", "{expires_at: {$lt: ?}}"): _SWEEP,
    # The event hub asks for events by number; it reads by range only when none of the numbers
    # asked for is written (in flight, or drawn by a writer that failed): EventLog.after, last_seq.
    ("events", "{}"): "the newest event when none of the last numbers drawn is written",
    ("events", "{seq: {$gt: ?}}"): "the events after a run of numbers none of which is written yet",
    # pymongo's GridFS reads one document of an empty-looking bucket before its first upload in a
    # process, to decide whether to create the bucket's indexes (AsyncGridFSBucket): one row, once.
    ("response_letters.files", "{}"): "GridFS: is the bucket empty (before a process's first upload)",
    ("response_letters.chunks", "{}"): "GridFS: is the bucket empty (before a process's first upload)",
    ("outbox", "{seq: {$exists: ?}}"): "at start-up, until once done: the messages written before numbering",
    ("comments", "{consultation_id: {$exists: ?}}"): "at start-up, until once done: comments stored before the stamp",
    ("comments", "{}"): "at start-up, until once done: whether there is any comment (one row)",
}


def _selects_nothing(query: Any) -> bool:
    """An empty $in: a filter no document can match, which the app answers without asking."""
    if isinstance(query, dict):
        return any(key == "$in" and value == [] or _selects_nothing(value) for key, value in query.items())
    return False


async def _exercise(as_user: Callable[[str], Awaitable[Api]]) -> None:
    """The reader, the outline, history, a section's comments, a save and a comment."""
    secretariat, editor, commenter = await as_user(SECRETARIAT), await as_user(KL), await as_user(KL_COMMENTER)
    document = await new_document(secretariat, [("Formål", "Første afsnit.\n"), ("Mål", "Andet afsnit.\n")])
    section = document["sections"][0]
    for reader in (secretariat, commenter):
        await reader.execute(DOCUMENT_VIEW, {"slug": document["slug"], "first": 1})
        await reader.execute(READER_SECTIONS, {"slug": document["slug"], "after": section, "first": 1})
        await reader.execute(DOCUMENT_OUTLINE, {"slug": document["slug"]})
    saved = await editor.execute(
        SAVE_SECTION,
        {"input": {"sectionId": section, "baseVersion": 1, "title": "Formål", "body": "Ændret.\n", "summary": ""}},
    )
    assert saved["saveSection"]["__typename"] == "SectionSaved", saved
    added = await commenter.execute(ADD_COMMENT, {"input": {"sectionId": section, "version": 2, "body": "Godt."}})
    assert added["addComment"]["__typename"] == "CommentAdded", added
    await commenter.execute(COMMENTS_PANEL, {"id": section})
    await secretariat.execute(HISTORY, {"slug": document["slug"], "id": section, "from": 1, "to": 2})


def _scans(plan: dict[str, Any]) -> list[str]:
    return [line for line in plan["queryPlanner"]["Plan"] if "detail=SCAN " in line]


async def test_every_query_shape_the_app_sends_is_answered_by_an_index(
    app: RunningApp, mongodb_uri: str, as_user: Callable[[str], Awaitable[Api]]
) -> None:
    assert app.counter is not None
    await _exercise(as_user)
    shapes = dict(app.counter.shapes)
    assert any(collection == "comments" for collection, _ in shapes), "the exercise reached the comments"

    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_uri)
    try:
        db = client[app.settings.database]
        existing = set(db.list_collection_names())
        scanning, needless = [], []
        for (collection, shape), (command, query) in sorted(shapes.items()):
            if _selects_nothing(query):
                needless.append(f"{command} {collection} {shape}")
            if collection not in existing or (collection, shape) in WHOLE_COLLECTION or _selects_nothing(query):
                continue
            plan = db.command("explain", {"find": collection, "filter": query})
            if _scans(plan):
                scanning.append(f"{command} {collection} {shape}")
    finally:
        client.close()
    assert not scanning, "query shapes answered by a collection scan:\n" + "\n".join(scanning)
    # A read of no ids at all finds nothing: the repositories answer it without a round trip.
    assert not needless, "queries that select nothing, sent to the store:\n" + "\n".join(needless)
