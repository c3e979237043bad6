"""GraphQL for documents, sections, versions, diffs and snapshots."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from bson import ObjectId

from server import ids
from server.accounts import permissions
from server.accounts.permissions import Action
from server.api.accounts import Organization, User, organization_field, user_field
from server.api.context import Info, selected
from server.api.errors import Errors, Refused, VersionConflict, answer
from server.api.execution import kept
from server.api.node import Node, from_domain, related
from server.approvals.model import OPENABLE_PHASES
from server.drafting import compare as compare_rules
from server.drafting import model as domain
from server.drafting import queries, service
from server.messages import text

if TYPE_CHECKING:
    from server.api.approvals import ApprovalRound
    from server.api.comments import (
        Comment,
        CommentMarker,
        CommentStatus,
        CommentThreads,
        ReaderMarkers,
        SubmissionPreview,
    )
    from server.api.consultations import CommentingWindow, Consultation

Phase = strawberry.enum(domain.Phase, description="Where a document is in its process.")
DocumentKind = strawberry.enum(domain.DocumentKind)


def document_field(document_id: Callable[[Any], ObjectId | None], *, description: str | None = None) -> Any:
    """A field of a type built ``from_domain``: the document whose id ``document_id`` reads off its model."""

    async def document(root: Any, info: Info) -> Document | None:
        return await document_node(info, document_id(root.model))

    return strawberry.field(resolver=document, description=description)


def section_field(section_id: Callable[[Any], ObjectId], *, description: str | None = None) -> Any:
    """A field of a type built ``from_domain``: the section whose id ``section_id`` reads off its model
    (answered at once when the request has loaded that section already)."""

    def section(root: Any, info: Info) -> Section | None | Awaitable[Section | None]:
        return related(info.context.loaders.section, section_id(root.model), Section.of)

    return strawberry.field(resolver=section, description=description)


@strawberry.enum
class DiffKind(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


ChangeKind = strawberry.enum(compare_rules.ChangeKind)


@strawberry.type
class DiffSegment:
    kind: DiffKind
    text: str


@strawberry.type
class SectionDiff:
    from_version: int
    to_version: int
    from_title: str
    to_title: str
    segments: list[DiffSegment]
    html: str = strawberry.field(description="The diff as safe HTML: <ins> and <del> around changed words.")
    readable_html: str = strawberry.field(
        description="The diff of the text as readers see it (no Markdown), paragraph by paragraph, with "
        "<ins> and <del> around changed words and unchanged stretches far from a change left out."
    )

    @classmethod
    async def between(cls, info: Info, old: domain.SectionVersion, new: domain.SectionVersion) -> SectionDiff:
        found = await queries.diff_between(info.context.store, old, new)
        if found is None:
            raise Refused(info.context.text("diff_too_complex"), "DIFF_TOO_COMPLEX")
        return cls(
            from_version=old.number,
            to_version=new.number,
            from_title=old.title,
            to_title=new.title,
            segments=[DiffSegment(kind=DiffKind(s.kind), text=s.text) for s in found.segments],
            html=found.html,
            readable_html=found.readable_html,
        )


@strawberry.type
class SectionVersion(Node):
    model: strawberry.Private[domain.SectionVersion]
    number: int
    title: str
    body: str
    html: str
    created_at: datetime
    summary: str
    base_version: int | None
    merged: bool
    restored_from: int | None

    @classmethod
    def of(cls, v: domain.SectionVersion) -> SectionVersion:
        return from_domain(cls, "SectionVersion", v)

    author: User | None = user_field(lambda version: version.author_id)

    organization: Organization | None = organization_field(lambda version: version.organization_id)

    section: Section | None = section_field(
        lambda version: version.section_id, description="The section this version belongs to."
    )


@strawberry.type
class Section(Node):
    model: strawberry.Private[domain.Section]
    key: str
    title: str
    position: int
    version: int
    body: str
    html: str
    updated_at: datetime
    deleted: bool
    # openCommentCount and updatedBy when a list of sections has read them for all of them
    # (Document.sections): those fields are then answered from these (server.api.execution).
    open_comments: strawberry.Private[int | None] = None
    updated_by_user: strawberry.Private[User | None] = None

    @classmethod
    def of(cls, s: domain.Section, open_comments: int | None = None, updated_by: User | None = None) -> Section:
        return from_domain(cls, "Section", s, open_comments=open_comments, updated_by_user=updated_by)

    updated_by: User | None = user_field(lambda section: section.updated_by, kept_in="updated_by_user")

    @strawberry.field(description="Versions, newest first; page with `before` (a version number).")
    async def versions(self, info: Info, limit: int = 20, before: int | None = None) -> list[SectionVersion]:
        found = await queries.versions(info.context.store, self.model, before=before, limit=limit)
        return [SectionVersion.of(v) for v in found]

    @strawberry.field(description="One version of this section by number.")
    async def version_at(self, info: Info, version: int) -> SectionVersion | None:
        found = await queries.version_at(info.context.store, self.model, version)
        return SectionVersion.of(found) if found else None

    @strawberry.field(
        description="The version sent for consultation, when you comment in the document's open consultation as "
        "a consulted party: the text to read and comment on (null otherwise, and for a section added since)."
    )
    async def consulted_version(self, info: Info) -> SectionVersion | None:
        from server.api.consultations import consulted_version

        found = await consulted_version(info, self.model)
        return SectionVersion.of(found) if found else None

    @strawberry.field(description="Word-level diff between two versions (default: the previous and the current).")
    async def diff(
        self, info: Info, from_: Annotated[int | None, strawberry.argument(name="from")] = None, to: int | None = None
    ) -> SectionDiff | None:
        to_number = to if to is not None else self.model.version
        from_number = from_ if from_ is not None else max(1, to_number - 1)
        found = await queries.versions_at(info.context.store, self.model, from_number, to_number)
        return await SectionDiff.between(info, *found) if found else None

    document: Document | None = document_field(lambda section: section.document_id)

    @strawberry.field(description="Comments you may see, thread starters oldest first (replies under `replies`).")
    async def comments(
        self,
        info: Info,
        status: Annotated[CommentStatus, strawberry.lazy("server.api.comments")] | None = None,  # type: ignore[valid-type]
    ) -> list[Annotated[Comment, strawberry.lazy("server.api.comments")]]:
        from server.api.comments import section_comments

        return await section_comments(info, self.model, status)

    @strawberry.field(
        description="The thread-starting comments you may see, a page at a time (at most 50), with their replies "
        "under `replies`: the threads of `commentMarkers`, oldest first (by id, the order they were written in). "
        "Start the next page `after` the `pageInfo.endCursor` of this one: a thread written meanwhile comes on "
        "the last page, and none is shown twice. Reads only the page's comments."
    )
    async def comment_threads(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: Annotated[CommentStatus, strawberry.lazy("server.api.comments")] | None = None,  # type: ignore[valid-type]
    ) -> Annotated[CommentThreads, strawberry.lazy("server.api.comments")]:
        from server.api.comments import section_threads

        return await section_threads(info, self.model, first, after, status)

    @strawberry.field(
        description="The reader's markers of the thread-starting comments you may see (the same comments as "
        "`comments`, ordered by id): read from one small document per section, none of the comments."
    )
    async def comment_markers(
        self, info: Info
    ) -> list[Annotated[CommentMarker, strawberry.lazy("server.api.comments")]]:
        from server.api.comments import section_markers

        return await section_markers(info, self.model)

    @strawberry.field(
        description="What the reader shows of the thread-starting comments you may see (the same comments as "
        "`commentMarkers`): a lean marker per passage in the text you read, in full only the outdated passages "
        "and the open change proposals."
    )
    async def reader_markers(self, info: Info) -> Annotated[ReaderMarkers, strawberry.lazy("server.api.comments")]:
        from server.api.comments import reader_markers

        return await reader_markers(info, self.model)

    @strawberry.field(
        description="Open comments awaiting a disposition that you may see (your drafts included).",
        metadata=kept("open_comments"),
    )
    async def open_comment_count(self, info: Info) -> int:
        from server.api.comments import open_comment_counts

        return (await open_comment_counts(info, [self.model]))[0]


@strawberry.type(description="A section in the table of contents, as you read it.")
class SectionHeading:
    id: strawberry.ID
    key: str
    title: str = strawberry.field(
        description="The title you read: the one sent for consultation when you read that version as a consulted "
        "party (`Section.consultedVersion`), else the current one."
    )


@strawberry.type
class SectionChange:
    kind: ChangeKind  # type: ignore[valid-type]
    moved: bool
    old: SectionVersion | None
    new: SectionVersion | None
    diff: SectionDiff | None


@strawberry.type
class Snapshot(Node):
    model: strawberry.Private[domain.Snapshot]
    number: int
    label: str
    created_at: datetime
    fingerprint: str = strawberry.field(description="SHA-256 of the frozen text: what exactly was sent or approved.")

    @classmethod
    def of(cls, s: domain.Snapshot) -> Snapshot:
        return from_domain(cls, "Snapshot", s)

    document: Document | None = document_field(lambda snapshot: snapshot.document_id)

    @strawberry.field(description="The frozen versions, in document order.")
    async def sections(self, info: Info) -> list[SectionVersion]:
        return [SectionVersion.of(v) for v in await queries.frozen(info.context.store, self.model)]

    created_by: User | None = user_field(lambda snapshot: snapshot.created_by)

    @strawberry.field(description="What changed from another snapshot of the same document to this one.")
    async def changes_since(self, info: Info, snapshot_id: strawberry.ID) -> list[SectionChange] | None:
        store = info.context.store
        other = await queries.sibling_snapshot(store, self.model, ids.parse(snapshot_id, "Snapshot"))
        if other is None:
            return None
        return await compare_snapshots(
            info, await queries.frozen(store, other), await queries.frozen(store, self.model)
        )


async def compare_snapshots(
    info: Info, old: list[domain.SectionVersion], new: list[domain.SectionVersion]
) -> list[SectionChange]:
    changes = []
    for change in compare_rules.compare(old, new):
        diff = await SectionDiff.between(info, change.old, change.new) if change.old and change.new else None
        changes.append(
            SectionChange(
                kind=change.kind,
                moved=change.moved,
                old=SectionVersion.of(change.old) if change.old else None,
                new=SectionVersion.of(change.new) if change.new else None,
                diff=diff,
            )
        )
    return changes


@strawberry.type
class Milestone:
    title: str
    date: date
    description: str


@strawberry.type
class DocumentSettings:
    direct_submission: bool
    restrict_comment_visibility: bool


@strawberry.type
class DocumentPermissions:
    edit: bool
    comment: bool
    respond: bool
    manage: bool
    snapshot: bool
    run_approval_rounds: bool
    run_consultations: bool
    submit_response: bool = strawberry.field(
        description="Send your organisation's drafts as its response (commenters and approvers)."
    )


@strawberry.type
class Document(Node):
    model: strawberry.Private[domain.Document]
    slug: str
    title: str
    kind: DocumentKind  # type: ignore[valid-type]
    phase: Phase  # type: ignore[valid-type]
    summary: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, d: domain.Document) -> Document:
        return from_domain(cls, "Document", d)

    @strawberry.field(
        description="Sections in order (deleted ones with includeDeleted, for editors; a consulted party of the open "
        "consultation also gets the sections sent to it that were deleted since, marked `deleted`). Page with "
        "`first` (how many) and `after` (the id of the last section of the page before): the sections after that "
        "one as they are ordered now — after where it stood, if it has been deleted since."
    )
    async def sections(
        self, info: Info, include_deleted: bool = False, first: int | None = None, after: strawberry.ID | None = None
    ) -> list[Section]:
        paged = first is not None or after is not None
        size = None if first is None else max(1, first)
        everything = (
            await queries.with_deleted_sections(info.context.store, info.context.actor, self.model)
            if include_deleted
            else None
        )
        if everything is not None:
            found = domain.page_of(everything, await _cursor(info, self.model, after), size) if paged else everything
        elif paged:
            # A page is chosen from the table of contents and only its sections are read.
            headings, cursor = await asyncio.gather(_headings(info, self.model), _cursor(info, self.model, after))
            found = await _sections_at(info, domain.page_of(headings, cursor, size))
        else:
            found = await _read_sections(info, self.model)
        return await sections_of(info, found)

    @strawberry.field(
        description="The table of contents: each of `sections` by id, key and the title you read, in order, worked "
        "out at once for all of them (a long document's reader reads its sections in pages, not its outline)."
    )
    async def headings(self, info: Info) -> list[SectionHeading]:
        return [
            SectionHeading(id=strawberry.ID(ids.encode("Section", h.id)), key=h.key, title=h.title)
            for h in await _headings(info, self.model)
        ]

    @strawberry.field(description="Snapshots, newest first.")
    async def snapshots(self, info: Info) -> list[Snapshot]:
        return [Snapshot.of(s) for s in await info.context.loaders.snapshots.load(self.model.id)]

    @strawberry.field
    async def participants(self, info: Info) -> list[Organization]:
        orgs = await info.context.loaders.organization.load_many(list(self.model.participant_ids))
        return [Organization.of(o) for o in orgs if o is not None]

    @strawberry.field(
        description="The participants with an active approver: the parties a new written procedure asks by "
        "default (for those who may open one; empty for everyone else)."
    )
    async def approver_organizations(self, info: Info) -> list[Organization]:
        wanted = await queries.approver_organizations(info.context.store, info.context.actor, self.model)
        orgs = await info.context.loaders.organization.load_many(wanted)
        return [Organization.of(o) for o in orgs if o is not None]

    @strawberry.field(
        description="Why no written procedure can be opened on the document now, in words; null when one can."
    )
    async def approval_round_blocker(self, info: Info) -> str | None:
        from server.api.consultations import open_consultation

        if self.model.phase not in OPENABLE_PHASES:
            return text("round_phase", info.context.language, phase=self.model.phase.value)
        if await open_consultation(info, self.model) is not None:
            return text("round_consultation_open", info.context.language)
        return None

    @strawberry.field
    def milestones(self) -> list[Milestone]:
        return [Milestone(title=m.title, date=m.date, description=m.description) for m in self.model.milestones]

    @strawberry.field
    def settings(self) -> DocumentSettings:
        s = self.model.settings
        return DocumentSettings(
            direct_submission=s.direct_submission, restrict_comment_visibility=s.restrict_comment_visibility
        )

    @strawberry.field(description="The snapshot approved in written process, if any.")
    async def approved_snapshot(self, info: Info) -> Snapshot | None:
        found = await queries.snapshot_of(info.context.store, self.model.approved_snapshot_id)
        return Snapshot.of(found) if found else None

    @strawberry.field(description="Approval rounds (skriftlig proces) on this document's snapshots, newest first.")
    async def approval_rounds(
        self, info: Info
    ) -> list[Annotated[ApprovalRound, strawberry.lazy("server.api.approvals")]]:
        from server.api.approvals import document_rounds

        return await document_rounds(info, self.model)

    @strawberry.field(description="Consultations (høringer) on this document's snapshots, newest first.")
    async def consultations(
        self, info: Info
    ) -> list[Annotated[Consultation, strawberry.lazy("server.api.consultations")]]:
        from server.api.consultations import document_consultations

        return await document_consultations(info, self.model)

    @strawberry.field(description="The open consultation, else the newest one; null when there has been none.")
    async def consultation(
        self, info: Info
    ) -> Annotated[Consultation, strawberry.lazy("server.api.consultations")] | None:
        from server.api.consultations import document_consultation

        return await document_consultation(info, self.model)

    @strawberry.field(
        description="Whether the signed-in user may comment now, and until or since when, in words: for the "
        "reader's notice (commenting follows the document's consultation once it has had one)."
    )
    async def commenting(self, info: Info) -> Annotated[CommentingWindow, strawberry.lazy("server.api.consultations")]:
        from server.api.consultations import commenting_window

        return await commenting_window(info, self.model)

    @strawberry.field(description="What the signed-in user may do here (for the UI; the server checks again).")
    async def viewer_can(self, info: Info) -> DocumentPermissions:
        from server.api.consultations import comment_scope

        actor = info.context.actor
        scope = service.scope_of(self.model)
        commenting = await comment_scope(info, self.model)

        def can(action: Action) -> bool:
            return permissions.check(actor, action, scope) is None

        return DocumentPermissions(
            edit=can(Action.EDIT_SECTIONS),
            comment=permissions.check(actor, Action.COMMENT, commenting) is None,
            respond=can(Action.RESPOND_TO_COMMENT),
            manage=can(Action.MANAGE_DOCUMENT),
            snapshot=can(Action.CREATE_SNAPSHOT),
            run_approval_rounds=can(Action.RUN_APPROVAL_ROUND),
            run_consultations=can(Action.RUN_CONSULTATION),
            submit_response=actor is not None
            and permissions.check(
                actor, Action.SUBMIT_RESPONSE, replace(commenting, organization_id=actor.organization_id)
            )
            is None,
        )

    @strawberry.field(
        description="What submitting your organisation's drafts would send now (null when you may not read it)."
    )
    async def submission_preview(
        self, info: Info
    ) -> Annotated[SubmissionPreview, strawberry.lazy("server.api.comments")] | None:
        from server.api.comments import submission_preview

        return await submission_preview(info, self.model)


async def _read_sections(info: Info, document: domain.Document) -> list[domain.Section]:
    """The sections the reader reads, in order: the document's, with those sent to a consulted party and deleted
    since."""
    from server.api.consultations import with_sections_deleted_since_sent

    current = await info.context.loaders.sections.load(document.id)
    return await with_sections_deleted_since_sent(info, document.id, current)


async def _headings(info: Info, document: domain.Document) -> list[domain.SectionHeading]:
    """The table of contents the reader reads, as kept (none of the sections is read): the document's, or as sent
    to a consulted party (``domain.headings_as_sent``)."""
    from server.api.consultations import consulted_snapshot

    live, sent = await asyncio.gather(
        info.context.loaders.headings.load(document.id), consulted_snapshot(info, document.id)
    )
    return domain.headings_as_sent(live, sent.entries) if sent else live


async def _sections_at(info: Info, headings: list[domain.SectionHeading]) -> list[domain.Section]:
    """The sections of ``headings``, read by id. A section deleted (or brought back) while its document's headings
    were being kept again is left out until they are."""
    found = await info.context.loaders.section.load_many([h.id for h in headings])
    return [
        replace(s, position=h.position) if h.deleted else s
        for h, s in zip(headings, found, strict=True)
        if s is not None and s.deleted == h.deleted
    ]


async def _cursor(info: Info, document: domain.Document, after: str | None) -> domain.Section | None:
    """The section a page starts after (None: from the start); refused when it is no section of ``document``."""
    if after is None:
        return None
    section_id = ids.parse(after, "Section")
    cursor = await info.context.loaders.section.load(section_id) if section_id else None
    if cursor is None or cursor.document_id != document.id:
        raise Refused(info.context.text("page_cursor_unknown"), "BAD_CURSOR")
    return cursor


async def sections_of(info: Info, sections: list[domain.Section]) -> list[Section]:
    """``sections`` for a list of them: what the query asks of each that would be read section by
    section (who saved it, its open comments) is read for all of them at once first, so that each
    section answers it at once — an awaited field costs graphql-core a task per section."""
    from server.api.comments import open_comment_counts

    wanted = selected(info)
    counts: list[int | None] = [None] * len(sections)
    users: dict[ObjectId, User] = {}

    async def count() -> None:
        if "openCommentCount" in wanted:
            counts[:] = await open_comment_counts(info, sections)

    async def saved_by() -> None:
        if "updatedBy" in wanted:
            found = await info.context.loaders.user.load_many(list({s.updated_by for s in sections if s.updated_by}))
            users.update((u.id, User.of(u)) for u in found if u is not None)  # one object per user, not per section

    await asyncio.gather(count(), saved_by())
    return [
        Section.of(s, open_comments=n, updated_by=users.get(s.updated_by) if s.updated_by else None)
        for s, n in zip(sections, counts, strict=True)
    ]


async def document_node(info: Info, document_id: ObjectId | None) -> Document | None:
    """The document a field refers to; None when there is none (or it is gone)."""
    document = await info.context.loaders.document.load(document_id) if document_id else None
    return Document.of(document) if document else None


@strawberry.type
class DraftingQuery:
    @strawberry.field(description="The documents the signed-in user may read.")
    async def documents(self, info: Info) -> list[Document]:
        return [Document.of(d) for d in await queries.documents(info.context.store, info.context.actor)]

    @strawberry.field(description="A document by slug or id.")
    async def document(self, info: Info, slug: str | None = None, id: strawberry.ID | None = None) -> Document | None:
        if id is not None:
            oid = ids.parse(id, "Document")
            found = await queries.document(info.context.store, info.context.actor, document_id=oid) if oid else None
        else:
            found = await queries.document(info.context.store, info.context.actor, slug=slug)
        if found is None:
            return None
        info.context.loaders.remember(found)  # what hangs below it asks for it again
        return Document.of(found)


# Mutations


@strawberry.type
class DocumentCreated:
    document: Document


@strawberry.type
class SectionAdded:
    section: Section


@strawberry.type
class SectionSaved:
    section: Section
    version: SectionVersion
    merged: bool = strawberry.field(description="True when your edit was merged with a colleague's newer one.")
    changed: bool = strawberry.field(description="False when the text was unchanged and no version was written.")
    merged_from_colleague: list[str] = strawberry.field(
        description="When merged: the opening words of each paragraph or item of the saved text that holds the "
        "colleague's newer changes, so that the editor can check what was combined."
    )


@strawberry.type
class SectionMoved:
    section: Section


@strawberry.type
class SectionDeleted:
    section: Section


@strawberry.type
class SectionRestored:
    section: Section


@strawberry.type
class SnapshotCreated:
    snapshot: Snapshot


@strawberry.type
class DocumentPhaseChanged:
    document: Document


@strawberry.type
class ParticipantsChanged:
    document: Document


CreateDocumentResult = Annotated[DocumentCreated | Errors, strawberry.union("CreateDocumentResult")]
AddSectionResult = Annotated[SectionAdded | Errors, strawberry.union("AddSectionResult")]
SaveSectionResult = Annotated[SectionSaved | VersionConflict | Errors, strawberry.union("SaveSectionResult")]
MoveSectionResult = Annotated[SectionMoved | Errors, strawberry.union("MoveSectionResult")]
DeleteSectionResult = Annotated[SectionDeleted | Errors, strawberry.union("DeleteSectionResult")]
RestoreSectionResult = Annotated[SectionRestored | Errors, strawberry.union("RestoreSectionResult")]
RestoreSectionVersionResult = Annotated[
    SectionSaved | VersionConflict | Errors, strawberry.union("RestoreSectionVersionResult")
]
CreateSnapshotResult = Annotated[SnapshotCreated | Errors, strawberry.union("CreateSnapshotResult")]
SetDocumentPhaseResult = Annotated[DocumentPhaseChanged | Errors, strawberry.union("SetDocumentPhaseResult")]
ChangeParticipantsResult = Annotated[ParticipantsChanged | Errors, strawberry.union("ChangeParticipantsResult")]


@strawberry.input
class CreateDocumentInput:
    title: str
    kind: DocumentKind  # type: ignore[valid-type]
    slug: str | None = None
    summary: str = ""
    participant_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class AddSectionInput:
    document_id: strawberry.ID
    title: str
    body: str = ""
    position: int | None = None


@strawberry.input
class SaveSectionInput:
    section_id: strawberry.ID
    base_version: int
    title: str
    body: str
    summary: str = ""


@strawberry.input
class MoveSectionInput:
    section_id: strawberry.ID
    position: int


@strawberry.input
class DeleteSectionInput:
    section_id: strawberry.ID


@strawberry.input
class RestoreSectionInput:
    section_id: strawberry.ID


@strawberry.input
class RestoreSectionVersionInput:
    section_id: strawberry.ID
    version: int


@strawberry.input
class CreateSnapshotInput:
    document_id: strawberry.ID
    label: str = ""


@strawberry.input
class SetDocumentPhaseInput:
    document_id: strawberry.ID
    phase: Phase  # type: ignore[valid-type]


@strawberry.input
class ChangeParticipantInput:
    document_id: strawberry.ID
    organization_id: strawberry.ID


P = TypeVar("P")


def _saved(result: service.Saved) -> SectionSaved:
    return SectionSaved(
        section=Section.of(result.section),
        version=SectionVersion.of(result.version),
        merged=result.merged,
        changed=result.changed,
        merged_from_colleague=list(result.from_colleague),
    )


@strawberry.type
class DraftingMutation:
    @strawberry.mutation(description="Create a document (secretariat); the secretariat's organisation participates.")
    async def create_document(self, info: Info, input: CreateDocumentInput) -> CreateDocumentResult:
        ctx = info.context
        result = await service.create_document(
            ctx.store,
            ctx.caller(),
            input.title,
            input.slug,
            input.kind,
            input.summary,
            [ids.parse(i, "Organization") for i in input.participant_ids],
        )
        return answer(result, ctx, lambda r: DocumentCreated(document=Document.of(r)))

    @strawberry.mutation
    async def add_section(self, info: Info, input: AddSectionInput) -> AddSectionResult:
        ctx = info.context
        result = await service.add_section(
            ctx.store, ctx.caller(), ids.parse(input.document_id, "Document"), input.title, input.body, input.position
        )
        return answer(result, ctx, lambda r: SectionAdded(section=Section.of(r)))

    @strawberry.mutation(description="Save a section from `baseVersion`; merges or returns VersionConflict.")
    async def save_section(self, info: Info, input: SaveSectionInput) -> SaveSectionResult:
        ctx = info.context
        result = await service.save_section(
            ctx.store,
            ctx.caller(),
            ids.parse(input.section_id, "Section"),
            input.base_version,
            input.title,
            input.body,
            input.summary,
        )
        return answer(result, ctx, _saved)

    @strawberry.mutation
    async def move_section(self, info: Info, input: MoveSectionInput) -> MoveSectionResult:
        ctx = info.context
        result = await service.move_section(
            ctx.store, ctx.caller(), ids.parse(input.section_id, "Section"), input.position
        )
        return answer(result, ctx, lambda r: SectionMoved(section=Section.of(r)))

    @strawberry.mutation(description="Soft delete: the section and its history stay and can be restored.")
    async def delete_section(self, info: Info, input: DeleteSectionInput) -> DeleteSectionResult:
        return await _set_section_deleted(info, input.section_id, True, then=SectionDeleted)

    @strawberry.mutation(description="Bring back a deleted section.")
    async def restore_section(self, info: Info, input: RestoreSectionInput) -> RestoreSectionResult:
        return await _set_section_deleted(info, input.section_id, False, then=SectionRestored)

    @strawberry.mutation(description="Write an earlier version's text as a new version.")
    async def restore_section_version(
        self, info: Info, input: RestoreSectionVersionInput
    ) -> RestoreSectionVersionResult:
        ctx = info.context
        result = await service.restore_version(
            ctx.store, ctx.caller(), ids.parse(input.section_id, "Section"), input.version
        )
        return answer(result, ctx, _saved)

    @strawberry.mutation(description="Freeze every section's current version as a numbered snapshot.")
    async def create_snapshot(self, info: Info, input: CreateSnapshotInput) -> CreateSnapshotResult:
        ctx = info.context
        result = await service.create_snapshot(
            ctx.store, ctx.caller(), ids.parse(input.document_id, "Document"), input.label
        )
        return answer(result, ctx, lambda r: SnapshotCreated(snapshot=Snapshot.of(r)))

    @strawberry.mutation
    async def set_document_phase(self, info: Info, input: SetDocumentPhaseInput) -> SetDocumentPhaseResult:
        ctx = info.context
        result = await service.set_phase(ctx.store, ctx.caller(), ids.parse(input.document_id, "Document"), input.phase)
        return answer(result, ctx, lambda r: DocumentPhaseChanged(document=Document.of(r)))

    @strawberry.mutation
    async def add_participant(self, info: Info, input: ChangeParticipantInput) -> ChangeParticipantsResult:
        return await _change_participant(info, input, add=True)

    @strawberry.mutation
    async def remove_participant(self, info: Info, input: ChangeParticipantInput) -> ChangeParticipantsResult:
        return await _change_participant(info, input, add=False)


async def _set_section_deleted(
    info: Info, section_id: strawberry.ID, deleted: bool, *, then: Callable[..., P]
) -> P | Errors:
    """Delete or restore a section: ``then`` holding it as it is now."""
    ctx = info.context
    result = await service.set_section_deleted(ctx.store, ctx.caller(), ids.parse(section_id, "Section"), deleted)
    return answer(result, ctx, lambda section: then(section=Section.of(section)))


async def _change_participant(info: Info, input: ChangeParticipantInput, *, add: bool) -> ChangeParticipantsResult:
    ctx = info.context
    result = await service.change_participant(
        ctx.store,
        ctx.caller(),
        ids.parse(input.document_id, "Document"),
        ids.parse(input.organization_id, "Organization"),
        add=add,
    )
    return answer(result, ctx, lambda r: ParticipantsChanged(document=Document.of(r)))
