"""What a caller may read of comments: each read through the request's loaders, so that a view
of many sections and threads costs a fixed number of store round trips."""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bson import ObjectId

from server.accounts.model import Actor
from server.comments.model import (
    STEERING,
    Comment,
    CommentStatus,
    Marker,
    Placed,
    SeenPassage,
    Verdicts,
    Withholding,
    as_seen_by,
    needs_publications,
    open_proposal,
    place,
    seeing,
    seen_passages,
    visible,
    withholding,
)
from server.drafting.model import Document, Section
from server.drafting.queries import readable
from server.loaders import Loaders
from server.store import Store

MAX_THREADS_PAGE = 50  # threads in one page of ``thread_page``


async def _readable_document(loaders: Loaders, actor: Actor | None, document_id: ObjectId) -> Document | None:
    document = await loaders.document.load(document_id)
    return document if document is not None and readable(actor, document) else None


async def comment(store: Store, loaders: Loaders, actor: Actor | None, comment_id: ObjectId) -> Comment | None:
    """A comment by id, when the caller may read its document and see the comment."""
    found = await store.comments.comment(comment_id)
    if found is None:
        return None
    document = await _readable_document(loaders, actor, found.document_id)
    if document is None or not visible(actor, document, found):
        return None
    return (await _as_seen(loaders, actor, [found]))[0]


_Seen = TypeVar("_Seen", Comment, Marker)


async def _as_seen(loaders: Loaders, actor: Actor | None, comments: Sequence[_Seen]) -> Sequence[_Seen]:
    """The comments (or markers) as ``actor`` may read them: without the steering group's unpublished answers."""
    if not needs_publications(actor, comments):
        return comments
    wanted = list({c.consultation_id for c in comments if c.consultation_id is not None})
    published = dict(zip(wanted, await loaders.published_answers.load_many(wanted), strict=True))
    return [as_seen_by(actor, c, published) for c in comments]


async def replies(loaders: Loaders, actor: Actor | None, thread: Comment) -> list[Comment]:
    """The replies to a thread that the caller may see, oldest first."""
    document = await _readable_document(loaders, actor, thread.document_id)
    if document is None:
        return []
    found = [c for c in await loaders.comment_replies.load(thread.id) if visible(actor, document, c)]
    return list(await _as_seen(loaders, actor, found))


async def threads(
    loaders: Loaders, actor: Actor | None, section: Section, status: CommentStatus | None
) -> list[Comment]:
    """The thread-starting comments on a section that the caller may see, oldest first."""
    document = await _readable_document(loaders, actor, section.document_id)
    if document is None:
        return []
    found = [c for c in await loaders.comment_threads.load(section.id) if visible(actor, document, c)]
    return [c for c in await _as_seen(loaders, actor, found) if status is None or c.status == status]


@dataclass(frozen=True)
class ThreadPage:
    """A page of a section's threads (``thread_page``)."""

    threads: list[Comment]
    total: int  # the threads the caller may see on the section, on every page
    has_next: bool
    end: ObjectId | None  # the id of the page's last thread: where the next page starts after


async def thread_page(
    loaders: Loaders,
    actor: Actor | None,
    section: Section,
    *,
    first: int,
    after: ObjectId | None,
    status: CommentStatus | None,
) -> ThreadPage:
    """The thread-starting comments on a section that the caller may see, ``first`` of them (at most
    ``MAX_THREADS_PAGE``) after the thread ``after``, ordered by id: the order they were written in,
    so a thread written while someone pages lands on the last page, and none is shown twice.

    The section's kept thread keys (the same threads as ``markers``; with a ``status``, the
    markers) choose the page; only the page's comments are read, by id, and each is checked again
    as it is stored (the keys are derived data), so a hidden comment never leaks through a stale key.
    """
    reading = _readable_document(loaders, actor, section.document_id)
    if status is None:
        document, keys = await asyncio.gather(reading, loaders.thread_keys.load(section.id))
        if document is None:
            return ThreadPage([], 0, False, None)
        seen = keys.seen(seeing(actor, document))  # the ids, as ``ObjectId.binary``: thousands are not unpacked
    else:  # the status as the caller may read it: from the markers
        document, markers = await asyncio.gather(reading, loaders.comment_markers.load(section.id))
        if document is None:
            return ThreadPage([], 0, False, None)
        sees = seeing(actor, document)
        shown = await _as_seen(loaders, actor, [m for m in markers if sees(m.organization_id, m.submitted)])
        seen = [m.id.binary for m in shown if m.status == status]
    start = 0 if after is None else bisect.bisect_right(seen, after.binary)
    chosen = seen[start : start + max(1, min(first, MAX_THREADS_PAGE))]
    # The page's replies along with it (``replies`` finds them loaded): the two reads at once.
    wanted = [ObjectId(key) for key in chosen]
    found_threads, _ = await asyncio.gather(
        loaders.store.comments.by_ids(wanted), loaders.comment_replies.load_many(wanted)
    )
    by_id = {c.id: c for c in found_threads}
    threads = [c for i in wanted if (c := by_id.get(i)) is not None and visible(actor, document, c)]
    threads = [c for c in await _as_seen(loaders, actor, threads) if status is None or c.status == status]
    end = wanted[-1] if wanted else after
    return ThreadPage(threads, len(seen), start + len(chosen) < len(seen), end)


async def markers(loaders: Loaders, actor: Actor | None, section: Section) -> list[Marker]:
    """The reader's markers of the thread-starting comments on a section that the caller may see
    (the same comments as ``threads``), read without reading the comments."""
    document = await _readable_document(loaders, actor, section.document_id)
    if document is None:
        return []
    found = await loaders.comment_markers.load(section.id)
    sees = seeing(actor, document)  # a section has thousands of markers
    seen = [m for m in found if sees(m.organization_id, m.submitted)]
    return list(await _as_seen(loaders, actor, seen))


@dataclass(frozen=True)
class ReaderView:
    """What a reader sees of a section's threads placed in one version of its text (``reader_view``)."""

    count: int  # the threads the reader may see, anchored or not
    passages: list[SeenPassage]
    outdated: list[Marker]  # as the reader may read them (``as_seen_by``)


Where = Callable[[Sequence[Marker]], Awaitable[Callable[[Marker], tuple[int, int] | None]]]


async def reader_view(
    loaders: Loaders, actor: Actor | None, section: Section, version: int, where: Where
) -> ReaderView:
    """The section's thread-starting comments that the caller may see (the same as ``markers``) placed in
    version ``version`` of its text: summed per passage from the placement kept for that version, so
    that the work does not grow with the threads. When the markers changed since it was kept, they are
    placed again (``where``: given the markers, where each one's passage is in that version) and kept."""
    document = await _readable_document(loaders, actor, section.document_id)
    if document is None:
        return ReaderView(0, [], [])
    placed = await loaders.reader_view.load((section.id, version)) or await _place(loaders, section, version, where)
    sees = seeing(actor, document)
    count, passages = seen_passages(placed, sees, await _withholding(loaders, actor, placed))
    outdated = [m for m in placed.outdated if sees(m.organization_id, m.submitted)]
    return ReaderView(count, passages, list(await _as_seen(loaders, actor, outdated)))


async def reader_proposals(
    loaders: Loaders, actor: Actor | None, section: Section, version: int, where: Where
) -> list[Marker]:
    """The open change proposals among ``reader_view``'s threads, whose passage is in that version: kept apart,
    as the reader shows them after the rest."""
    document = await _readable_document(loaders, actor, section.document_id)
    if document is None:
        return []
    found = await loaders.reader_proposals.load((section.id, version))
    proposals = found if found is not None else (await _place(loaders, section, version, where)).proposals
    sees = seeing(actor, document)
    shown = await _as_seen(loaders, actor, [m for m in proposals if sees(m.organization_id, m.submitted)])
    return [m for m in shown if open_proposal(m)]  # as the reader sees it: a withheld disposition leaves it open


async def _withholding(loaders: Loaders, actor: Actor | None, placed: Placed) -> Withholding:
    """``withholding`` for the groups of ``placed`` whose open proposals it changes: the publications of their
    consultations are read only when a group has a proposal dispositioned (a steering reader reads none)."""
    wanted = list(
        {g.consultation_id for p in placed.passages for g in p.groups if g.held != g.proposals and g.consultation_id}
    )
    if not wanted or (actor is not None and actor.roles & STEERING):
        return withholding(actor, {})
    return withholding(actor, dict(zip(wanted, await loaders.published_answers.load_many(wanted), strict=True)))


async def _place(loaders: Loaders, section: Section, version: int, where: Where) -> Placed:
    """The section's markers placed in version ``version`` of its text now, and kept so."""
    stamp, markers = await loaders.stamped_markers.load(section.id)
    placed = place(version, markers, await where(markers))
    await loaders.store.comments.keep_reader_view(section.id, stamp, placed)
    return placed


async def open_counts(loaders: Loaders, actor: Actor | None, sections: Sequence[Section]) -> list[int]:
    """Open thread-starting comments on each of ``sections`` that the caller may see (their own
    drafts included): what they are counted from is read for all of them at once."""
    found = await loaders.document.load_many(list(dict.fromkeys(s.document_id for s in sections)))
    documents = {d.id: d for d in found if d is not None and readable(actor, d)}
    consulted: set[ObjectId] = set()
    if documents and not (actor is not None and actor.roles & STEERING):
        held = await loaders.consultations.load_many(list(documents))
        consulted = {d for d, consultations in zip(documents, held, strict=True) if consultations}
    counted: dict[ObjectId, int] = {}
    # The stored counts know answers, published or not: in a document that has had a consultation,
    # a party counts the threads it may read.
    if by_threads := [s for s in sections if s.document_id in consulted]:
        comments = [c for found in await loaders.comment_threads.load_many([s.id for s in by_threads]) for c in found]
        if needs_publications(actor, comments):
            await loaders.published_answers.load_many(list({c.consultation_id for c in comments if c.consultation_id}))
        for section in by_threads:  # all read above: each waits for nothing
            counted[section.id] = len(await threads(loaders, actor, section, CommentStatus.OPEN))
    if by_counts := [s for s in sections if s.document_id in documents and s.document_id not in consulted]:
        kept = await loaders.open_comment_counts.load_many([s.id for s in by_counts])
        sees = {d.id: Verdicts(seeing(actor, d)) for d in documents.values()}
        for section, counts in zip(by_counts, kept, strict=True):
            counted[section.id] = counts.seen(sees[section.document_id])
    return [counted.get(s.id, 0) for s in sections]
