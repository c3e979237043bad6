"""The floor: the benchmark's read operations done with nothing but the pymongo queries they need.

A minimal Starlette app on its own port, with the same client settings as the app
(``server.db.connect``). Each endpoint checks the session cookie (two ``_id`` lookups, as the app
does), runs the queries that fetch exactly the data the GraphQL operation returns, and answers
with JSON. No GraphQL, no domain objects, no permission rules beyond the session, no rendering,
diffing or anchor relocation: what is left is what the store and the wire cost. Each GraphQL
operation is reported as a ratio to its floor.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import bson
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.ops import READER_PAGE
from server import db as dbmod
from server import ids

SESSION_COOKIE = "udkast_session"
THREADS_PAGE = 20  # the comments panel's first page (frontend/src/components/SectionThreads.tsx)


def _plain(value: Any) -> Any:
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def create_floor(
    uri: str,
    database: str,
    secret_key: str,
    *,
    listeners: Sequence[CommandListener] = (),
    max_connections: int = 100,
) -> Starlette:
    key = secret_key.encode()
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = dbmod.connect(uri, listeners=listeners, max_connections=max_connections)
        state["db"] = client[database]
        try:
            yield
        finally:
            await client.close()

    async def user_of(request: Request) -> dict[str, Any] | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        db = state["db"]
        digest = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
        session = await db["sessions"].find_one({"_id": digest})
        if session is None:
            return None
        user: dict[str, Any] | None = await db["users"].find_one({"_id": session["user_id"]}, {"password_hash": 0})
        return user

    async def names(collection: str, oids: set[Any], field: str) -> dict[Any, str]:
        found = [o for o in oids if o is not None]
        if not found:
            return {}
        cursor = state["db"][collection].find({"_id": {"$in": found}}, {field: 1})
        return {d["_id"]: d[field] async for d in cursor}

    async def document_and_sections(request: Request) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The document named by ``?slug=`` and its live sections in order, rendered."""
        db = state["db"]
        document = await db["documents"].find_one({"slug": request.query_params["slug"]})
        if document is None:
            return None, []
        fields = {"key": 1, "title": 1, "position": 1, "version": 1, "html": 1, "updated_at": 1, "updated_by": 1}
        cursor = db["sections"].find({"document_id": document["_id"], "deleted": False}, fields)
        return document, [s async for s in cursor.sort([("position", ASCENDING), ("key", ASCENDING)])]

    async def document_view(request: Request) -> Response:
        user = await user_of(request)
        if user is None:
            return JSONResponse({"error": "not signed in"}, 401)
        db = state["db"]
        document, sections = await document_and_sections(request)
        if document is None:
            return JSONResponse({"document": None})
        # The counts as the app keeps them: one document per section, by _id (the comments unread).
        open_counts: dict[Any, int] = {}
        own = user["organization_id"].binary
        async for row in db["comment_counts"].find({"_id": {"$in": [s["_id"] for s in sections]}}):
            # 17 bytes a count: organisation, 1 if submitted, the count (comments.model.OpenCounts).
            packed = bytes(row["open"])
            for at in range(0, len(packed), 17):
                if packed[at + 12] == 1 or packed[at : at + 12] == own:
                    open_counts[row["_id"]] = open_counts.get(row["_id"], 0) + int.from_bytes(packed[at + 13 : at + 17])
        snapshots = [
            s
            async for s in db["snapshots"]
            .find({"document_id": document["_id"]}, {"number": 1, "label": 1, "created_at": 1})
            .sort("number", DESCENDING)
        ]
        editors = await names("users", {s.get("updated_by") for s in sections}, "name")
        participants = await names("organizations", set(document["participant_ids"]), "short_name")
        for s in sections:
            s["open_comment_count"] = open_counts.get(s["_id"], 0)
            s["updated_by"] = editors.get(s.get("updated_by"))
        document["participants"] = list(participants.values())
        return JSONResponse(_plain({"document": document, "sections": sections, "snapshots": snapshots}))

    async def section_and_document(request: Request) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        db = state["db"]
        section = await db["sections"].find_one({"_id": ids.parse(request.query_params["section"], "Section")})
        if section is None:
            return None, None
        return section, await db["documents"].find_one({"_id": section["document_id"]}, {"participant_ids": 1})

    async def history(request: Request) -> Response:
        """The history page: the 100 newest versions' metadata and the two texts of its diff."""
        if await user_of(request) is None:
            return JSONResponse({"error": "not signed in"}, 401)
        db = state["db"]
        header = await db["documents"].find_one(
            {"slug": request.query_params["slug"]}, {"title": 1, "kind": 1, "phase": 1}
        )
        section, _document = await section_and_document(request)
        if section is None:
            return JSONResponse({"section": None})
        cursor = db["section_versions"].find({"section_id": section["_id"]}, {"body": 0, "html": 0})
        versions = [v async for v in cursor.sort("number", DESCENDING).limit(100)]
        authors = await names("users", {v.get("author_id") for v in versions}, "name")
        orgs = await names("organizations", {v.get("organization_id") for v in versions}, "short_name")
        for v in versions:
            v["author"] = authors.get(v.get("author_id"))
            v["organization"] = orgs.get(v.get("organization_id"))
        to = int(request.query_params.get("to") or section["version"])
        wanted = [int(request.query_params.get("from") or max(1, to - 1)), to]
        query = {"section_id": section["_id"], "number": {"$in": wanted}}
        texts = [v async for v in db["section_versions"].find(query, {"number": 1, "title": 1, "body": 1}).limit(2)]
        return JSONResponse(
            _plain(
                {
                    "document": header,
                    "title": section["title"],
                    "version": section["version"],
                    "versions": versions,
                    "diff": texts,
                }
            )
        )

    async def commented_texts(comments: list[dict[str, Any]]) -> None:
        """The commented versions' text, for where each anchored passage is now."""
        pairs = sorted({(c["section_id"], c["section_version"]) for c in comments if c.get("anchor")})
        if pairs:
            # Cheap $in tests first (the embedded store evaluates filters document by document).
            versions = {
                "section_id": {"$in": list({s for s, _ in pairs})},
                "number": {"$in": list({n for _, n in pairs})},
                "$or": [{"section_id": s, "number": n} for s, n in pairs],
            }
            cursor = state["db"]["section_versions"].find(versions, {"section_id": 1, "number": 1, "body": 1})
            async for _ in cursor.limit(len(pairs)):
                pass

    async def threads_of(queries: Sequence[dict[str, Any]], user: dict[str, Any]) -> list[dict[str, Any]]:
        """Comment threads (replies nested) the user may see, with the texts their anchors need."""
        db = state["db"]
        found = [
            c
            for query in queries
            async for c in db["comments"].find({**query, "deleted": False}, {"edits": 0})
            if c["submitted"] or c["organization_id"] == user["organization_id"]
        ]
        found.sort(key=lambda c: (c["created_at"], c["_id"]))
        await commented_texts(found)
        people = await names("users", {c["author_id"] for c in found} | {c.get("responded_by") for c in found}, "name")
        orgs = await names("organizations", {c["organization_id"] for c in found}, "short_name")
        threads: dict[Any, dict[str, Any]] = {}
        for c in found:
            c["author"] = people.get(c["author_id"])
            c["responded_by"] = people.get(c.get("responded_by"))
            c["organization"] = orgs.get(c["organization_id"])
            if c.get("parent_id") is None:
                c["replies"] = []
                threads[c["_id"]] = c
            elif c["parent_id"] in threads:
                threads[c["parent_id"]]["replies"].append(c)
        return list(threads.values())

    async def comments(request: Request) -> Response:
        user = await user_of(request)
        if user is None:
            return JSONResponse({"error": "not signed in"}, 401)
        section, _document = await section_and_document(request)
        if section is None:
            return JSONResponse({"section": None})
        # The first page of threads, chosen from the section's kept thread keys (25 bytes each: the
        # comment's id, its organisation's, 1 if submitted), and their replies.
        kept = await state["db"]["comment_thread_keys"].find_one({"_id": section["_id"]})
        keys = bytes(kept["keys"]) if kept else b""
        own = user["organization_id"].binary
        visible = [
            ObjectId(keys[at : at + 12])
            for at in range(0, len(keys), 25)
            if keys[at + 24] == 1 or keys[at + 12 : at + 24] == own
        ]
        page = visible[:THREADS_PAGE]
        threads = await threads_of([{"_id": {"$in": page}}, {"parent_id": {"$in": page}}], user) if page else []
        return JSONResponse(_plain({"comments": threads, "totalCount": len(visible)}))

    async def reader(request: Request) -> Response:
        """The reader page: the outline, and the first page of sections rendered with the margin markers
        of their comment threads (``ops.READER_PAGE``)."""
        user = await user_of(request)
        if user is None:
            return JSONResponse({"error": "not signed in"}, 401)
        db = state["db"]
        document, sections = await document_and_sections(request)
        if document is None:
            return JSONResponse({"document": None})
        # A marker is a thread's id and where its passage is: the anchor and the commented text,
        # kept per section (one small document per section, its markers packed as BSON; no comments).
        page = sections[:READER_PAGE]
        kept = db["comment_markers"].find({"_id": {"$in": [s["_id"] for s in page]}})
        markers = [
            {**m, "_id": m["id"], "section_id": row["_id"]}
            async for row in kept
            for m in bson.decode(row["packed"])["markers"]
            if m["submitted"] or m["organization_id"] == user["organization_id"]
        ]
        await commented_texts(markers)
        editors = await names("users", {s.get("updated_by") for s in page}, "name")
        by_section: dict[Any, list[dict[str, Any]]] = {}
        for m in markers:
            by_section.setdefault(m["section_id"], []).append({"_id": m["_id"], "anchor": m.get("anchor")})
        for s in page:
            s["updated_by"] = editors.get(s.get("updated_by"))
            s["comments"] = by_section.get(s["_id"], [])
        outline = [{k: s[k] for k in ("_id", "key", "title", "position")} for s in sections]
        return JSONResponse(_plain({"document": document, "sections": outline, "page": page}))

    async def report(request: Request) -> Response:
        user = await user_of(request)
        if user is None:
            return JSONResponse({"error": "not signed in"}, 401)
        db = state["db"]
        snapshot = await db["snapshots"].find_one({"_id": ids.parse(request.query_params["snapshot"], "Snapshot")})
        if snapshot is None:
            return JSONResponse({"report": None})
        await db["documents"].find_one({"_id": snapshot["document_id"]}, {"participant_ids": 1})
        frozen = {(e["section_id"], e["version"]) for e in snapshot["entries"]}
        query = {"document_id": snapshot["document_id"], "deleted": False, "parent_id": None, "submitted": True}
        fields = {"body": 0, "edits": 0, "response": 0, "document_id": 0}
        found = [
            c
            async for c in db["comments"].find(query, fields).sort("created_at", ASCENDING)
            if (c["section_id"], c["section_version"]) in frozen
        ]
        orgs = await names("organizations", {c["organization_id"] for c in found}, "short_name")
        authors = await names("users", {c["author_id"] for c in found}, "name")
        by_section: dict[Any, dict[Any, list[dict[str, Any]]]] = {}
        for c in found:
            c["author"] = authors.get(c["author_id"])
            by_section.setdefault(c["section_id"], {}).setdefault(orgs.get(c["organization_id"]), []).append(c)
        sections = [
            {
                "key": e["key"],
                "title": e["title"],
                "version": e["version"],
                "organizations": by_section[e["section_id"]],
            }
            for e in snapshot["entries"]
            if e["section_id"] in by_section
        ]
        return JSONResponse(_plain({"total": len(found), "sections": sections}))

    return Starlette(
        routes=[
            Route("/floor/document", document_view),
            Route("/floor/history", history),
            Route("/floor/reader", reader),
            Route("/floor/comments", comments),
            Route("/floor/report", report),
        ],
        lifespan=lifespan,
    )
