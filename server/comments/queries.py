"""What a caller may read of comments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bson import ObjectId

from server.accounts.model import Actor
from server.comments.model import Comment, visible
from server.drafting import queries as drafting_queries
from server.drafting.model import Document
from server.store import Store

DocumentSource = Callable[[ObjectId], Awaitable[Document | None]]  # a request's document loader


async def comment(store: Store, actor: Actor | None, comment_id: ObjectId, documents: DocumentSource) -> Comment | None:
    """A comment by id, when the caller may read its document and see the comment."""
    found = await store.comments.comment(comment_id)
    if found is None:
        return None
    document = await documents(found.document_id)
    if document is None or not drafting_queries.readable(actor, document) or not visible(actor, document, found):
        return None
    return found
