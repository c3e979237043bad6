"""GraphQL for consultations (høringer): the consultation, its høringsliste, and its workflows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
from bson import ObjectId

from server import ids
from server.accounts import permissions
from server.accounts.model import Actor
from server.accounts.permissions import Action, Scope
from server.api.accounts import Organization, User, organization_field, user_field
from server.api.context import Info
from server.api.deadlines import Extension, local, may_act_for, snapshot_field
from server.api.drafting import Document, Snapshot, document_field
from server.api.errors import Errors, run_workflow
from server.api.node import Node, from_domain, from_model
from server.comments.model import STEERING
from server.consultations import model as domain
from server.consultations import queries, service
from server.drafting import model as drafting_model
from server.drafting import queries as drafting_queries
from server.drafting.service import scope_of
from server.outcomes import Failure

if TYPE_CHECKING:
    from server.api.reports import ConsultationReport

ConsultationState = strawberry.enum(domain.ConsultationState, name="ConsultationState")
ConsultationPartyStatus = strawberry.enum(
    domain.PartyStatus,
    name="ConsultationPartyStatus",
    description="A consulted party's status. A party still INVITED or DRAFTING when the consultation closed "
    "gave no response (`noResponse`).",
)
ConsultationCloseCause = strawberry.enum(domain.CloseCause, name="ConsultationCloseCause")


@strawberry.type(description="A consulted organisation on the høringsliste, with its status.")
class ConsultationParty:
    model: strawberry.Private[domain.PartyView]
    status: ConsultationPartyStatus  # type: ignore[valid-type]
    responded_at: datetime | None
    late: bool = strawberry.field(description="Responded after the deadline (late responses accepted).")
    no_response: bool = strawberry.field(description="The consultation closed without an answer from the party.")
    answers_published: bool = strawberry.field(
        description="The steering group's answers to this party's comments are published."
    )

    @classmethod
    def of(cls, view: domain.PartyView, published: bool) -> ConsultationParty:
        responded_at = local(view.responded_at) if view.responded_at else None
        return from_model(cls, view, responded_at=responded_at, answers_published=published)

    organization: Organization | None = organization_field(lambda view: view.organization_id)


@strawberry.type
class ConsultationExtension(Extension):
    """A consultation's deadline extension (who extended it is not shown)."""


@strawberry.type
class ConsultationPermissions:
    manage: bool = strawberry.field(description="May extend, close and publish answers (secretariat).")
    respond_for: list[Organization] = strawberry.field(
        description="The consulted parties the viewer may answer for now (an open consultation, no answer yet)."
    )


@strawberry.type(description="A consultation (høring) on one snapshot of a document.")
class Consultation(Node):
    model: strawberry.Private[domain.Consultation]
    number: int = strawberry.field(description="1, 2, 3, … per document, in the order they were opened.")
    deadline: datetime = strawberry.field(description="The høringsfrist, in Europe/Copenhagen time with its offset.")
    state: ConsultationState  # type: ignore[valid-type]
    letter: str = strawberry.field(description="The høringsbrev, as Markdown.")
    letter_html: str = strawberry.field(description="The høringsbrev, rendered safely.")
    accept_late: bool = strawberry.field(
        description="Responses after the deadline are accepted (marked late); the consultation then stays open "
        "until the secretariat closes it."
    )
    opened_at: datetime
    closed_at: datetime | None
    close_cause: ConsultationCloseCause | None  # type: ignore[valid-type]

    @classmethod
    def of(cls, c: domain.Consultation) -> Consultation:
        closure = c.closure
        return from_domain(
            cls,
            "Consultation",
            c,
            deadline=local(c.deadline),
            opened_at=local(c.opened_at),
            closed_at=local(closure.at) if closure else None,
            close_cause=closure.cause if closure else None,
        )

    snapshot: Snapshot | None = snapshot_field(
        description="The snapshot consulted on: exactly the text the parties comment on."
    )
    document: Document | None = document_field(lambda consultation: consultation.document_id)
    opened_by: User | None = user_field(lambda consultation: consultation.opened_by)

    @strawberry.field(description="The høringsliste: the consulted organisations in order, with their status.")
    async def parties(self, info: Info) -> list[ConsultationParty]:
        loaders = info.context.loaders
        # Both asked for before either is awaited, as in viewerCan: one batch for every consultation listed.
        answers = loaders.consultation_responses.load(self.model.id)
        published = await loaders.published_answers.load(self.model.id)
        views = domain.party_views(self.model, await answers)
        return [ConsultationParty.of(v, v.organization_id in published) for v in views]

    @strawberry.field
    def extensions(self) -> list[ConsultationExtension]:
        return [ConsultationExtension.of(e) for e in self.model.extensions]

    @strawberry.field(description="The høringsnotat of this consultation, as you may see it.")
    async def report(self, info: Info) -> Annotated[ConsultationReport, strawberry.lazy("server.api.reports")] | None:
        from server.api.reports import consultation_report_of

        return await consultation_report_of(info, self.model.id)

    @strawberry.field(description="What the signed-in user may do here (for the UI; the server checks again).")
    async def viewer_can(self, info: Info) -> ConsultationPermissions:
        # Asked for at once, with Consultation.parties: one batch for every consultation listed.
        answers = info.context.loaders.consultation_responses.load(self.model.id)
        document = await info.context.loaders.document.load(self.model.document_id)
        actor = info.context.actor
        if document is None or actor is None:
            return ConsultationPermissions(manage=False, respond_for=[])
        manage = permissions.check(actor, Action.RUN_CONSULTATION, scope_of(document)) is None
        if not self.model.is_open:
            return ConsultationPermissions(manage=manage, respond_for=[])
        answered = (await answers).answered
        action = Action.RESPOND_TO_CONSULTATION
        respond_for = await may_act_for(info, document, action, self.model.organization_ids, leaving_out=answered)
        return ConsultationPermissions(manage=manage, respond_for=respond_for)


async def consultation_node(info: Info, consultation_id: ObjectId | None) -> Consultation | None:
    """A consultation, settled, when the signed-in user may read its document (``node``, ``consultation``)."""
    ctx = info.context
    found = await service.readable_consultation(ctx.store, ctx.caller(), consultation_id)
    return Consultation.of(found[1]) if isinstance(found, tuple) else None


async def document_consultations(info: Info, document: drafting_model.Document) -> list[Consultation]:
    """A readable document's consultations, newest first, each settled."""
    ctx = info.context
    found = await ctx.loaders.consultations.load(document.id)
    now = ctx.clock.now()
    return [Consultation.of(await service.settle(ctx.store, c, now)) for c in found]


async def document_consultation(info: Info, document: drafting_model.Document) -> Consultation | None:
    """The document's open consultation, else its newest one."""
    found = await document_consultations(info, document)
    return next((c for c in found if c.model.is_open), found[0] if found else None)


async def _current(info: Info, document: drafting_model.Document) -> domain.Consultation | None:
    """The document's open consultation, else its newest one, as of now (read, not written)."""
    return queries.current(await info.context.loaders.consultations.load(document.id), info.context.clock.now())


async def open_consultation(info: Info, document: drafting_model.Document) -> domain.Consultation | None:
    """The document's open consultation as of now, if any."""
    current = await _current(info, document)
    return current if current is not None and current.is_open else None


async def comment_scope(info: Info, document: drafting_model.Document) -> Scope:
    """The permission scope of commenting on the document (``Document.viewerCan.comment``)."""
    return queries.comment_scope(document, await _current(info, document))


@strawberry.type(description="Whether the signed-in user may comment on the document now, and why (not).")
class CommentingWindow:
    open: bool = strawberry.field(description="The viewer may comment now (as `Document.viewerCan.comment`).")
    until: datetime | None = strawberry.field(
        description="The consultation's deadline, when the viewer comments in an open consultation."
    )
    closed_since: datetime | None = strawberry.field(description="When the document's last consultation closed.")
    counts_as_response: bool = strawberry.field(
        description="The viewer's comments now are part of their organisation's consultation response."
    )
    message: str | None = strawberry.field(
        description="What to tell the viewer, in the request's language; null when there is nothing to say."
    )
    consultation_id: strawberry.Private[ObjectId | None]
    snapshot_id: strawberry.Private[ObjectId | None]

    @strawberry.field(description="The document's open consultation, else its newest one.")
    async def consultation(self, info: Info) -> Consultation | None:
        return await consultation_node(info, self.consultation_id) if self.consultation_id else None

    @strawberry.field(description="The snapshot to comment on, when the viewer comments in an open consultation.")
    async def snapshot(self, info: Info) -> Snapshot | None:
        found = await drafting_queries.snapshot_of(info.context.store, self.snapshot_id)
        return Snapshot.of(found) if found else None


def _comments_as_party(
    actor: Actor | None, document: drafting_model.Document, consultation: domain.Consultation | None
) -> bool:
    """The viewer comments now as a consulted party: on the open consultation's snapshot."""
    if actor is None or consultation is None or not consultation.is_open or actor.roles & STEERING:
        return False
    return permissions.check(actor, Action.COMMENT, queries.comment_scope(document, consultation)) is None


async def consulted_snapshot_id(info: Info, document: drafting_model.Document) -> ObjectId | None:
    """The snapshot the viewer comments on as a consulted party in the open consultation, else None."""
    actor = info.context.actor
    if actor is None or actor.roles & STEERING:
        return None  # never a consulted party (``_comments_as_party``): no need to read the consultations
    consultation = await _current(info, document)
    if consultation is None or not _comments_as_party(info.context.actor, document, consultation):
        return None
    return consultation.snapshot_id


async def consulted_snapshot(info: Info, document_id: ObjectId) -> drafting_model.Snapshot | None:
    """The snapshot the viewer reads and comments on as a consulted party in the open consultation, else None."""
    loaders = info.context.loaders
    document = await loaders.document.load(document_id)
    snapshot_id = await consulted_snapshot_id(info, document) if document else None
    if snapshot_id is None:
        return None
    return next((s for s in await loaders.snapshots.load(document_id) if s.id == snapshot_id), None)


async def consulted_version(info: Info, section: drafting_model.Section) -> drafting_model.SectionVersion | None:
    """The version of ``section`` sent for consultation, when the viewer reads it as a consulted party
    (``Section.consultedVersion``); None otherwise, and for a section added since. The version loader
    batches the lookups of a page of sections."""
    snapshot = await consulted_snapshot(info, section.document_id)
    sent = next((e.version for e in snapshot.entries if e.section_id == section.id), None) if snapshot else None
    return None if sent is None else await info.context.loaders.version.load((section.id, sent))


async def with_sections_deleted_since_sent(
    info: Info, document_id: ObjectId, sections: list[drafting_model.Section]
) -> list[drafting_model.Section]:
    """``sections`` (the document's, in order) with the sections of the consulted snapshot that the steering
    group has deleted since, in their place (``with_sent_in_place``), for the viewer reading it as a consulted
    party: they were sent out, so the party still reads and comments on them."""
    snapshot = await consulted_snapshot(info, document_id)
    present = {s.id for s in sections}
    missing = [e.section_id for e in snapshot.entries if e.section_id not in present] if snapshot else []
    if snapshot is None or not missing:
        return sections
    gone = {s.id: s for s in await info.context.loaders.section.load_many(missing) if s is not None and s.deleted}
    return drafting_model.with_sent_in_place(sections, snapshot.entries, gone)


async def commenting_window(info: Info, document: drafting_model.Document) -> CommentingWindow:
    ctx = info.context
    consultation = await _current(info, document)
    actor = ctx.actor
    refusal = permissions.check(actor, Action.COMMENT, queries.comment_scope(document, consultation))
    steering = actor is not None and bool(actor.roles & STEERING)
    party = _comments_as_party(actor, document, consultation)
    closed_at = consultation.closed_at if consultation else None
    if refusal is not None:
        message: str | None = ctx.text(refusal.key, **refusal.params) if actor is not None else None
    elif party and consultation is not None:
        late = consultation.accept_late and ctx.clock.now() >= consultation.deadline
        key = "commenting_open_late" if late else "commenting_open_until"
        message = ctx.text(key, deadline=consultation.deadline)
    elif steering and consultation is not None:
        message = ctx.text("commenting_steering")
    else:
        message = None
    return CommentingWindow(
        open=refusal is None,
        until=local(consultation.deadline) if party and consultation else None,
        closed_since=local(closed_at) if closed_at else None,
        counts_as_response=party,
        message=message,
        consultation_id=consultation.id if consultation else None,
        snapshot_id=consultation.snapshot_id if party and consultation else None,
    )


@strawberry.type
class ConsultationsQuery:
    @strawberry.field(description="A consultation by id, when you may read its document.")
    async def consultation(self, info: Info, id: strawberry.ID) -> Consultation | None:
        return await consultation_node(info, ids.parse(id, "Consultation"))


# Mutations


@strawberry.type
class ConsultationOpened:
    consultation: Consultation


@strawberry.type
class ConsultationExtended:
    consultation: Consultation


@strawberry.type
class ConsultationClosed:
    consultation: Consultation


@strawberry.type(description="The party's answer is recorded (ingen bemærkninger, or declined).")
class ConsultationAnswered:
    consultation: Consultation


@strawberry.type
class AnswersPublished:
    consultation: Consultation
    organization_ids: strawberry.Private[list[ObjectId]]

    @strawberry.field(description="The parties whose answers were published now.")
    async def organizations(self, info: Info) -> list[Organization]:
        orgs = await info.context.loaders.organization.load_many(self.organization_ids)
        return [Organization.of(o) for o in orgs if o]


P = TypeVar("P")
OpenConsultationResult = Annotated[ConsultationOpened | Errors, strawberry.union("OpenConsultationResult")]
ExtendConsultationResult = Annotated[ConsultationExtended | Errors, strawberry.union("ExtendConsultationResult")]
CloseConsultationResult = Annotated[ConsultationClosed | Errors, strawberry.union("CloseConsultationResult")]
RespondNoRemarksResult = Annotated[ConsultationAnswered | Errors, strawberry.union("RespondNoRemarksResult")]
DeclineConsultationResult = Annotated[ConsultationAnswered | Errors, strawberry.union("DeclineConsultationResult")]
PublishAnswersResult = Annotated[AnswersPublished | Errors, strawberry.union("PublishAnswersResult")]


@strawberry.input
class OpenConsultationInput:
    snapshot_id: strawberry.ID
    deadline: datetime = strawberry.field(description="The høringsfrist; without a UTC offset, a Copenhagen time.")
    organization_ids: list[strawberry.ID] = strawberry.field(description="The høringsliste, in order.")
    letter: str = strawberry.field(description="The høringsbrev, as Markdown.")
    accept_late: bool = False


@strawberry.input
class ExtendConsultationInput:
    consultation_id: strawberry.ID
    deadline: datetime = strawberry.field(description="Without a UTC offset, a Europe/Copenhagen time.")
    reason: str = ""


@strawberry.input
class CloseConsultationInput:
    consultation_id: strawberry.ID


@strawberry.input
class ConsultationPartyInput:
    consultation_id: strawberry.ID
    organization_id: strawberry.ID = strawberry.field(description="Your own organisation.")


@strawberry.input
class PublishAnswersInput:
    consultation_id: strawberry.ID
    organization_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The parties whose answers to publish; all not yet published when left out."
    )


def _with_consultation(payload: Callable[..., P]) -> Callable[[domain.Consultation], P]:
    """A mutation's success: ``payload`` holding the consultation as it is now."""
    return lambda consultation: payload(consultation=Consultation.of(consultation))


async def _on_consultation(
    info: Info,
    workflow: Callable[..., Awaitable[domain.Consultation | Failure]],
    consultation_id: strawberry.ID,
    *args: object,
    then: Callable[..., P],
) -> P | Errors:
    """``workflow`` run on the consultation ``consultation_id`` names, answered with ``then`` holding the
    consultation as it is now."""
    return await run_workflow(
        info, workflow, ids.parse(consultation_id, "Consultation"), *args, then=_with_consultation(then)
    )


def _published(found: tuple[domain.Consultation, list[domain.Publication]]) -> AnswersPublished:
    consultation, publications = found
    return AnswersPublished(
        consultation=Consultation.of(consultation), organization_ids=[p.organization_id for p in publications]
    )


async def _answer(
    info: Info, input: ConsultationPartyInput, kind: domain.ResponseKind
) -> ConsultationAnswered | Errors:
    """A party's answer in one action, for the organisation the input names."""
    organization_id = ids.parse(input.organization_id, "Organization")
    return await _on_consultation(
        info, service.answer, input.consultation_id, organization_id, kind, then=ConsultationAnswered
    )


@strawberry.type
class ConsultationsMutation:
    @strawberry.mutation(description="Send a snapshot for consultation (secretariat).")
    async def open_consultation(self, info: Info, input: OpenConsultationInput) -> OpenConsultationResult:
        return await run_workflow(
            info,
            service.open_consultation,
            ids.parse(input.snapshot_id, "Snapshot"),
            input.deadline,
            [ids.parse(o, "Organization") for o in input.organization_ids],
            input.letter,
            input.accept_late,
            then=_with_consultation(ConsultationOpened),
        )

    @strawberry.mutation(description="Move an open consultation's deadline later (secretariat).")
    async def extend_consultation(self, info: Info, input: ExtendConsultationInput) -> ExtendConsultationResult:
        return await _on_consultation(
            info,
            service.extend_consultation,
            input.consultation_id,
            input.deadline,
            input.reason,
            then=ConsultationExtended,
        )

    @strawberry.mutation(description="Close an open consultation (secretariat).")
    async def close_consultation(self, info: Info, input: CloseConsultationInput) -> CloseConsultationResult:
        return await _on_consultation(info, service.close_consultation, input.consultation_id, then=ConsultationClosed)

    @strawberry.mutation(description="Answer “ingen bemærkninger” for your organisation (commenters and approvers).")
    async def respond_no_remarks(self, info: Info, input: ConsultationPartyInput) -> RespondNoRemarksResult:
        return await _answer(info, input, domain.ResponseKind.NO_REMARKS)

    @strawberry.mutation(description="Decline to respond for your organisation (commenters and approvers).")
    async def decline_consultation(self, info: Info, input: ConsultationPartyInput) -> DeclineConsultationResult:
        return await _answer(info, input, domain.ResponseKind.DECLINED)

    @strawberry.mutation(
        description="Publish the steering group's answers to the parties (secretariat): all, or per organisation."
    )
    async def publish_answers(self, info: Info, input: PublishAnswersInput) -> PublishAnswersResult:
        named = input.organization_ids
        chosen = None if named is None else [ids.parse(o, "Organization") for o in named]
        return await run_workflow(
            info, service.publish_answers, ids.parse(input.consultation_id, "Consultation"), chosen, then=_published
        )
