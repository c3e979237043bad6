"""Comments in the store.

A comment is one document. Edits keep the earlier wording in its ``edits`` array; deleting only
marks it deleted. Changes that depend on the comment's state (edit while open, submit a draft,
link the version that took a proposal in) are conditional updates, so two requests cannot both
win.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from server.comments.anchoring import TextQuote
from server.comments.model import Comment, CommentEdit, CommentKind, CommentStatus
from server.db import Database

INDEXES = {
    # An edit claims (comment, revision) by inserting {_id: "<comment>:<revision>"}: the unique _id
    # lets exactly one of several simultaneous edits build on a given wording.
    "comment_edit_claims": [],
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


class Comments:
    def __init__(self, db: Database) -> None:
        self._comments = db["comments"]
        self._claims = db["comment_edit_claims"]

    async def insert(self, fields: Mapping[str, Any]) -> Comment:
        doc = {"_id": ObjectId(), **fields}
        await self._comments.insert_one(doc)
        return _comment(doc)

    async def comment(self, comment_id: ObjectId) -> Comment | None:
        doc = await self._comments.find_one({"_id": comment_id})
        return _comment(doc) if doc else None

    async def by_ids(self, ids: Iterable[ObjectId]) -> list[Comment]:
        cursor = self._comments.find({"_id": {"$in": list(ids)}}).sort("created_at", ASCENDING)
        return [_comment(doc) async for doc in cursor]

    async def threads(self, section_ids: Sequence[ObjectId]) -> list[Comment]:
        """The thread-starting comments on these sections, oldest first (deleted ones left out)."""
        query = {"section_id": {"$in": list(section_ids)}, "parent_id": None, **_LIVE}
        cursor = self._comments.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)])
        return [_comment(doc) async for doc in cursor]

    async def replies(self, parent_ids: Sequence[ObjectId]) -> list[Comment]:
        query = {"parent_id": {"$in": list(parent_ids)}, **_LIVE}
        cursor = self._comments.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)])
        return [_comment(doc) async for doc in cursor]

    async def for_document(self, document_id: ObjectId) -> list[Comment]:
        cursor = self._comments.find({"document_id": document_id, **_LIVE}).sort("created_at", ASCENDING)
        return [_comment(doc) async for doc in cursor]

    async def drafts(self, document_id: ObjectId, organization_id: ObjectId) -> list[Comment]:
        query = {"document_id": document_id, "organization_id": organization_id, "submitted": False, **_LIVE}
        return [_comment(doc) async for doc in self._comments.find(query).sort("created_at", ASCENDING)]

    async def open_counts(self, section_ids: Sequence[ObjectId]) -> dict[ObjectId, list[OpenCount]]:
        """Open thread-starting comments per section, organisation and draft state: one aggregate."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"section_id": {"$in": list(section_ids)}, "parent_id": None, **_OPEN}},
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
        return counts

    async def submit(self, comment_ids: Sequence[ObjectId], at: datetime) -> list[Comment]:
        """Publish these drafts; the ones another request submitted first are left as they are."""
        if not comment_ids:
            return []
        await self._comments.update_many(
            {"_id": {"$in": list(comment_ids)}, "submitted": False},
            {"$set": {"submitted": True, "submitted_at": at, "updated_at": at}},
        )
        return await self.by_ids(comment_ids)

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
        return _comment(doc) if doc else None

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
        return _comment(doc) if doc else None

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
        return _comment(doc) if doc else None
