"""Approval rounds — the *skriftlig proces* (written procedure) — as pure rules over plain data.

The secretariat opens a round on one snapshot, with a title, a deadline and the organisations
whose decision is required. Everything that happens to the round afterwards is an entry in its
log, numbered 1, 2, 3, … per round: a decision, a party marking itself as awaiting its own board
(KL's direktion, the regions' RSI), a deadline extension, and at most one closure. The log is
append-only, so every decision ever recorded is kept; the state, the current deadline, each
party's standing decision and the outcome are all derived from it here.

Each change is a function ``(round, input, now) -> entry | InputProblem``: the workflow appends
the entry only when the function allows it, and re-runs the function on a fresh log if another
writer took the entry's number first. So a closed round can never take a decision.

Closing. A round closes at once when every required party has a standing decision; at the
deadline, with the silence rule applied to the parties that did not answer; or when withdrawn.

Outcome. ``APPROVED`` only if nobody's standing decision is ``OBJECT`` and every required party
approved (``APPROVE`` or ``APPROVE_WITH_REMARKS``) — or, when the round closed at its deadline
under silence-is-consent, did not answer at all. Otherwise ``NOT_APPROVED``, with the reasons.

``ABSTAIN`` is an answer that withholds approval, so it never counts as one: a round in which a
required party abstains is ``NOT_APPROVED``. Silence-is-consent does not turn it into consent
either, because an abstention is not silence — the party answered, and its answer was not yes.
A party that wants the text to pass without endorsing it approves with remarks (or, where the
rules allow, stays silent); the record then says exactly that.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bson import ObjectId

from server.deadlines import model as deadlines
from server.deadlines.model import (
    MAX_REASON,
    Closure,
    Deadlined,
    ExtensionEntry,
    LogEntry,
    as_deadline,
    deadline_problem,
    with_entry,
)
from server.drafting.model import MAX_TITLE, Phase
from server.validation import InputProblem, first_problem, text_problem

MAX_REMARKS = 10_000
MAX_NOTE = 2_000
OPENABLE_PHASES = frozenset({Phase.DRAFTING, Phase.CONSULTATION, Phase.WRITTEN_PROCESS})

__all__ = ["ExtensionEntry", "as_deadline", "with_entry"]


class Decision(StrEnum):
    APPROVE = "APPROVE"
    APPROVE_WITH_REMARKS = "APPROVE_WITH_REMARKS"  # approval with reservations, optionally tied to sections
    OBJECT = "OBJECT"  # reason required
    ABSTAIN = "ABSTAIN"  # an answer, but not an approval (see the module docstring)


APPROVALS = frozenset({Decision.APPROVE, Decision.APPROVE_WITH_REMARKS})


class RoundState(StrEnum):
    OPEN = "OPEN"
    APPROVED = "APPROVED"
    NOT_APPROVED = "NOT_APPROVED"
    WITHDRAWN = "WITHDRAWN"


class Cause(StrEnum):
    """Why a round closed."""

    ALL_DECIDED = "ALL_DECIDED"
    DEADLINE = "DEADLINE"
    WITHDRAWN = "WITHDRAWN"


class ReasonKind(StrEnum):
    """Why a required party kept a round from being approved."""

    OBJECTED = "OBJECTED"
    ABSTAINED = "ABSTAINED"
    SILENT = "SILENT"


@dataclass(frozen=True)
class DecisionEntry(LogEntry):
    organization_id: ObjectId
    decision: Decision
    remarks: str
    section_ids: tuple[ObjectId, ...]
    # The party's internal note, e.g. "forelagt RSI 3.12.": read by its own organisation only
    # (``Action.READ_INTERNAL_NOTE``), never in the record, events, exports or notifications.
    internal_note: str


@dataclass(frozen=True)
class BoardEntry(LogEntry):
    organization_id: ObjectId
    awaiting: bool
    note: str


@dataclass(frozen=True)
class ClosureEntry(Closure):
    """When the round closed (the last decision, the deadline, or the withdrawal), and by whom (None: by itself)."""

    state: RoundState
    cause: Cause
    reason: str  # the withdrawal's reason


Entry = DecisionEntry | BoardEntry | ExtensionEntry | ClosureEntry


@dataclass(frozen=True)
class ApprovalRound(Deadlined[ClosureEntry]):
    id: ObjectId
    document_id: ObjectId
    snapshot_id: ObjectId
    title: str
    organization_ids: tuple[ObjectId, ...]  # the required parties
    silence_is_consent: bool
    opening_deadline: datetime
    opened_by: ObjectId | None
    opened_at: datetime
    phase_before: Phase  # the document's phase when the round opened, restored if it is not approved
    entries: tuple[Entry, ...] = ()

    @property
    def state(self) -> RoundState:
        closure = self.closure
        return closure.state if closure else RoundState.OPEN

    @property
    def decisions(self) -> tuple[DecisionEntry, ...]:
        """Every decision ever recorded, oldest first: the round's history."""
        return tuple(e for e in self.entries if isinstance(e, DecisionEntry))

    @property
    def board_marks(self) -> tuple[BoardEntry, ...]:
        return tuple(e for e in self.entries if isinstance(e, BoardEntry))


@dataclass(frozen=True)
class Party:
    organization_id: ObjectId
    decision: DecisionEntry | None  # the standing decision
    awaiting_board: bool
    board_note: str
    history: tuple[DecisionEntry, ...]


@dataclass(frozen=True)
class Reason:
    organization_id: ObjectId
    kind: ReasonKind
    remarks: str


@dataclass(frozen=True)
class Outcome:
    state: RoundState
    reasons: tuple[Reason, ...]  # why not approved, in the order of the parties
    silent_consent: tuple[ObjectId, ...]  # parties whose silence counted as consent


# Input


def opening_problem(
    title: str,
    deadline: datetime,
    organization_ids: Sequence[ObjectId],
    participant_ids: Collection[ObjectId],
    phase: Phase,
    now: datetime,
) -> InputProblem | None:
    """What is wrong with opening a round with these settings on a document, if anything."""
    if phase not in OPENABLE_PHASES:
        return InputProblem("snapshotId", "round_phase", {"phase": phase.value})
    if not organization_ids:
        return InputProblem("organizationIds", "organizations_required", {})
    if any(o not in participant_ids for o in organization_ids):
        return InputProblem("organizationIds", "not_participant_org", {})
    return first_problem(text_problem("title", title, MAX_TITLE), deadline_problem(deadline, now))


def _still_open(round: ApprovalRound, now: datetime) -> InputProblem | None:
    closure = round.closure
    if closure is not None:
        return InputProblem("roundId", "round_withdrawn" if closure.cause == Cause.WITHDRAWN else "round_closed", {})
    if now >= round.deadline:
        return InputProblem("roundId", "deadline_passed", {})
    return None


def _required(round: ApprovalRound, organization_id: ObjectId) -> InputProblem | None:
    if organization_id not in round.organization_ids:
        return InputProblem("organizationId", "not_required_party", {})
    return None


def decision_problem(
    decision: Decision,
    remarks: str,
    section_ids: Sequence[ObjectId],
    internal_note: str,
    snapshot_section_ids: Collection[ObjectId],
) -> InputProblem | None:
    """The input rules of a decision: remarks where the decision needs them, and only there."""
    problem = first_problem(
        text_problem("remarks", remarks, MAX_REMARKS, required=False),
        text_problem("internalNote", internal_note, MAX_NOTE, required=False),
    )
    if problem:
        return problem
    has_remarks = bool(remarks.strip())
    if decision == Decision.OBJECT and not has_remarks:
        return InputProblem("remarks", "reason_required", {})
    if decision == Decision.APPROVE_WITH_REMARKS and not has_remarks:
        return InputProblem("remarks", "remarks_required", {})
    if decision == Decision.APPROVE and has_remarks:
        return InputProblem("remarks", "remarks_need_decision", {})
    if section_ids and decision not in (Decision.APPROVE_WITH_REMARKS, Decision.OBJECT):
        return InputProblem("sectionIds", "sections_need_remarks", {})
    if any(s not in snapshot_section_ids for s in section_ids):
        return InputProblem("sectionIds", "section_not_in_snapshot", {})
    return None


# Changes: each returns the entry to append, or why not.


def decide(
    round: ApprovalRound,
    organization_id: ObjectId,
    decision: Decision,
    remarks: str,
    internal_note: str,
    by: ObjectId | None,
    now: datetime,
    *,
    section_ids: Sequence[ObjectId] = (),
    snapshot_section_ids: Collection[ObjectId] = (),
) -> DecisionEntry | InputProblem:
    """Record (or change) a party's decision while the round is open and before its deadline."""
    problem = first_problem(
        _still_open(round, now),
        _required(round, organization_id),
        decision_problem(decision, remarks, section_ids, internal_note, snapshot_section_ids),
    )
    if problem:
        return problem
    return DecisionEntry(
        seq=round.next_seq,
        at=now,
        by=by,
        organization_id=organization_id,
        decision=decision,
        remarks=remarks.strip(),
        section_ids=tuple(dict.fromkeys(section_ids)),
        internal_note=internal_note.strip(),
    )


def mark_board(
    round: ApprovalRound, organization_id: ObjectId, awaiting: bool, note: str, by: ObjectId | None, now: datetime
) -> BoardEntry | InputProblem:
    """A party says it awaits (or no longer awaits) its own board; everyone sees it."""
    problem = first_problem(
        _still_open(round, now), _required(round, organization_id), text_problem("note", note, MAX_NOTE, required=False)
    )
    if problem:
        return problem
    current = party(round, organization_id)
    if current.awaiting_board == awaiting:
        return InputProblem("awaiting", "already_awaiting_board" if awaiting else "not_awaiting_board", {})
    return BoardEntry(round.next_seq, now, by, organization_id, awaiting, note.strip())


def extend(
    round: ApprovalRound, deadline: datetime, reason: str, by: ObjectId | None, now: datetime
) -> ExtensionEntry | InputProblem:
    """Move the deadline later, only while the round is open; the reason is part of the record."""
    return deadlines.extend(
        round, deadline, reason, by, now, open_problem=_still_open(round, now), reason_required=True
    )


def withdraw(round: ApprovalRound, reason: str, by: ObjectId | None, now: datetime) -> ClosureEntry | InputProblem:
    problem = first_problem(_still_open(round, now), text_problem("reason", reason, MAX_REASON))
    if problem:
        return problem
    return ClosureEntry(round.next_seq, now, by, RoundState.WITHDRAWN, Cause.WITHDRAWN, reason.strip())


def due_closure(round: ApprovalRound, now: datetime) -> ClosureEntry | None:
    """The closure the round is due, if any: every party decided, or the deadline passed."""
    if round.closure is not None:
        return None
    standing = standing_decisions(round)
    if standing and all(o in standing for o in round.organization_ids):
        last = max(d.at for d in standing.values())
        state = outcome_of(round, Cause.ALL_DECIDED).state
        return ClosureEntry(round.next_seq, last, None, state, Cause.ALL_DECIDED, "")
    if now >= round.deadline:
        state = outcome_of(round, Cause.DEADLINE).state
        return ClosureEntry(round.next_seq, round.deadline, None, state, Cause.DEADLINE, "")
    return None


# Reading a round


def standing_decisions(round: ApprovalRound) -> dict[ObjectId, DecisionEntry]:
    """Each party's latest decision (a later one replaces an earlier one while the round is open)."""
    return {d.organization_id: d for d in round.decisions}


def party(round: ApprovalRound, organization_id: ObjectId) -> Party:
    history = tuple(d for d in round.decisions if d.organization_id == organization_id)
    decision = history[-1] if history else None
    marks = [m for m in round.board_marks if m.organization_id == organization_id]
    mark = marks[-1] if marks else None
    # A decision after the mark means the board has handled it.
    awaiting = mark is not None and mark.awaiting and (decision is None or decision.seq < mark.seq)
    return Party(organization_id, decision, awaiting, mark.note if awaiting and mark else "", history)


def parties(round: ApprovalRound) -> list[Party]:
    return [party(round, o) for o in round.organization_ids]


def outcome_of(round: ApprovalRound, cause: Cause) -> Outcome:
    """What a round closing for ``cause`` comes to, from the standing decisions."""
    if cause == Cause.WITHDRAWN:
        return Outcome(RoundState.WITHDRAWN, (), ())
    standing = standing_decisions(round)
    reasons: list[Reason] = []
    silent_consent: list[ObjectId] = []
    for organization_id in round.organization_ids:
        decision = standing.get(organization_id)
        if decision is None:
            if round.silence_is_consent and cause == Cause.DEADLINE:
                silent_consent.append(organization_id)
            else:
                reasons.append(Reason(organization_id, ReasonKind.SILENT, ""))
        elif decision.decision == Decision.OBJECT:
            reasons.append(Reason(organization_id, ReasonKind.OBJECTED, decision.remarks))
        elif decision.decision == Decision.ABSTAIN:
            reasons.append(Reason(organization_id, ReasonKind.ABSTAINED, decision.remarks))
    state = RoundState.NOT_APPROVED if reasons else RoundState.APPROVED
    return Outcome(state, tuple(reasons), tuple(silent_consent))


def outcome(round: ApprovalRound) -> Outcome | None:
    """The outcome of a closed round; None while it is open."""
    closure = round.closure
    return outcome_of(round, closure.cause) if closure else None


def last_approvals(round: ApprovalRound, rounds: Iterable[ApprovalRound]) -> dict[ObjectId, ObjectId]:
    """For each party of ``round``: the snapshot it last approved in an earlier round of the document.

    A party approved a snapshot when its standing decision in a round on it was an approval,
    whatever the round's outcome; silence is not an approval.
    """
    earlier = sorted(
        (r for r in rounds if r.document_id == round.document_id and (r.opened_at, r.id) < (round.opened_at, round.id)),
        key=lambda r: (r.opened_at, r.id),
        reverse=True,
    )
    found: dict[ObjectId, ObjectId] = {}
    for previous in earlier:
        for organization_id, decision in standing_decisions(previous).items():
            if organization_id in round.organization_ids and decision.decision in APPROVALS:
                found.setdefault(organization_id, previous.snapshot_id)
    return found
