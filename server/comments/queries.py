"""What a caller may read of comments: each read through the request's loaders, so that a view
of many sections and threads costs a fixed number of store round trips."""

from __future__ import annotations

from bson import ObjectId

from server.accounts.model import Actor
from server.comments.model import Comment, CommentStatus, Marker, may_see, visible
from server.drafting.model import Document, Section
from server.drafting.queries import readable
from server.loaders import Loaders
from server.store import Store


async def _readable_document(loaders: Loaders, actor: Actor | None, document_id: ObjectId) -> Document | None:
    document = await loaders.document.load(document_id)
    return document if document is not None and readable(actor, document) else None


async def comment(store: Store, loaders: Loaders, actor: Actor | None, comment_id: ObjectId) -> Comment | None:
    """A comment by id, when the caller may read its document and see the comment."""
    found = await store.comments.comment(comment_id)
    if found is None:
        return None
    document = await _readable_document(loaders, actor, found.document_id)
    return found if document is not None and visible(actor, document, found) else None


async def replies(loaders: Loaders, actor: Actor | None, thread: Comment) -> list[Comment]:
    """The replies to a thread that the caller may see, oldest first."""
    document = await _readable_document(loaders, actor, thread.document_id)
    if document is None:
        return []
    return [c for c in await loaders.comment_replies.load(thread.id) if visible(actor, document, c)]


async def threads(
    loaders: Loaders, actor: Actor | None, section: Section, status: CommentStatus | None
) -> list[Comment]:
    """The thread-starting comments on a section that the caller may see, oldest first."""
    document = await _readable_document(loaders, actor, section.document_id)
    if document is None:
        return []
    found = await loaders.comment_threads.load(section.id)
    return [c for c in found if visible(actor, document, c) and (status is None or c.status == status)]


async def markers(loaders: Loaders, actor: Actor | None, section: Section) -> list[Marker]:
    """The reader's markers of the thread-starting comments on a section that the caller may see
    (the same comments as ``threads``), read without reading the comments."""
    document = await _readable_document(loaders, actor, section.document_id)
    if document is None:
        return []
    found = await loaders.comment_markers.load(section.id)
    return [m for m in found if may_see(actor, document, m.organization_id, m.submitted)]


async def open_count(loaders: Loaders, actor: Actor | None, section: Section) -> int:
    """Open thread-starting comments on a section that the caller may see (their own drafts included)."""
    document = await _readable_document(loaders, actor, section.document_id)
    if document is None:
        return 0
    counts = await loaders.open_comment_counts.load(section.id)
    return sum(c.count for c in counts if may_see(actor, document, c.organization_id, c.submitted))
