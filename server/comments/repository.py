"""Comments in the store.

A comment is one document. Edits keep the earlier wording in its ``edits`` array; deleting only
marks it deleted. Changes that depend on the comment's state (edit while open, submit a draft,
link the version that took a proposal in) are conditional updates, so two requests cannot both
win.

Each section's open-comment counts are kept in ``comment_counts`` (one document per section, read
by ``_id``), so that opening a document does not read its comments: on the embedded store every
other query reads the whole collection. Every write here that can change a count recounts the
section; see ``recount`` for why the result is right when writers race.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from server.comments.anchoring import TextQuote
from server.comments.model import Comment, CommentEdit, CommentKind, CommentStatus
from server.db import LIST_BATCH, Database

log = logging.getLogger(__name__)

INDEXES = {
    # An edit claims (comment, revision) by inserting {_id: "<comment>:<revision>"}: the unique _id
    # lets exactly one of several simultaneous edits build on a given wording.
    "comment_edit_claims": [],
    # {_id: section, counts: [{organization_id, submitted, count}]}: derived from comments, see recount.
    "comment_counts": [],
    "comments": [
        IndexModel([("section_id", ASCENDING), ("created_at", ASCENDING)], name="comments_section_created"),
        IndexModel(
            [("document_id", ASCENDING), ("organization_id", ASCENDING), ("submitted", ASCENDING)],
            name="comments_document_organization_submitted",
        ),
        IndexModel([("parent_id", ASCENDING)], name="comments_parent"),
    ],
}


@dataclass(frozen=True)
class OpenCount:
    """How many open thread-starting comments one organisation has on a section, drafts apart."""

    organization_id: ObjectId
    submitted: bool
    count: int


def _count_order(count: OpenCount) -> tuple[bytes, bool]:
    return count.organization_id.binary, count.submitted


def _comment(doc: Mapping[str, Any]) -> Comment:
    anchor = doc.get("anchor")
    return Comment(
        id=doc["_id"],
        document_id=doc["document_id"],
        section_id=doc["section_id"],
        section_version=doc["section_version"],
        parent_id=doc.get("parent_id"),
        author_id=doc["author_id"],
        organization_id=doc["organization_id"],
        body=doc["body"],
        html=doc["html"],
        kind=CommentKind(doc["kind"]),
        proposed_text=doc.get("proposed_text"),
        anchor=TextQuote(anchor["exact"], anchor.get("prefix", ""), anchor.get("suffix", "")) if anchor else None,
        submitted=doc["submitted"],
        submitted_at=doc.get("submitted_at"),
        status=CommentStatus(doc["status"]),
        response=doc.get("response", ""),
        response_html=doc.get("response_html", ""),
        responded_by=doc.get("responded_by"),
        responded_at=doc.get("responded_at"),
        applied_version=doc.get("applied_version"),
        edits=tuple(CommentEdit(e["body"], e.get("proposed_text"), e["at"]) for e in doc.get("edits", [])),
        deleted=doc.get("deleted", False),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        revision=doc.get("revision", 0),
    )


def anchor_fields(quote: TextQuote | None) -> dict[str, str] | None:
    return {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix} if quote else None


_LIVE = {"deleted": False}
_OPEN = {"deleted": False, "status": CommentStatus.OPEN.value}
_RECOUNT_ATTEMPTS = 20


def _count_fields(counts: Sequence[OpenCount]) -> list[dict[str, Any]]:
    return [{"organization_id": c.organization_id, "submitted": c.submitted, "count": c.count} for c in counts]


def _stored_counts(doc: Mapping[str, Any]) -> list[OpenCount]:
    return [OpenCount(c["organization_id"], c["submitted"], int(c["count"])) for c in doc.get("counts", [])]


class Comments:
    def __init__(self, db: Database) -> None:
        self._comments = db["comments"]
        self._claims = db["comment_edit_claims"]
        self._counts = db["comment_counts"]

    async def insert(self, fields: Mapping[str, Any]) -> Comment:
        doc = {"_id": ObjectId(), **fields}
        await self._comments.insert_one(doc)
        comment = _comment(doc)
        if comment.parent_id is None:
            await self.recount(comment.section_id)
        return comment

    async def comment(self, comment_id: ObjectId) -> Comment | None:
        doc = await self._comments.find_one({"_id": comment_id})
        return _comment(doc) if doc else None

    async def by_ids(self, ids: Iterable[ObjectId]) -> list[Comment]:
        cursor = self._comments.find({"_id": {"$in": list(ids)}}).sort("created_at", ASCENDING)
        return [_comment(doc) async for doc in cursor]

    async def on_sections(self, section_ids: Sequence[ObjectId]) -> list[Comment]:
        """Every comment on these sections, threads and replies, oldest first (deleted ones left out)."""
        query = {"section_id": {"$in": list(section_ids)}, **_LIVE}
        cursor = self._comments.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)]).batch_size(LIST_BATCH)
        return [_comment(doc) async for doc in cursor]

    async def replies(self, parent_ids: Sequence[ObjectId]) -> list[Comment]:
        query = {"parent_id": {"$in": list(parent_ids)}, **_LIVE}
        cursor = self._comments.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)]).batch_size(LIST_BATCH)
        return [_comment(doc) async for doc in cursor]

    async def for_document(self, document_id: ObjectId) -> list[Comment]:
        cursor = self._comments.find({"document_id": document_id, **_LIVE}).sort("created_at", ASCENDING)
        cursor = cursor.batch_size(LIST_BATCH)
        return [_comment(doc) async for doc in cursor]

    async def drafts(self, document_id: ObjectId, organization_id: ObjectId) -> list[Comment]:
        query = {"document_id": document_id, "organization_id": organization_id, "submitted": False, **_LIVE}
        return [_comment(doc) async for doc in self._comments.find(query).sort("created_at", ASCENDING)]

    async def open_counts(self, section_ids: Sequence[ObjectId]) -> dict[ObjectId, list[OpenCount]]:
        """Open thread-starting comments per section, organisation and draft state, as last counted."""
        wanted = list(dict.fromkeys(section_ids))
        counts = {doc["_id"]: _stored_counts(doc) async for doc in self._counts.find({"_id": {"$in": wanted}})}
        for section_id in wanted:
            if section_id not in counts:  # never counted (a new section, or data from before the counts)
                counts[section_id] = await self.recount(section_id)
        return counts

    async def count_open(self, section_ids: Sequence[ObjectId] | None = None) -> dict[ObjectId, list[OpenCount]]:
        """Open thread-starting comments per section, organisation and draft state, counted now."""
        match: dict[str, Any] = {"parent_id": None, **_OPEN}
        if section_ids is not None:
            match["section_id"] = {"$in": list(section_ids)}
        pipeline: list[dict[str, Any]] = [
            {"$match": match},
            {
                "$group": {
                    "_id": {
                        "section_id": "$section_id",
                        "organization_id": "$organization_id",
                        "submitted": "$submitted",
                    },
                    "count": {"$sum": 1},
                }
            },
        ]
        counts: dict[ObjectId, list[OpenCount]] = {}
        async for row in await self._comments.aggregate(pipeline):
            key = row["_id"]
            counts.setdefault(key["section_id"], []).append(
                OpenCount(key["organization_id"], key["submitted"], int(row["count"]))
            )
        return {section_id: sorted(found, key=_count_order) for section_id, found in counts.items()}

    async def stored_counts(self) -> dict[ObjectId, list[OpenCount]]:
        """Every section's counts as stored, for ``check``."""
        return {doc["_id"]: sorted(_stored_counts(doc), key=_count_order) async for doc in self._counts.find({})}

    async def recount(self, section_id: ObjectId) -> list[OpenCount]:
        """Count a section's open comments and store the counts; returns them.

        Writers race: one may count before another's comment lands and store its count after the
        other's. So each writer, after storing, counts again and compares with what is stored now,
        and stores again until the two agree. Whoever stores last then sees the stored counts
        disagree with a fresh count unless they are right, so once the writers are done the stored
        counts are right. (A crash in between leaves them stale until the next write on the
        section or ``check --repair``.)
        """
        counts = (await self.count_open([section_id])).get(section_id, [])
        for _ in range(_RECOUNT_ATTEMPTS):
            try:
                await self._counts.replace_one({"_id": section_id}, {"counts": _count_fields(counts)}, upsert=True)
            except DuplicateKeyError:
                pass  # another writer created it a moment ago; the comparison below decides
            stored = await self._counts.find_one({"_id": section_id})
            counts = (await self.count_open([section_id])).get(section_id, [])
            if stored is not None and sorted(_stored_counts(stored), key=_count_order) == counts:
                return counts
        log.warning("open-comment counts of section %s still moving after %d recounts", section_id, _RECOUNT_ATTEMPTS)
        return counts

    async def submit(self, comment_ids: Sequence[ObjectId], at: datetime) -> list[Comment]:
        """Publish these drafts; the ones another request submitted first are left as they are."""
        if not comment_ids:
            return []
        await self._comments.update_many(
            {"_id": {"$in": list(comment_ids)}, "submitted": False},
            {"$set": {"submitted": True, "submitted_at": at, "updated_at": at}},
        )
        submitted = await self.by_ids(comment_ids)
        await self._recount_sections(submitted)
        return submitted

    async def _recount_sections(self, changed: Iterable[Comment | None]) -> None:
        for section_id in dict.fromkeys(c.section_id for c in changed if c is not None and c.parent_id is None):
            await self.recount(section_id)

    async def edit(
        self, comment: Comment, body: str, html: str, proposed_text: str | None, at: datetime
    ) -> Comment | None:
        """Change an open comment's text, keeping the earlier wording; None when it is no longer open."""
        # FerretDB applies a conditional update as read-then-write, so the guard against a lost
        # earlier wording is the claim: only the edit that claimed this revision writes on top of it.
        try:
            await self._claims.insert_one({"_id": f"{comment.id}:{comment.revision}", "at": at})
        except DuplicateKeyError:
            return None
        earlier = {"body": comment.body, "proposed_text": comment.proposed_text, "at": comment.updated_at}
        doc = await self._comments.find_one_and_update(
            {"_id": comment.id, **_OPEN},
            {
                "$set": {
                    "body": body,
                    "html": html,
                    "proposed_text": proposed_text,
                    "updated_at": at,
                    "revision": comment.revision + 1,
                },
                "$push": {"edits": earlier},
            },
            return_document=ReturnDocument.AFTER,
        )
        return _comment(doc) if doc else None

    async def delete(self, comment: Comment, at: datetime) -> Comment | None:
        doc = await self._comments.find_one_and_update(
            {"_id": comment.id, **_OPEN},
            {"$set": {"deleted": True, "deleted_at": at, "updated_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        changed = _comment(doc) if doc else None
        await self._recount_sections([changed])
        return changed

    async def respond(
        self, comment_id: ObjectId, status: CommentStatus, response: str, html: str, by: ObjectId, at: datetime
    ) -> Comment | None:
        doc = await self._comments.find_one_and_update(
            {"_id": comment_id, **_LIVE},
            {
                "$set": {
                    "status": status.value,
                    "response": response,
                    "response_html": html,
                    "responded_by": by,
                    "responded_at": at,
                    "updated_at": at,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        changed = _comment(doc) if doc else None
        await self._recount_sections([changed])
        return changed

    async def link_version(self, comment_id: ObjectId, version: int, by: ObjectId, at: datetime) -> Comment | None:
        """Record the version that took a proposal in and accept it; None when it was linked already."""
        doc = await self._comments.find_one_and_update(
            {"_id": comment_id, "applied_version": None, **_LIVE},
            {
                "$set": {
                    "applied_version": version,
                    "status": CommentStatus.ACCEPTED.value,
                    "responded_by": by,
                    "responded_at": at,
                    "updated_at": at,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        changed = _comment(doc) if doc else None
        await self._recount_sections([changed])
        return changed
