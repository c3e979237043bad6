"""GraphQL for approval rounds (skriftlig proces): the round, its parties, decisions and record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import strawberry
from bson import ObjectId

from server import ids
from server.accounts import permissions
from server.accounts.permissions import Action
from server.api.accounts import Organization, User, organization_field, user_field
from server.api.context import Info
from server.api.deadlines import Extension, local, may_act_for, snapshot_field
from server.api.drafting import (
    ChangeKind,
    Document,
    Section,
    SectionChange,
    Snapshot,
    compare_snapshots,
    document_field,
)
from server.api.errors import Errors, run_workflow
from server.api.node import Node, from_domain, from_model
from server.approvals import model as domain
from server.approvals import record, service
from server.drafting import model as drafting_model
from server.drafting import queries as drafting_queries
from server.drafting.service import scope_of
from server.outcomes import Failure

ApprovalDecision = strawberry.enum(domain.Decision, name="ApprovalDecision", description="A party's decision.")
ApprovalRoundState = strawberry.enum(domain.RoundState, name="ApprovalRoundState")
ApprovalCloseCause = strawberry.enum(domain.Cause, name="ApprovalCloseCause", description="Why a round closed.")
ApprovalReasonKind = strawberry.enum(
    domain.ReasonKind, name="ApprovalReasonKind", description="Why a party kept a round from being approved."
)


async def _internal_note(info: Info, document_id: ObjectId, entry: domain.DecisionEntry | None) -> str | None:
    """A decision's internal note, for the deciding party's own organisation only; null for everyone else."""
    if entry is None:
        return None
    document = await info.context.loaders.document.load(document_id)
    if document is None:
        return None
    refusal = permissions.check(
        info.context.actor, Action.READ_INTERNAL_NOTE, scope_of(document, entry.organization_id)
    )
    return entry.internal_note if refusal is None else None


_INTERNAL_NOTE = (
    "The party's internal note (e.g. its board's handling): shown to the party's own organisation only, "
    "null for everyone else; never in the record, events or exports."
)


@strawberry.type(description="One decision as recorded. A changed decision is a new one; none is ever rewritten.")
class RecordedDecision:
    model: strawberry.Private[domain.DecisionEntry]
    document_id: strawberry.Private[ObjectId]
    decision: ApprovalDecision  # type: ignore[valid-type]
    remarks: str = strawberry.field(description="For the record: seen by every party and printed.")
    decided_at: datetime

    @classmethod
    def of(cls, entry: domain.DecisionEntry, document_id: ObjectId) -> RecordedDecision:
        return from_model(cls, entry, document_id=document_id, decided_at=local(entry.at))

    @strawberry.field(description=_INTERNAL_NOTE)
    async def internal_note(self, info: Info) -> str | None:
        return await _internal_note(info, self.document_id, self.model)

    organization: Organization | None = organization_field(lambda entry: entry.organization_id)
    decided_by: User | None = user_field(lambda entry: entry.by)

    @strawberry.field(description="The sections the remarks or objection point at.")
    async def sections(self, info: Info) -> list[Section]:
        found = await info.context.loaders.section.load_many(list(self.model.section_ids))
        return [Section.of(s) for s in found if s is not None]


@strawberry.type(description="A party marking itself as awaiting its own board, or no longer.")
class BoardMark:
    model: strawberry.Private[domain.BoardEntry]
    awaiting: bool
    note: str
    at: datetime

    organization: Organization | None = organization_field(lambda mark: mark.organization_id)
    by: User | None = user_field(lambda mark: mark.by)


@strawberry.type
class DeadlineExtension(Extension):
    by: User | None = user_field(lambda extension: extension.by)


@strawberry.type(description="A required party that kept the round from being approved, and why.")
class OutcomeReason:
    model: strawberry.Private[domain.Reason]
    kind: ApprovalReasonKind  # type: ignore[valid-type]
    remarks: str

    organization: Organization | None = organization_field(lambda reason: reason.organization_id)


@strawberry.type(description="A required organisation in a round: its standing decision and its state.")
class ApprovalParty:
    round: strawberry.Private[domain.ApprovalRound]
    model: strawberry.Private[domain.Party]
    decision: ApprovalDecision | None  # type: ignore[valid-type]
    remarks: str | None = strawberry.field(description="For the record: seen by every party and printed.")
    decided_at: datetime | None
    awaiting_board: bool = strawberry.field(description="The party awaits its own board (e.g. KL's direktion).")
    board_note: str | None
    consented_by_silence: bool = strawberry.field(description="Closed at the deadline without an answer, as consent.")

    @classmethod
    def of(cls, round: domain.ApprovalRound, party: domain.Party) -> ApprovalParty:
        entry = party.decision
        outcome = domain.outcome(round)
        return cls(
            round=round,
            model=party,
            decision=entry.decision if entry else None,
            remarks=entry.remarks if entry else None,
            decided_at=local(entry.at) if entry else None,
            awaiting_board=party.awaiting_board,
            board_note=party.board_note or None,
            consented_by_silence=outcome is not None and party.organization_id in outcome.silent_consent,
        )

    organization: Organization | None = organization_field(lambda party: party.organization_id)

    @strawberry.field(description=_INTERNAL_NOTE)
    async def internal_note(self, info: Info) -> str | None:
        return await _internal_note(info, self.round.document_id, self.model.decision)

    decided_by: User | None = user_field(lambda party: party.decision.by if party.decision else None)

    @strawberry.field(description="The sections the standing decision's remarks point at.")
    async def sections(self, info: Info) -> list[Section]:
        entry = self.model.decision
        return await RecordedDecision.of(entry, self.round.document_id).sections(info) if entry else []

    @strawberry.field(description="Every decision this party recorded in the round, oldest first.")
    def decisions(self) -> list[RecordedDecision]:
        return [RecordedDecision.of(d, self.round.document_id) for d in self.model.history]

    async def _last_approved(self, info: Info) -> drafting_model.Snapshot | None:
        rounds = await info.context.loaders.approval_rounds.load(self.round.document_id)
        snapshot_id = domain.last_approvals(self.round, rounds).get(self.model.organization_id)
        return await drafting_queries.snapshot_of(info.context.store, snapshot_id)

    @strawberry.field(description="The snapshot this party last approved in an earlier round of the document.")
    async def last_approved_snapshot(self, info: Info) -> Snapshot | None:
        found = await self._last_approved(info)
        return Snapshot.of(found) if found else None

    @strawberry.field(
        description="What changed from the snapshot this party last approved to this round's snapshot "
        "(unchanged sections left out); null when the party has approved no earlier snapshot."
    )
    async def changes_since_last_approval(self, info: Info) -> list[SectionChange] | None:
        old = await self._last_approved(info)
        new = await drafting_queries.snapshot_of(info.context.store, self.round.snapshot_id)
        if old is None or new is None:
            return None
        changes = await compare_snapshots(info, await _frozen(info, old), await _frozen(info, new))
        return [c for c in changes if c.kind != ChangeKind.UNCHANGED]


async def _frozen(info: Info, snapshot: drafting_model.Snapshot) -> list[drafting_model.SectionVersion]:
    found = await info.context.loaders.version.load_many([(e.section_id, e.version) for e in snapshot.entries])
    return [v for v in found if v is not None]


@strawberry.type
class ApprovalRoundPermissions:
    manage: bool = strawberry.field(description="May extend the deadline or withdraw the round (while open).")
    decide_for: list[Organization] = strawberry.field(description="The parties the viewer may decide for now.")


@strawberry.type(description="A written process (skriftlig proces) on one snapshot of a document.")
class ApprovalRound(Node):
    model: strawberry.Private[domain.ApprovalRound]
    title: str
    deadline: datetime = strawberry.field(description="In Europe/Copenhagen time, with its UTC offset.")
    silence_is_consent: bool = strawberry.field(description="No answer by the deadline counts as approval.")
    state: ApprovalRoundState  # type: ignore[valid-type]
    opened_at: datetime
    closed_at: datetime | None
    close_cause: ApprovalCloseCause | None  # type: ignore[valid-type]
    withdraw_reason: str | None

    @classmethod
    def of(cls, r: domain.ApprovalRound) -> ApprovalRound:
        closure = r.closure
        return from_domain(
            cls,
            "ApprovalRound",
            r,
            deadline=local(r.deadline),
            opened_at=local(r.opened_at),
            closed_at=local(closure.at) if closure else None,
            close_cause=closure.cause if closure else None,
            withdraw_reason=closure.reason if closure and closure.cause == domain.Cause.WITHDRAWN else None,
        )

    snapshot: Snapshot | None = snapshot_field(
        description="The snapshot under approval: exactly the text approved or not."
    )
    document: Document | None = document_field(lambda round: round.document_id)
    opened_by: User | None = user_field(lambda round: round.opened_by)

    @strawberry.field(description="The required organisations, in the order they were named.")
    def parties(self) -> list[ApprovalParty]:
        return [ApprovalParty.of(self.model, p) for p in domain.parties(self.model)]

    @strawberry.field(description="Every decision ever recorded in the round, oldest first.")
    def history(self) -> list[RecordedDecision]:
        return [RecordedDecision.of(d, self.model.document_id) for d in self.model.decisions]

    @strawberry.field
    def board_marks(self) -> list[BoardMark]:
        return [from_model(BoardMark, m, at=local(m.at)) for m in self.model.board_marks]

    @strawberry.field
    def extensions(self) -> list[DeadlineExtension]:
        return [DeadlineExtension.of(e) for e in self.model.extensions]

    @strawberry.field(description="Why the round was not approved (empty while open or when approved).")
    def outcome_reasons(self) -> list[OutcomeReason]:
        outcome = domain.outcome(self.model)
        return [from_model(OutcomeReason, r) for r in (outcome.reasons if outcome else ())]

    @strawberry.field(description="The outcome in words, in the request's language.")
    async def outcome_note(self, info: Info) -> str:
        orgs = await info.context.loaders.organization.load_many(list(self.model.organization_ids))
        names = {o.id: o.name for o in orgs if o is not None}
        return record.outcome_text(self.model, lambda o: names.get(o, "?"), info.context.language)

    @strawberry.field(description="What the signed-in user may do here (for the UI; the server checks again).")
    async def viewer_can(self, info: Info) -> ApprovalRoundPermissions:
        document = await info.context.loaders.document.load(self.model.document_id)
        actor = info.context.actor
        if document is None or actor is None or not self.model.is_open:
            return ApprovalRoundPermissions(manage=False, decide_for=[])
        manage = permissions.check(actor, Action.RUN_APPROVAL_ROUND, scope_of(document)) is None
        decide_for = await may_act_for(info, document, Action.RECORD_DECISION, self.model.organization_ids)
        return ApprovalRoundPermissions(manage=manage, decide_for=decide_for)


async def round_node(info: Info, round_id: ObjectId | None) -> ApprovalRound | None:
    """A round, settled, when the signed-in user may read its document (``node``, ``approvalRound``)."""
    ctx = info.context
    found = await service.readable_round(ctx.store, ctx.caller(), round_id)
    return ApprovalRound.of(found[1]) if isinstance(found, tuple) else None


async def document_rounds(info: Info, document: drafting_model.Document) -> list[ApprovalRound]:
    """A readable document's rounds, newest first, each settled (never shown open past its deadline)."""
    ctx = info.context
    rounds = await ctx.loaders.approval_rounds.load(document.id)
    now = ctx.clock.now()
    return [ApprovalRound.of(await service.settle(ctx.store, r, now)) for r in rounds]


@strawberry.type
class ApprovalsQuery:
    @strawberry.field(description="An approval round by id, when you may read its document.")
    async def approval_round(self, info: Info, id: strawberry.ID) -> ApprovalRound | None:
        return await round_node(info, ids.parse(id, "ApprovalRound"))


# Mutations


@strawberry.type
class ApprovalRoundOpened:
    round: ApprovalRound


@strawberry.type
class DecisionRecorded:
    round: ApprovalRound


@strawberry.type
class AwaitingBoardMarked:
    round: ApprovalRound


@strawberry.type
class DeadlineExtended:
    round: ApprovalRound


@strawberry.type
class ApprovalRoundWithdrawn:
    round: ApprovalRound


P = TypeVar("P")
OpenApprovalRoundResult = Annotated[ApprovalRoundOpened | Errors, strawberry.union("OpenApprovalRoundResult")]
RecordDecisionResult = Annotated[DecisionRecorded | Errors, strawberry.union("RecordDecisionResult")]
MarkAwaitingBoardResult = Annotated[AwaitingBoardMarked | Errors, strawberry.union("MarkAwaitingBoardResult")]
ExtendDeadlineResult = Annotated[DeadlineExtended | Errors, strawberry.union("ExtendDeadlineResult")]
WithdrawApprovalRoundResult = Annotated[
    ApprovalRoundWithdrawn | Errors, strawberry.union("WithdrawApprovalRoundResult")
]


@strawberry.input
class OpenApprovalRoundInput:
    snapshot_id: strawberry.ID
    title: str
    deadline: datetime = strawberry.field(description="Without a UTC offset, a Europe/Copenhagen time.")
    organization_ids: list[strawberry.ID] = strawberry.field(description="The parties whose decision is required.")
    silence_is_consent: bool = False


@strawberry.input
class RecordDecisionInput:
    round_id: strawberry.ID
    organization_id: strawberry.ID = strawberry.field(description="Your own organisation.")
    decision: ApprovalDecision  # type: ignore[valid-type]
    remarks: str = strawberry.field(default="", description="Required with APPROVE_WITH_REMARKS and OBJECT.")
    internal_note: str = strawberry.field(
        default="", description="Seen only by your own organisation, e.g. “forelagt direktionen 3.12.”."
    )
    section_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Sections of the snapshot that the remarks point at."
    )


@strawberry.input
class MarkAwaitingBoardInput:
    round_id: strawberry.ID
    organization_id: strawberry.ID
    awaiting: bool = True
    note: str = ""


@strawberry.input
class ExtendDeadlineInput:
    round_id: strawberry.ID
    deadline: datetime = strawberry.field(description="Without a UTC offset, a Europe/Copenhagen time.")
    reason: str


@strawberry.input
class WithdrawApprovalRoundInput:
    round_id: strawberry.ID
    reason: str


def _with_round(payload: Callable[..., P]) -> Callable[[domain.ApprovalRound], P]:
    """A mutation's success: ``payload`` holding the round as it is now."""
    return lambda round: payload(round=ApprovalRound.of(round))


async def _on_round(
    info: Info,
    workflow: Callable[..., Awaitable[domain.ApprovalRound | Failure]],
    round_id: strawberry.ID,
    *args: object,
    then: Callable[..., P],
) -> P | Errors:
    """``workflow`` run on the round ``round_id`` names, answered with ``then`` holding the round as it is now."""
    return await run_workflow(info, workflow, ids.parse(round_id, "ApprovalRound"), *args, then=_with_round(then))


async def _as_party(
    info: Info,
    workflow: Callable[..., Awaitable[domain.ApprovalRound | Failure]],
    input: RecordDecisionInput | MarkAwaitingBoardInput,
    *args: object,
    then: Callable[..., P],
) -> P | Errors:
    """``workflow`` run for the party the input names, in its round (``_on_round``)."""
    organization_id = ids.parse(input.organization_id, "Organization")
    return await _on_round(info, workflow, input.round_id, organization_id, *args, then=then)


@strawberry.type
class ApprovalsMutation:
    @strawberry.mutation(description="Open a written process on a snapshot (secretariat).")
    async def open_approval_round(self, info: Info, input: OpenApprovalRoundInput) -> OpenApprovalRoundResult:
        return await run_workflow(
            info,
            service.open_round,
            ids.parse(input.snapshot_id, "Snapshot"),
            input.title,
            input.deadline,
            [ids.parse(o, "Organization") for o in input.organization_ids],
            input.silence_is_consent,
            then=_with_round(ApprovalRoundOpened),
        )

    @strawberry.mutation(description="Record or change your organisation's decision while the round is open.")
    async def record_decision(self, info: Info, input: RecordDecisionInput) -> RecordDecisionResult:
        return await _as_party(
            info,
            service.record_decision,
            input,
            input.decision,
            input.remarks,
            input.internal_note,
            [ids.parse(s, "Section") for s in input.section_ids],
            then=DecisionRecorded,
        )

    @strawberry.mutation(description="Show everyone that your organisation awaits its own board (or no longer).")
    async def mark_awaiting_board(self, info: Info, input: MarkAwaitingBoardInput) -> MarkAwaitingBoardResult:
        return await _as_party(
            info, service.mark_awaiting_board, input, input.awaiting, input.note, then=AwaitingBoardMarked
        )

    @strawberry.mutation(description="Move an open round's deadline later, with a reason (secretariat).")
    async def extend_deadline(self, info: Info, input: ExtendDeadlineInput) -> ExtendDeadlineResult:
        return await _on_round(
            info, service.extend_deadline, input.round_id, input.deadline, input.reason, then=DeadlineExtended
        )

    @strawberry.mutation(description="Withdraw an open round, with a reason (secretariat).")
    async def withdraw_approval_round(
        self, info: Info, input: WithdrawApprovalRoundInput
    ) -> WithdrawApprovalRoundResult:
        return await _on_round(info, service.withdraw_round, input.round_id, input.reason, then=ApprovalRoundWithdrawn)
