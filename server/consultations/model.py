"""Consultations — *høringer* — as pure rules over plain data.

The secretariat opens a consultation on one snapshot with a consultation letter (*høringsbrev*,
Markdown), a deadline (*høringsfrist*, Europe/Copenhagen), the consulted organisations (the
*høringsliste*, in order) and whether late responses are accepted. A document has at most one
open consultation at a time.

What happens to a consultation afterwards is an entry in its log, numbered 1, 2, 3, … per
consultation: deadline extensions and at most one closure. The state, the current deadline and
the closing time are derived from the log (``server.deadlines``, as for approval rounds).

Closing. The secretariat closes a consultation when it chooses. Without ``accept_late`` it closes
by itself at its deadline (at the deadline's moment, whoever notices first: a read or the
background task). With ``accept_late`` it stays open past the deadline until the secretariat
closes it, and responses given after the deadline are marked late.

Each party answers once: a ``Response`` (responded, no remarks — *ingen bemærkninger* — or
declined) is an immutable record, unique per (consultation, organisation). A party's status is
derived: invited, drafting (it has unsent drafts on the consultation), or what it answered; after
the close a party still invited or drafting shows as "no response" (derived, not stored).

The steering group's answers to the parties' comments are published per organisation
(``Publication``, unique per (consultation, organisation)); until then only the steering group
sees them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bson import ObjectId

from server.deadlines import model as deadlines
from server.deadlines.model import Closure, Deadlined, ExtensionEntry, as_deadline, deadline_problem, with_entry
from server.drafting.model import Phase
from server.validation import InputProblem, first_problem, text_problem

__all__ = ["ExtensionEntry", "as_deadline", "with_entry"]

MAX_LETTER = 100_000
OPENABLE_PHASES = frozenset({Phase.DRAFTING, Phase.CONSULTATION})  # not during a written procedure


class ConsultationState(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class PartyStatus(StrEnum):
    INVITED = "INVITED"
    DRAFTING = "DRAFTING"
    RESPONDED = "RESPONDED"
    NO_REMARKS = "NO_REMARKS"  # "ingen bemærkninger"
    DECLINED = "DECLINED"


class ResponseKind(StrEnum):
    RESPONDED = "RESPONDED"
    NO_REMARKS = "NO_REMARKS"
    DECLINED = "DECLINED"


class CloseCause(StrEnum):
    """Why a consultation closed."""

    DEADLINE = "DEADLINE"  # by itself, at the deadline (late responses not accepted)
    CLOSED = "CLOSED"  # by the secretariat


@dataclass(frozen=True)
class ClosureEntry(Closure):
    """When it closed (the deadline, or the secretariat's act), by whom (None: by itself), and why."""

    cause: CloseCause


Entry = ExtensionEntry | ClosureEntry


@dataclass(frozen=True)
class Consultation(Deadlined[ClosureEntry]):
    id: ObjectId
    document_id: ObjectId
    number: int  # 1, 2, 3, … per document; the unique (document, number) insert guards "one open at a time"
    snapshot_id: ObjectId
    letter: str  # the høringsbrev, Markdown
    letter_html: str
    opening_deadline: datetime
    accept_late: bool
    opened_by: ObjectId | None
    opened_at: datetime
    organization_ids: tuple[ObjectId, ...]  # the høringsliste, in order
    phase_before: Phase  # the document's phase when the consultation opened, restored when it closes
    entries: tuple[Entry, ...] = ()

    @property
    def state(self) -> ConsultationState:
        return ConsultationState.CLOSED if self.closure else ConsultationState.OPEN


@dataclass(frozen=True)
class Response:
    """A party's answer to a consultation: immutable, one per (consultation, organisation)."""

    consultation_id: ObjectId
    organization_id: ObjectId
    kind: ResponseKind
    at: datetime
    late: bool
    by: ObjectId | None
    general_remarks: str = ""
    attachment_id: ObjectId | None = None
    comment_ids: tuple[ObjectId, ...] = ()


@dataclass(frozen=True)
class Publication:
    """The steering group's answers to one party's comments, made visible to the parties."""

    consultation_id: ObjectId
    organization_id: ObjectId
    at: datetime
    by: ObjectId | None


@dataclass(frozen=True)
class PartyComment:
    """What a party's status needs of one comment it wrote in a consultation (``Comment.consultation_id``)."""

    consultation_id: ObjectId
    organization_id: ObjectId
    sent_at: datetime | None  # when it went in; None while an unsent draft


@dataclass(frozen=True)
class Answers:
    """What the consulted parties' statuses are derived from (``party_views``): the recorded
    responses, and the parties' comments in the consultation. A party's comments can go in
    without a recorded response — on a document with direct submission each goes in as it is
    written — and a party whose comments went in has responded."""

    responses: tuple[Response, ...] = ()
    comments: tuple[PartyComment, ...] = ()

    @property
    def answered(self) -> frozenset[ObjectId]:
        """The organisations that have answered: with a response, or with comments that went in."""
        return frozenset({r.organization_id for r in self.responses} | set(self.first_sent))

    @property
    def drafting(self) -> frozenset[ObjectId]:
        """The organisations with unsent drafts in the consultation."""
        return frozenset(c.organization_id for c in self.comments if c.sent_at is None)

    @property
    def first_sent(self) -> Mapping[ObjectId, datetime]:
        """When each organisation's first comment in the consultation went in."""
        first: dict[ObjectId, datetime] = {}
        for c in self.comments:
            if c.sent_at is not None and (c.organization_id not in first or c.sent_at < first[c.organization_id]):
                first[c.organization_id] = c.sent_at
        return first


def answers_by_consultation(
    consultation_ids: Iterable[ObjectId], responses: Iterable[Response], comments: Iterable[PartyComment]
) -> dict[ObjectId, Answers]:
    """``Answers`` per consultation, from the responses and party comments of them all (read at once)."""
    by_id: dict[ObjectId, tuple[list[Response], list[PartyComment]]] = {i: ([], []) for i in consultation_ids}
    for response in responses:
        if response.consultation_id in by_id:
            by_id[response.consultation_id][0].append(response)
    for comment in comments:
        if comment.consultation_id in by_id:
            by_id[comment.consultation_id][1].append(comment)
    return {i: Answers(tuple(r), tuple(c)) for i, (r, c) in by_id.items()}


@dataclass(frozen=True)
class PartyView:
    """One consulted organisation as the høringsliste shows it."""

    organization_id: ObjectId
    status: PartyStatus
    response: Response | None
    no_response: bool  # the consultation closed without an answer from the party ("intet svar")
    # When the party answered: its response, or (without one) its first comment that went in.
    responded_at: datetime | None = None
    late: bool = False  # answered after the deadline (late responses accepted)


# Input


def opening_problem(
    letter: str, deadline: datetime, organization_ids: Sequence[ObjectId], phase: Phase, now: datetime
) -> InputProblem | None:
    """What is wrong with opening a consultation with these settings on a document, if anything."""
    if phase not in OPENABLE_PHASES:
        return InputProblem("snapshotId", "consultation_phase", {"phase": phase.value})
    if not organization_ids:
        return InputProblem("organizationIds", "consultation_organizations_required", {})
    return first_problem(deadline_problem(deadline, now), text_problem("letter", letter, MAX_LETTER))


def still_open(consultation: Consultation) -> InputProblem | None:
    if consultation.closure is not None:
        return InputProblem("consultationId", "consultation_closed", {})
    return None


# Changes: each returns the entry to append, or why not.


def extend(
    consultation: Consultation, deadline: datetime, reason: str, by: ObjectId | None, now: datetime
) -> ExtensionEntry | InputProblem:
    """Move the deadline later while the consultation is open."""
    open_problem = still_open(consultation)
    return deadlines.extend(consultation, deadline, reason, by, now, open_problem=open_problem, reason_required=False)


def close(consultation: Consultation, by: ObjectId | None, now: datetime) -> ClosureEntry | InputProblem:
    """The secretariat closes the consultation (before or after its deadline)."""
    problem = still_open(consultation)
    if problem:
        return problem
    return ClosureEntry(consultation.next_seq, now, by, CloseCause.CLOSED)


def due_closure(consultation: Consultation, now: datetime) -> ClosureEntry | None:
    """The closure due at the deadline, unless late responses are accepted (then the secretariat closes)."""
    if consultation.closure is not None or consultation.accept_late or now < consultation.deadline:
        return None
    return ClosureEntry(consultation.next_seq, consultation.deadline, None, CloseCause.DEADLINE)


# Responses


def response_problem(
    consultation: Consultation,
    organization_id: ObjectId,
    already: Response | None,
    now: datetime,
    *,
    comments_sent: bool = False,
) -> InputProblem | None:
    """Why a party may not answer now, if it may not. ``comments_sent``: the party's comments in the
    consultation went in without a response (direct submission), so it has responded already."""
    if organization_id not in consultation.organization_ids:
        return InputProblem("organizationId", "not_consulted_party", {})
    closure = consultation.closure
    if closure is not None and closure.cause == CloseCause.DEADLINE:
        return InputProblem("consultationId", "consultation_deadline_passed", {})
    problem = still_open(consultation)
    if problem:
        return problem
    if already is not None or comments_sent:
        return InputProblem("organizationId", "consultation_already_answered", {})
    if now >= consultation.deadline and not consultation.accept_late:
        return InputProblem("consultationId", "consultation_deadline_passed", {})
    return None


def is_late(consultation: Consultation, now: datetime) -> bool:
    return now >= consultation.deadline


_STATUS_OF = {
    ResponseKind.RESPONDED: PartyStatus.RESPONDED,
    ResponseKind.NO_REMARKS: PartyStatus.NO_REMARKS,
    ResponseKind.DECLINED: PartyStatus.DECLINED,
}


def written_in(
    consultations: Iterable[Consultation], organization_id: ObjectId, created_at: datetime, *, by_steering: bool
) -> ObjectId | None:
    """The consultation a comment stored before comments carried their consultation was written in,
    given its document's consultations: a consulted party's comment — never the steering group's —
    written while a consultation consulting it was open (a document's consultations never overlap).
    What ``add_comment`` stamps since, decided once for older comments (``store.stamp_older_comments``)."""
    if by_steering:
        return None
    return next(
        (
            c.id
            for c in consultations
            if organization_id in c.organization_ids
            and c.opened_at <= created_at
            and (c.closed_at is None or created_at <= c.closed_at)
        ),
        None,
    )


def party_views(consultation: Consultation, answers: Answers) -> list[PartyView]:
    """Each consulted organisation in the høringsliste's order, with its derived status: what it
    answered; else responded, when comments of it in the consultation went in; else drafting or
    invited — and after the close, without an answer, "no response"."""
    by_organization = {r.organization_id: r for r in answers.responses if r.consultation_id == consultation.id}
    sent = answers.first_sent
    drafting = answers.drafting
    views = []
    for organization_id in consultation.organization_ids:
        response = by_organization.get(organization_id)
        sent_at = sent.get(organization_id)
        if response is not None:
            status, at, late = _STATUS_OF[response.kind], response.at, response.late
        elif sent_at is not None:
            status, at, late = PartyStatus.RESPONDED, sent_at, is_late(consultation, sent_at)
        else:
            status = PartyStatus.DRAFTING if organization_id in drafting else PartyStatus.INVITED
            at, late = None, False
        no_response = at is None and not consultation.is_open
        views.append(PartyView(organization_id, status, response, no_response, at, late))
    return views
