"""GraphQL for comments, organisations' responses and dispositions (the report: ``server.api.reports``)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Generic, TypeVar

import strawberry
from bson import ObjectId

from server import ids, markdown
from server.accounts import permissions
from server.accounts.model import Actor
from server.accounts.permissions import Action, CommentScope, Scope
from server.api.accounts import Organization, User, organization_field, user_field
from server.api.context import Context, Info
from server.api.drafting import Document, Section, SectionVersion, section_field
from server.api.errors import Errors, Refused, VersionConflict, answer
from server.api.node import Node, PageInfo, at_once, from_domain, then
from server.api.responses import ResponseLetter
from server.comments import model as domain
from server.comments import queries, service
from server.comments.anchoring import Relocated, TextQuote
from server.drafting import model as drafting_model
from server.loaders import loaded

if TYPE_CHECKING:
    from server.api.consultations import Consultation

_T = TypeVar("_T")

CommentStatus = strawberry.enum(domain.CommentStatus, description="The steering group's disposition of a comment.")
CommentKind = strawberry.enum(domain.CommentKind, description="A remark, or a proposal carrying replacement text.")


@strawberry.enum(description="Where an anchored passage is in the section's current version.")
class AnchorStatus(StrEnum):
    ANCHORED = "ANCHORED"
    MOVED = "MOVED"
    OUTDATED = "OUTDATED"


@functools.lru_cache(maxsize=1024)
def _plain(html: str) -> str:
    # From the HTML stored when the version was written: a read never renders Markdown (it can be
    # slow), and every comment on a version relocates against the same two texts.
    return markdown.plain_text_of(html)


@strawberry.type(description="A W3C Web Annotation TextQuoteSelector over the section's plain text.")
class TextQuoteSelector:
    exact: str
    prefix: str
    suffix: str


@strawberry.input
class TextQuoteSelectorInput:
    exact: str
    prefix: str = ""
    suffix: str = ""


@strawberry.type(description="Where the passage is now: offsets into the plain text of the section's head version.")
class AnchorLocation:
    version: int
    start: int
    end: int
    exact: str


@strawberry.type(description="An earlier wording of a comment, kept when its author edited it.")
class CommentEdit:
    body: str
    proposed_text: str | None
    at: datetime


@strawberry.type
class CommentPermissions:
    edit: bool
    respond: bool
    apply_proposal: bool


_Anchored = domain.Comment | domain.Marker


_ANCHOR = "The passage as it was marked, with its context; kept when the passage is gone."
_PASSAGE = (
    "The marked passage as it reads in the version commented on: soft line breaks as spaces, list numbers kept. "
    "Null if unanchored."
)
_ANCHOR_STATUS = "ANCHORED, MOVED or OUTDATED in the section's current version; null if unanchored."
_ANCHOR_LOCATION = "Where the passage is in the current version; null when outdated or unanchored."
_CONSULTED_LOCATION = (
    "Where the passage is in the version sent for consultation, when you read that version as a consulted party "
    "(`Section.consultedVersion`); null otherwise, when unanchored, or when the passage is not in the text sent."
)
_ORGANIZATION = "The organisation the comment is written for: always its author's."
_VIEWER_CAN = "What the signed-in user may do with this comment (the server checks again)."


@strawberry.type
class MarkedPassage:
    """The passage a comment marks, resolved per comment (``CommentMarker`` has the same fields, computed for
    a whole section at once by ``section_markers``)."""

    model: strawberry.Private[_Anchored]
    relocated: strawberry.Private[list[Relocated | None]]  # computed once per object, see _relocation

    @strawberry.field(description=_ANCHOR)
    def anchor(self) -> TextQuoteSelector | None:
        return _anchor(self.model)

    @strawberry.field(description=_PASSAGE, graphql_type=str | None)
    def passage(self, info: Info) -> str | None | Awaitable[str | None]:
        return _passage(info, self.model)

    @strawberry.field(description=_ANCHOR_STATUS, graphql_type=AnchorStatus | None)
    def anchor_status(self, info: Info) -> AnchorStatus | None | Awaitable[AnchorStatus | None]:
        return then(_relocation(info, self.model, self.relocated), _status)

    @strawberry.field(description=_ANCHOR_LOCATION)
    async def anchor_location(self, info: Info) -> AnchorLocation | None:
        return await _anchor_location(info, self.model, self.relocated)

    @strawberry.field(description=_CONSULTED_LOCATION)
    async def consulted_location(self, info: Info) -> AnchorLocation | None:
        return await _consulted_location(info, self.model)


@strawberry.type
class Comment(MarkedPassage, Node):
    model: strawberry.Private[domain.Comment]
    relocated: strawberry.Private[list[Relocated | None]]  # computed once per object, see _relocation
    section_version: int = strawberry.field(description="The number of the version commented on.")
    body: str
    html: str
    kind: CommentKind  # type: ignore[valid-type]
    proposed_text: str | None
    status: CommentStatus  # type: ignore[valid-type]
    response: str
    response_html: str
    submitted: bool = strawberry.field(description="False while the comment is a draft of its organisation.")
    in_response: bool = strawberry.field(
        description="Sent as part of its organisation's response: locked (a correction is a new comment)."
    )
    submitted_at: datetime | None
    responded_at: datetime | None
    applied_version: int | None = strawberry.field(description="The section version that took the comment in.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: domain.Comment) -> Comment:
        return from_domain(cls, "Comment", c, relocated=[])

    section: Section | None = section_field(lambda comment: comment.section_id)

    author: User | None = user_field(lambda comment: comment.author_id)

    organization: Organization | None = organization_field(
        lambda comment: comment.organization_id, description=_ORGANIZATION
    )

    responded_by: User | None = user_field(lambda comment: comment.responded_by)

    @strawberry.field(
        description="The comment as it reads, without Markdown's marks: for quoting it in a line of text."
    )
    def plain_text(self) -> str:
        return _plain(self.html)

    @strawberry.field(description="The thread's first comment, for a reply.")
    async def parent(self, info: Info) -> Comment | None:
        if self.model.parent_id is None:
            return None
        return await comment_node(info, self.model.parent_id)

    @strawberry.field(description="Replies you may see, oldest first.")
    async def replies(self, info: Info) -> list[Comment]:
        return [Comment.of(c) for c in await queries.replies(info.context.loaders, info.context.actor, self.model)]

    @strawberry.field(
        description="Earlier wordings, oldest first (those from while it was a draft: its organisation only)."
    )
    def edits(self, info: Info) -> list[CommentEdit]:
        edits = domain.visible_edits(info.context.actor, self.model)
        return [CommentEdit(body=e.body, proposed_text=e.proposed_text, at=e.at) for e in edits]

    @strawberry.field(description=_VIEWER_CAN, graphql_type=CommentPermissions)
    def viewer_can(self, info: Info) -> CommentPermissions | Awaitable[CommentPermissions]:
        thread = self.model.parent_id is None
        return then(_rights(info, self.model.document_id), lambda rights: rights.of(self.model, thread=thread))

    @strawberry.field(
        description="The author changed the comment after the steering group answered it (possible while the "
        "answer is unpublished: the party cannot see it); review the answer. Always false for a reader who "
        "cannot see the answer."
    )
    def changed_since_answer(self) -> bool:
        return self.model.changed_since_answer


# What Comment and CommentMarker share: the anchor relocated into the current version, and what
# the signed-in user may do.


def _anchor(c: _Anchored) -> TextQuoteSelector | None:
    a = c.anchor
    return TextQuoteSelector(exact=a.exact, prefix=a.prefix, suffix=a.suffix) if a else None


def _passage_in(commented: drafting_model.SectionVersion | None, anchor: TextQuote) -> str:
    """The passage as it reads in ``commented``, the version commented on (when it is gone: the quote, on one line)."""
    if commented is None:
        return " ".join(anchor.exact.split())
    return domain.passage_as_read(commented.body, anchor)


def _relocated(
    commented: drafting_model.SectionVersion | None,
    text: drafting_model.Section | drafting_model.SectionVersion | None,
    anchor: TextQuote,
) -> Relocated:
    """Where the passage marked in ``commented`` is in ``text`` (the section's current version, or another one)."""
    if commented is None or text is None:
        return Relocated("OUTDATED", None, None)
    return domain.anchor_state(_plain(commented.html), _plain(text.html), anchor)


def _location(version: int, found: Relocated | None) -> AnchorLocation | None:
    if found is None or found.location is None or found.exact is None:
        return None
    return AnchorLocation(version=version, start=found.location.start, end=found.location.end, exact=found.exact)


def _consulted_in(
    commented: drafting_model.SectionVersion | None, consulted: drafting_model.SectionVersion | None, anchor: TextQuote
) -> AnchorLocation | None:
    """Where the passage is in ``consulted``, the version sent for consultation: a comment made on it is where
    it was made."""
    if consulted is None or commented is None:
        return None
    return _location(consulted.number, _relocated(commented, consulted, anchor))


class CommentRights:
    """What the signed-in user may do with the comments of one document (``CommentPermissions``): what
    depends on the document alone checked once, what depends on the comment once per distinct scope."""

    def __init__(self, actor: Actor | None, scope: Scope | None) -> None:
        self._actor = actor
        self._scope = scope if actor is not None else None
        self._respond = (
            self._scope is not None and permissions.check(actor, Action.RESPOND_TO_COMMENT, self._scope) is None
        )
        self._edit_sections = (
            self._scope is not None and permissions.check(actor, Action.EDIT_SECTIONS, self._scope) is None
        )
        self._edit: dict[CommentScope, bool] = {}

    def of(self, c: _Anchored, *, thread: bool) -> CommentPermissions:
        if self._scope is None:
            return CommentPermissions(edit=False, respond=False, apply_proposal=False)
        # ``c`` is as the viewer reads it: an answer the viewer may not see yet locks nothing.
        comment = domain.change_scope(c)
        edit = self._edit.get(comment)
        if edit is None:
            scope = replace(self._scope, comment=comment)
            edit = self._edit[comment] = permissions.check(self._actor, Action.CHANGE_COMMENT, scope) is None
        respond = c.submitted and thread and self._respond
        apply = respond and c.kind == domain.CommentKind.PROPOSAL and c.applied_version is None and self._edit_sections
        return CommentPermissions(edit=edit, respond=respond, apply_proposal=apply)


# A page's comments answer these at once (``section_threads`` loads what they read first): a field
# that awaits costs graphql-core a task, and a comment has half a dozen of them.


def _passage(info: Info, c: _Anchored) -> str | None | Awaitable[str | None]:
    anchor = c.anchor
    if anchor is None:
        return None
    return then(
        at_once(info.context.loaders.version, (c.section_id, c.section_version)), lambda v: _passage_in(v, anchor)
    )


def _relocation(
    info: Info, c: _Anchored, relocated: list[Relocated | None]
) -> Relocated | None | Awaitable[Relocated | None]:
    """Where the passage is now, computed once per object (``relocated`` keeps it): at once when the
    two versions it compares are loaded."""
    if c.anchor is None or relocated:
        return relocated[0] if relocated else None
    loaders = info.context.loaders
    commented, section = (
        loaded(loaders.version, (c.section_id, c.section_version)),
        loaded(loaders.section, c.section_id),
    )
    if commented is None or section is None:
        return _relocation_read(info, c, relocated)
    relocated.append(_relocated(commented.result(), section.result(), c.anchor))
    return relocated[0]


async def _relocation_read(info: Info, c: _Anchored, relocated: list[Relocated | None]) -> Relocated | None:
    """``_relocation``, reading what it compares."""
    if c.anchor is None:
        return None
    if not relocated:
        loaders = info.context.loaders
        commented = await loaders.version.load((c.section_id, c.section_version))
        relocated.append(_relocated(commented, await loaders.section.load(c.section_id), c.anchor))
    return relocated[0]


def _status(found: Relocated | None) -> AnchorStatus | None:
    return AnchorStatus(found.status) if found else None


async def _anchor_location(info: Info, c: _Anchored, relocated: list[Relocated | None]) -> AnchorLocation | None:
    found = await _relocation_read(info, c, relocated)
    if found is None or found.location is None:
        return None
    section = await info.context.loaders.section.load(c.section_id)
    assert section is not None
    return _location(section.version, found)


async def _consulted_location(info: Info, c: _Anchored) -> AnchorLocation | None:
    """Where the passage is in the version of its section sent for consultation, for a consulted party
    reading that version (``Section.consultedVersion``)."""
    from server.api.consultations import consulted_version

    if c.anchor is None:
        return None
    loaders = info.context.loaders
    section = await loaders.section.load(c.section_id)
    consulted = await consulted_version(info, section) if section else None
    commented = await loaders.version.load((c.section_id, c.section_version)) if consulted else None
    return _consulted_in(commented, consulted, c.anchor)


def _rights(info: Info, document_id: ObjectId) -> CommentRights | Awaitable[CommentRights]:
    """The signed-in user's rights over the document's comments, judged in the scope commenting has now
    (its current consultation: once that has closed, a party's comments stand as they went in); worked
    out once per request and document, not once per comment (at once when worked out already)."""
    known = info.context.comment_rights.get(document_id)
    return known if known is not None else _read_rights(info, document_id)


async def _read_rights(info: Info, document_id: ObjectId) -> CommentRights:
    from server.api.consultations import comment_scope

    known = info.context.comment_rights
    rights = known.get(document_id)
    if rights is None:
        document = await info.context.loaders.document.load(document_id)
        scope = await comment_scope(info, document) if document is not None else None
        rights = known[document_id] = CommentRights(info.context.actor, scope)
    return rights


@strawberry.type(
    description="What the reader shows of a thread-starting comment without opening its thread: where its "
    "marker goes and, for an open proposal, the suggestion in the text. Kept per section beside the open "
    "counts, so the reader reads none of the comments; open the thread with `Section.comments` or "
    "`node(id)` (the same id)."
)
class CommentMarker:
    anchor: TextQuoteSelector | None = strawberry.field(description=_ANCHOR)
    passage: str | None = strawberry.field(description=_PASSAGE)
    anchor_status: AnchorStatus | None = strawberry.field(description=_ANCHOR_STATUS)
    anchor_location: AnchorLocation | None = strawberry.field(description=_ANCHOR_LOCATION)
    consulted_location: AnchorLocation | None = strawberry.field(description=_CONSULTED_LOCATION)
    id: strawberry.ID = strawberry.field(description="The comment's id.")
    section_version: int = strawberry.field(description="The number of the version commented on.")
    kind: CommentKind  # type: ignore[valid-type]
    status: CommentStatus  # type: ignore[valid-type]
    submitted: bool = strawberry.field(description="False while the comment is a draft of its organisation.")
    proposed_text: str | None = strawberry.field(
        description="An open proposal's replacement text, as shown in the reader; null for every other comment."
    )
    applied_version: int | None = strawberry.field(description="The section version that took the comment in.")
    organization: Organization | None = strawberry.field(description=_ORGANIZATION)
    viewer_can: CommentPermissions = strawberry.field(description=_VIEWER_CAN)


async def comment_node(info: Info, comment_id: ObjectId) -> Comment | None:
    """A comment by id, when the signed-in user may see it (``node(id)``)."""
    ctx = info.context
    comment = await queries.comment(ctx.store, ctx.loaders, ctx.actor, comment_id)
    return Comment.of(comment) if comment else None


async def section_comments(
    info: Info, section: drafting_model.Section, status: domain.CommentStatus | None
) -> list[Comment]:
    """The thread-starting comments on a section that the signed-in user may see, oldest first."""
    return [Comment.of(c) for c in await queries.threads(info.context.loaders, info.context.actor, section, status)]


@strawberry.type(
    description="A page of a section's comment threads (`Section.commentThreads`), as Relay's connections."
)
class CommentThreads:
    total_count: int = strawberry.field(
        description="The threads you may see on the section (of the status asked for), whichever page this is."
    )
    page_info: PageInfo
    nodes: list[Comment] = strawberry.field(
        description="The page's threads, oldest first; their replies under `replies`."
    )


async def section_threads(
    info: Info, section: drafting_model.Section, first: int, after: str | None, status: domain.CommentStatus | None
) -> CommentThreads:
    """A page of the thread-starting comments on a section that the signed-in user may see."""
    start = ids.parse(after, "Comment") if after is not None else None
    if after is not None and start is None:
        raise Refused(info.context.text("bad_cursor"), "BAD_CURSOR")
    loaders = info.context.loaders
    page = await queries.thread_page(loaders, info.context.actor, section, first=first, after=start, status=status)
    # Who wrote and answered the page's comments, and for whom, in one read each: a reply's fields
    # resolve a level below its thread's, after the threads' reads have gone out. (The replies are
    # those read with the page, hidden ones too: the names read for them are not shown.)
    replies = await loaders.comment_replies.load_many([c.id for c in page.threads])
    shown = [*page.threads, *(reply for found in replies for reply in found)]
    people = {c.author_id for c in shown} | {c.responded_by for c in shown if c.responded_by is not None}
    await asyncio.gather(
        loaders.user.load_many(list(people)),
        loaders.organization.load_many(list({c.organization_id for c in shown})),
        # What their passages and rights are worked out from, so that those fields answer at once.
        loaders.version.load_many(list({(c.section_id, c.section_version) for c in shown if c.anchor is not None})),
        _read_rights(info, section.document_id),
    )
    loaders.section.prime(section.id, section)
    return CommentThreads(
        total_count=page.total,
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=ids.encode("Comment", page.end) if page.end else None
        ),
        nodes=[Comment.of(c) for c in page.threads],
    )


class _Once(Generic[_T]):
    """What one coroutine answers, run once when first asked for (by any of the fields that share it)."""

    def __init__(self, run: Callable[[], Awaitable[_T]]) -> None:
        self._run = run
        self._found: asyncio.Future[_T] | None = None

    async def get(self) -> _T:
        if self._found is None:
            self._found = asyncio.ensure_future(self._run())
        return await self._found


class _PassageIds:
    """The ids of the comments marking each passage a reader sees on one section, found once per request when a
    passage's ``ids`` is asked for (they are per thread: the reader itself asks for counts)."""

    def __init__(self, info: Info, section: drafting_model.Section) -> None:
        self._found = _Once(lambda: self._find(info, section))

    async def of(self, start: int, end: int) -> list[strawberry.ID]:
        return (await self._found.get()).get((start, end), [])

    @staticmethod
    async def _find(info: Info, section: drafting_model.Section) -> dict[tuple[int, int], list[strawberry.ID]]:
        marked = await _marked(info, section)
        passages: dict[tuple[int, int], list[strawberry.ID]] = {}
        for m in marked.markers:
            where = marked.shown(m)
            if where is not None:
                passages.setdefault((where.start, where.end), []).append(strawberry.ID(ids.encode("Comment", m.id)))
        return passages


@strawberry.type(
    description="A passage of the text you read that thread-starting comments you may see mark: where it is (offsets "
    "into its plain text) and how many comments mark exactly it. The lean form of `CommentMarker`, for the many: the "
    "reader shows a marker and a highlight."
)
class PassageMarker:
    start: int
    end: int
    count: int = strawberry.field(description="The comments you may see that mark exactly this passage.")
    proposal_count: int = strawberry.field(description="Of them, the open change proposals (in `openProposals`).")
    first_id: strawberry.ID = strawberry.field(
        description="The first of them (by id): the thread a marker opens the comments at."
    )
    found: strawberry.Private[_PassageIds]

    @strawberry.field(
        description="The comments' ids, in order. One per thread, worked out when asked for: the reader asks for "
        "`count` and `firstId`, and shows the threads themselves with `Section.commentThreads`."
    )
    async def ids(self) -> list[strawberry.ID]:
        return await self.found.of(self.start, self.end)


@strawberry.type(
    description="What the reader shows of the thread-starting comments you may see on a section, placed in the "
    "text you read (the version sent for consultation when you read `consultedVersion`, else the current one): "
    "a marker for each passage, the passages no longer in that text, and the open change proposals in full. "
    "The same comments as `commentMarkers`, with each only as much as the reader shows of it. Each field is "
    "read when asked for: the reader asks for the open proposals after the rest."
)
class ReaderMarkers:
    section: strawberry.Private[drafting_model.Section]
    version: strawberry.Private[int]  # of the text read
    where: strawberry.Private[queries.Where]
    view: strawberry.Private[_Once[queries.ReaderView]]

    @strawberry.field(description="The thread-starting comments you may see, anchored or not.")
    async def count(self) -> int:
        return (await self.view.get()).count

    @strawberry.field(
        description="The passages of the text you read that anchored comments mark, in the order of their first "
        "comment's id."
    )
    async def passages(self, info: Info) -> list[PassageMarker]:
        found = _PassageIds(info, self.section)
        return [
            PassageMarker(
                start=p.start,
                end=p.end,
                count=p.count,
                proposal_count=p.proposals,
                first_id=strawberry.ID(ids.encode("Comment", p.first)),
                found=found,
            )
            for p in (await self.view.get()).passages
        ]

    @strawberry.field(
        description="The anchored comments whose passage is not in the text you read (shown with the passage)."
    )
    async def outdated(self, info: Info) -> list[CommentMarker]:
        outdated = (await self.view.get()).outdated
        return await _full_markers(info, self.section, await _texts(info, self.section, outdated), outdated)

    @strawberry.field(
        description="The open change proposals whose passage is in the text you read: suggestions in the text."
    )
    async def open_proposals(self, info: Info) -> list[CommentMarker]:
        loaders, actor = info.context.loaders, info.context.actor
        proposals = await queries.reader_proposals(loaders, actor, self.section, self.version, self.where)
        return await _full_markers(info, self.section, await _texts(info, self.section, proposals), proposals)


@dataclass(frozen=True)
class _Marked:
    """A section's markers as the signed-in user sees them, with the texts that place them: read once per
    section, with one loader call for each thing they need."""

    markers: Sequence[domain.Marker]
    current: drafting_model.Section | None
    consulted: drafting_model.SectionVersion | None
    commented: Mapping[int, drafting_model.SectionVersion | None]

    def shown(self, m: domain.Marker) -> AnchorLocation | None:
        """Where the passage is in the text the viewer reads; None when it is not there (or unanchored)."""
        if m.anchor is None:
            return None
        version = self.commented[m.section_version]
        if self.consulted is not None:
            return _consulted_in(version, self.consulted, m.anchor)
        return _location(self.current.version, _relocated(version, self.current, m.anchor)) if self.current else None


async def _marked(info: Info, section: drafting_model.Section) -> _Marked:
    markers = await queries.markers(info.context.loaders, info.context.actor, section)
    return await _texts(info, section, markers)


async def _texts(info: Info, section: drafting_model.Section, markers: Sequence[domain.Marker]) -> _Marked:
    """``markers`` with the texts that place them: the section's current text, the version sent for consultation
    when the viewer reads that one, the versions they were made on."""
    from server.api.consultations import consulted_version

    if not markers:
        return _Marked(markers, None, None, {})
    loaders = info.context.loaders
    anchored = sorted({m.section_version for m in markers if m.anchor is not None})
    current = await loaders.section.load(section.id)
    consulted = await consulted_version(info, current) if current else None
    found = await loaders.version.load_many([(section.id, number) for number in anchored])
    return _Marked(markers, current, consulted, dict(zip(anchored, found, strict=True)))


async def _full_markers(
    info: Info, section: drafting_model.Section, marked: _Marked, markers: Sequence[domain.Marker]
) -> list[CommentMarker]:
    """Every field of these markers, computed for all of them at once: a resolver per marker and field
    costs more than all the rest of a request that shows thousands."""
    if not markers:
        return []
    loaders = info.context.loaders
    rights = await _read_rights(info, section.document_id)
    organization_ids = list(dict.fromkeys(m.organization_id for m in markers))
    found_organizations = await loaders.organization.load_many(organization_ids)
    organizations = {
        i: Organization.of(o) if o else None for i, o in zip(organization_ids, found_organizations, strict=True)
    }
    current = marked.current

    def marker(m: domain.Marker) -> CommentMarker:
        anchor, passage, status, location, in_consulted = None, None, None, None, None
        if m.anchor is not None:
            version = marked.commented[m.section_version]
            relocated = _relocated(version, current, m.anchor)
            anchor = _anchor(m)
            passage = _passage_in(version, m.anchor)
            status = AnchorStatus(relocated.status)
            location = _location(current.version, relocated) if current else None
            in_consulted = _consulted_in(version, marked.consulted, m.anchor)
        return CommentMarker(
            id=strawberry.ID(ids.encode("Comment", m.id)),
            anchor=anchor,
            passage=passage,
            anchor_status=status,
            anchor_location=location,
            consulted_location=in_consulted,
            section_version=m.section_version,
            kind=m.kind,
            status=m.status,
            submitted=m.submitted,
            proposed_text=m.proposed_text if domain.open_proposal(m) else None,  # kept whatever its status
            applied_version=m.applied_version,
            organization=organizations[m.organization_id],
            viewer_can=rights.of(m, thread=True),
        )

    return [marker(m) for m in markers]


async def section_markers(info: Info, section: drafting_model.Section) -> list[CommentMarker]:
    """The markers of the thread-starting comments on a section the signed-in user may see, every field."""
    marked = await _marked(info, section)
    return await _full_markers(info, section, marked, marked.markers)


async def reader_markers(info: Info, section: drafting_model.Section) -> ReaderMarkers:
    """What the reader shows of the same comments, placed in the text the viewer reads: per passage how many mark
    it; in full only the outdated passages and the open proposals. Read from the markers as kept placed in that
    text (``queries.reader_view``): nothing per comment is worked out but for those shown in full."""
    from server.api.consultations import consulted_version

    loaders = info.context.loaders
    current = await loaders.section.load(section.id) or section
    consulted = await consulted_version(info, current)
    version = consulted.number if consulted is not None else current.version

    async def where(markers: Sequence[domain.Marker]) -> Callable[[domain.Marker], tuple[int, int] | None]:
        marked = await _texts(info, section, markers)

        def at(m: domain.Marker) -> tuple[int, int] | None:
            found = marked.shown(m)
            return (found.start, found.end) if found is not None else None

        return at

    view = _Once(lambda: queries.reader_view(loaders, info.context.actor, section, version, where))
    return ReaderMarkers(section=section, version=version, where=where, view=view)


async def open_comment_counts(info: Info, sections: Sequence[drafting_model.Section]) -> list[int]:
    """Open thread-starting comments on each section that the signed-in user may see (drafts of their own
    included), read for all of them at once."""
    return await queries.open_counts(info.context.loaders, info.context.actor, sections)


# What submitting an organisation's drafts would send.


@strawberry.type(description="One section's drafts in a submission preview.")
class SubmissionPreviewSection:
    model: strawberry.Private[domain.PreviewSection]
    title: str = strawberry.field(description="The section's title (its last one, if it was deleted since).")
    count: int
    comments: list[Comment] = strawberry.field(description="Threads and replies, in the order they were written.")

    section: Section | None = section_field(lambda preview: preview.section_id)


@strawberry.type(
    description="Exactly what submitOrganisationComments would send now for your organisation: every draft "
    "of it on the document (colleagues' and replies included), by section. `count` is what is sent; pass it "
    "as `expectedCount` to confirm."
)
class SubmissionPreview:
    model: strawberry.Private[service.Submission]
    count: int = strawberry.field(description="The comments sent: what `expectedCount` confirms.")
    sections: list[SubmissionPreviewSection]
    general_remarks: str | None = strawberry.field(
        description="Your general remarks, sent with your response to the open consultation (null outside one, "
        "or once your organisation has responded)."
    )
    letter: ResponseLetter | None = strawberry.field(description="The response letter sent with them, if any.")
    can_submit: bool = strawberry.field(description="Whether you may submit (there may still be nothing to send).")
    blocker: str | None = strawberry.field(description="Why you may not submit, in words; null when you may.")

    @strawberry.field(description="The general remarks rendered safely, as they will be read once sent.")
    async def general_remarks_html(self, info: Info) -> str | None:
        remarks = self.general_remarks
        if remarks is None:
            return None
        # Rendering Markdown can be slow: in a worker, off the event loop (server/workers.py).
        return await info.context.store.workers.run(markdown.render, remarks) if remarks.strip() else ""

    @strawberry.field(description="The open consultation the response answers, when there is one for you.")
    async def consultation(
        self, info: Info
    ) -> Annotated[Consultation, strawberry.lazy("server.api.consultations")] | None:
        from server.api.consultations import Consultation

        found = self.model.consultation
        return Consultation.of(found) if found is not None and self.model.draft is not None else None


async def submission_preview(info: Info, document: drafting_model.Document) -> SubmissionPreview | None:
    ctx = info.context
    found = await service.submission_preview(ctx.store, ctx.caller(), document.id)
    if not isinstance(found, service.Submission):
        return None
    refusal = permissions.check(ctx.actor, Action.SUBMIT_RESPONSE, found.scope)
    draft = found.draft
    return SubmissionPreview(
        model=found,
        count=found.preview.count,
        sections=[
            SubmissionPreviewSection(
                model=s, title=s.title, count=len(s.comments), comments=[Comment.of(c) for c in s.comments]
            )
            for s in found.preview.sections
        ],
        general_remarks=draft.general_remarks if draft else None,
        letter=ResponseLetter.of(draft.letter) if draft and draft.letter else None,
        can_submit=refusal is None,
        blocker=ctx.text(refusal.key, **refusal.params) if refusal else None,
    )


# Mutations


@strawberry.type
class CommentAdded:
    comment: Comment


@strawberry.type
class CommentEdited:
    comment: Comment


@strawberry.type
class CommentDeleted:
    comment: Comment


@strawberry.type
class CommentsSubmitted:
    comments: list[Comment]


@strawberry.type
class CommentAnswered:
    comment: Comment


@strawberry.type
class ProposalApplied:
    comment: Comment
    version: SectionVersion
    section: Section
    merged: bool = strawberry.field(description="True when the proposal was merged onto a newer version.")


@strawberry.type
class DocumentSettingsUpdated:
    document: Document


AddCommentResult = Annotated[CommentAdded | Errors, strawberry.union("AddCommentResult")]
EditCommentResult = Annotated[CommentEdited | Errors, strawberry.union("EditCommentResult")]
DeleteCommentResult = Annotated[CommentDeleted | Errors, strawberry.union("DeleteCommentResult")]
SubmitOrganisationCommentsResult = Annotated[
    CommentsSubmitted | Errors, strawberry.union("SubmitOrganisationCommentsResult")
]
RespondToCommentResult = Annotated[CommentAnswered | Errors, strawberry.union("RespondToCommentResult")]
ApplyProposalResult = Annotated[ProposalApplied | VersionConflict | Errors, strawberry.union("ApplyProposalResult")]
UpdateDocumentSettingsResult = Annotated[
    DocumentSettingsUpdated | Errors, strawberry.union("UpdateDocumentSettingsResult")
]


@strawberry.input
class AddCommentInput:
    section_id: strawberry.ID
    version: int = strawberry.field(description="The section version commented on; the anchor must be in it.")
    body: str
    anchor: TextQuoteSelectorInput | None = None
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Reply to this comment.")
    proposed_text: str | None = strawberry.field(
        default=None, description="Makes a change proposal: replaces the anchored passage, or the whole section."
    )


@strawberry.input
class EditCommentInput:
    comment_id: strawberry.ID
    body: str
    proposed_text: str | None = None


@strawberry.input
class DeleteCommentInput:
    comment_id: strawberry.ID


@strawberry.input
class RespondToCommentInput:
    comment_id: strawberry.ID
    status: CommentStatus  # type: ignore[valid-type]
    response: str = ""


@strawberry.input
class ApplyProposalInput:
    comment_id: strawberry.ID
    response: str | None = None


@strawberry.input
class UpdateDocumentSettingsInput:
    document_id: strawberry.ID
    direct_submission: bool | None = None
    restrict_comment_visibility: bool | None = None


def _added(ctx: Context, added: service.Added) -> CommentAdded:
    ctx.loaders.remember(added.document, added.section, added.consultations, added.kept)
    return CommentAdded(comment=Comment.of(added.comment))


@strawberry.type
class CommentsMutation:
    @strawberry.mutation(description="Comment on a section version, optionally on a passage; drafts stay internal.")
    async def add_comment(self, info: Info, input: AddCommentInput) -> AddCommentResult:
        ctx = info.context
        anchor = input.anchor
        result = await service.add_comment(
            ctx.store,
            ctx.caller(),
            ids.parse(input.section_id, "Section"),
            input.version,
            input.body,
            TextQuote(anchor.exact, anchor.prefix, anchor.suffix) if anchor else None,
            input.proposed_text,
            ids.parse(input.parent_id, "Comment"),
            reply=input.parent_id is not None,
        )
        return answer(result, ctx, lambda r: _added(ctx, r))

    @strawberry.mutation(description="Change your own open comment; the earlier wording is kept.")
    async def edit_comment(self, info: Info, input: EditCommentInput) -> EditCommentResult:
        ctx = info.context
        result = await service.edit_comment(
            ctx.store, ctx.caller(), ids.parse(input.comment_id, "Comment"), input.body, input.proposed_text
        )
        return answer(result, ctx, lambda r: CommentEdited(comment=Comment.of(r)))

    @strawberry.mutation(description="Withdraw your own open comment.")
    async def delete_comment(self, info: Info, input: DeleteCommentInput) -> DeleteCommentResult:
        ctx = info.context
        result = await service.delete_comment(ctx.store, ctx.caller(), ids.parse(input.comment_id, "Comment"))
        return answer(result, ctx, lambda r: CommentDeleted(comment=Comment.of(r)))

    @strawberry.mutation(
        description="Submit all of your organisation's draft comments on a document at once (commenters and "
        "approvers). `expectedCount` confirms what the preview (Document.submissionPreview) showed: if the drafts "
        "changed since, nothing is sent. Submitted comments are locked."
    )
    async def submit_organisation_comments(
        self, info: Info, document_id: strawberry.ID, expected_count: int
    ) -> SubmitOrganisationCommentsResult:
        ctx = info.context
        result = await service.submit_organisation_comments(
            ctx.store, ctx.caller(), ids.parse(document_id, "Document"), expected_count
        )
        return answer(result, ctx, lambda r: CommentsSubmitted(comments=[Comment.of(c) for c in r]))

    @strawberry.mutation(description="The steering group's disposition of a comment, with its response.")
    async def respond_to_comment(self, info: Info, input: RespondToCommentInput) -> RespondToCommentResult:
        ctx = info.context
        result = await service.respond(
            ctx.store, ctx.caller(), ids.parse(input.comment_id, "Comment"), input.status, input.response
        )
        return answer(result, ctx, lambda r: CommentAnswered(comment=Comment.of(r)))

    @strawberry.mutation(description="Accept a change proposal by saving it as a new section version (merging).")
    async def apply_proposal(self, info: Info, input: ApplyProposalInput) -> ApplyProposalResult:
        ctx = info.context
        result = await service.apply_proposal(
            ctx.store, ctx.caller(), ids.parse(input.comment_id, "Comment"), input.response
        )
        return answer(
            result,
            ctx,
            lambda r: ProposalApplied(
                comment=Comment.of(r.comment),
                version=SectionVersion.of(r.saved.version),
                section=Section.of(r.saved.section),
                merged=r.saved.merged,
            ),
        )

    @strawberry.mutation(description="The comment settings of a document (secretariat).")
    async def update_document_settings(
        self, info: Info, input: UpdateDocumentSettingsInput
    ) -> UpdateDocumentSettingsResult:
        ctx = info.context
        result = await service.update_document_settings(
            ctx.store,
            ctx.caller(),
            ids.parse(input.document_id, "Document"),
            input.direct_submission,
            input.restrict_comment_visibility,
        )
        return answer(result, ctx, lambda r: DocumentSettingsUpdated(document=Document.of(r)))
