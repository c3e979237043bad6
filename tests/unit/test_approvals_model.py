"""The approval round state machine (skriftlig proces), as pure functions: no store, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from server.approvals import model
from server.approvals.model import (
    ApprovalRound,
    Cause,
    ClosureEntry,
    Decision,
    DecisionEntry,
    ReasonKind,
    RoundState,
)
from server.clock import COPENHAGEN
from server.drafting.model import Phase
from server.validation import InputProblem

T0 = datetime(2017, 8, 1, 8, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=14)
KL, REGIONS, SUM, SDS, PLO = (ObjectId() for _ in range(5))
PARTIES = (KL, REGIONS, SUM, SDS)
USER = ObjectId()
DOC, SNAP1, SNAP2 = ObjectId(), ObjectId(), ObjectId()
SECTION = ObjectId()


def _round(*, silence_is_consent: bool = False, snapshot: ObjectId = SNAP1, at: datetime = T0) -> ApprovalRound:
    return ApprovalRound(
        id=ObjectId(),
        document_id=DOC,
        snapshot_id=snapshot,
        title="Kommissorium i skriftlig proces",
        organization_ids=PARTIES,
        silence_is_consent=silence_is_consent,
        opening_deadline=at + timedelta(days=14),
        opened_by=USER,
        opened_at=at,
        phase_before=Phase.CONSULTATION,
    )


def _decide(
    round: ApprovalRound, org: ObjectId, decision: Decision, remarks: str = "", *, at: datetime = T0, note: str = ""
) -> ApprovalRound:
    entry = model.decide(round, org, decision, remarks, note, USER, at, snapshot_section_ids={SECTION})
    assert isinstance(entry, DecisionEntry), entry
    round = model.with_entry(round, entry)
    closure = model.due_closure(round, at)
    return model.with_entry(round, closure) if closure else round


def _close_at(round: ApprovalRound, now: datetime) -> ApprovalRound:
    closure = model.due_closure(round, now)
    assert closure is not None
    return model.with_entry(round, closure)


def _problem(value: object) -> str:
    assert isinstance(value, InputProblem), value
    return value.key


def test_all_approve_closes_at_once_approved() -> None:
    round = _round()
    for org in (KL, REGIONS, SUM):
        round = _decide(round, org, Decision.APPROVE)
        assert round.state == RoundState.OPEN
    round = _decide(round, SDS, Decision.APPROVE_WITH_REMARKS, "Tidsplanen er stram.", at=T0 + timedelta(hours=3))
    assert round.state == RoundState.APPROVED
    closure = round.closure
    assert closure is not None and closure.cause == Cause.ALL_DECIDED
    assert round.closed_at == T0 + timedelta(hours=3)  # the moment of the last decision
    outcome = model.outcome(round)
    assert outcome is not None and outcome.reasons == () and outcome.silent_consent == ()


def test_one_objection_means_not_approved_with_its_reason() -> None:
    round = _round(silence_is_consent=True)
    round = _decide(round, KL, Decision.APPROVE)
    round = _decide(round, REGIONS, Decision.OBJECT, "Regionernes rolle skal fremgå.")
    round = _decide(round, SUM, Decision.APPROVE)
    round = _decide(round, SDS, Decision.APPROVE)
    assert round.state == RoundState.NOT_APPROVED
    outcome = model.outcome(round)
    assert outcome is not None
    assert [(r.organization_id, r.kind, r.remarks) for r in outcome.reasons] == [
        (REGIONS, ReasonKind.OBJECTED, "Regionernes rolle skal fremgå.")
    ]


def test_an_objection_needs_a_reason_and_remarks_need_their_decision() -> None:
    round = _round()
    assert _problem(model.decide(round, KL, Decision.OBJECT, "  ", "", USER, T0)) == "reason_required"
    assert _problem(model.decide(round, KL, Decision.APPROVE_WITH_REMARKS, "", "", USER, T0)) == "remarks_required"
    assert _problem(model.decide(round, KL, Decision.APPROVE, "Fint.", "", USER, T0)) == "remarks_need_decision"
    sections = {"section_ids": [SECTION], "snapshot_section_ids": {SECTION}}
    assert _problem(model.decide(round, KL, Decision.ABSTAIN, "", "", USER, T0, **sections)) == "sections_need_remarks"
    other = {"section_ids": [ObjectId()], "snapshot_section_ids": {SECTION}}
    unknown = model.decide(round, KL, Decision.OBJECT, "Nej.", "", USER, T0, **other)
    assert _problem(unknown) == "section_not_in_snapshot"
    with_section = model.decide(round, KL, Decision.APPROVE_WITH_REMARKS, "Se afsnittet.", "", USER, T0, **sections)
    assert isinstance(with_section, DecisionEntry) and with_section.section_ids == (SECTION,)
    assert _problem(model.decide(round, PLO, Decision.APPROVE, "", "", USER, T0)) == "not_required_party"


def test_silence_under_consent_approves_at_the_deadline() -> None:
    round = _round(silence_is_consent=True)
    for org in (KL, REGIONS, SDS):
        round = _decide(round, org, Decision.APPROVE)
    assert model.due_closure(round, DEADLINE - timedelta(milliseconds=1)) is None
    round = _close_at(round, DEADLINE + timedelta(hours=5))
    assert round.state == RoundState.APPROVED
    assert round.closed_at == DEADLINE  # closed at the deadline, whenever it was noticed
    outcome = model.outcome(round)
    assert outcome is not None and outcome.silent_consent == (SUM,) and outcome.reasons == ()


def test_silence_without_consent_is_not_approval() -> None:
    round = _round(silence_is_consent=False)
    for org in (KL, REGIONS, SDS):
        round = _decide(round, org, Decision.APPROVE)
    round = _close_at(round, DEADLINE)
    assert round.state == RoundState.NOT_APPROVED
    closure = round.closure
    assert closure is not None and closure.cause == Cause.DEADLINE
    outcome = model.outcome(round)
    assert outcome is not None
    assert [(r.organization_id, r.kind) for r in outcome.reasons] == [(SUM, ReasonKind.SILENT)]


def test_an_abstention_is_an_answer_but_not_an_approval() -> None:
    round = _round(silence_is_consent=True)
    for org in (KL, REGIONS, SUM):
        round = _decide(round, org, Decision.APPROVE)
    round = _decide(round, SDS, Decision.ABSTAIN)
    assert round.state == RoundState.NOT_APPROVED
    outcome = model.outcome(round)
    assert outcome is not None and [r.kind for r in outcome.reasons] == [ReasonKind.ABSTAINED]


def test_withdrawal_closes_the_round_and_refuses_what_follows() -> None:
    round = _round()
    round = _decide(round, KL, Decision.APPROVE)
    assert _problem(model.withdraw(round, " ", USER, T0)) == "required"
    closure = model.withdraw(round, "Ny version på vej.", USER, T0 + timedelta(days=1))
    assert isinstance(closure, ClosureEntry)
    round = model.with_entry(round, closure)
    assert round.state == RoundState.WITHDRAWN and round.closed_at == T0 + timedelta(days=1)
    outcome = model.outcome(round)
    assert outcome is not None and outcome.state == RoundState.WITHDRAWN
    later = T0 + timedelta(days=2)
    assert _problem(model.decide(round, REGIONS, Decision.APPROVE, "", "", USER, later)) == "round_withdrawn"
    assert _problem(model.withdraw(round, "Igen.", USER, later)) == "round_withdrawn"
    assert _problem(model.extend(round, DEADLINE + timedelta(days=7), "Mere tid.", USER, later)) == "round_withdrawn"
    assert model.due_closure(round, DEADLINE + timedelta(days=1)) is None


def test_extension_moves_the_deadline_only_later_and_only_while_open() -> None:
    round = _round()
    assert _problem(model.extend(round, DEADLINE, "Samme frist.", USER, T0)) == "deadline_not_later"
    assert _problem(model.extend(round, DEADLINE + timedelta(days=7), "", USER, T0)) == "required"
    entry = model.extend(round, DEADLINE + timedelta(days=7), "KL's direktion mødes først 15.8.", USER, T0)
    assert isinstance(entry, model.ExtensionEntry) and entry.previous == DEADLINE
    round = model.with_entry(round, entry)
    assert round.deadline == DEADLINE + timedelta(days=7)
    # The old deadline no longer closes it, and a decision after it is now in time.
    assert model.due_closure(round, DEADLINE + timedelta(days=1)) is None
    round = _decide(round, KL, Decision.APPROVE, at=DEADLINE + timedelta(days=1))
    assert round.state == RoundState.OPEN
    # Past the extended deadline: no more extensions.
    late = DEADLINE + timedelta(days=8)
    assert _problem(model.extend(round, late + timedelta(days=7), "Endnu mere.", USER, late)) == "deadline_passed"
    round = _close_at(round, late)
    assert round.closed_at == DEADLINE + timedelta(days=7)
    assert _problem(model.extend(round, late + timedelta(days=7), "Endnu mere.", USER, late)) == "round_closed"


def test_a_decision_changed_before_closing_counts_and_history_keeps_both() -> None:
    round = _round()
    round = _decide(round, REGIONS, Decision.OBJECT, "Afventer RSI.")
    round = _decide(round, REGIONS, Decision.APPROVE_WITH_REMARKS, "Godkendt af RSI med bemærkninger.")
    for org in (KL, SUM, SDS):
        round = _decide(round, org, Decision.APPROVE)
    assert round.state == RoundState.APPROVED
    regions = model.party(round, REGIONS)
    assert regions.decision is not None and regions.decision.decision == Decision.APPROVE_WITH_REMARKS
    assert [d.decision for d in regions.history] == [Decision.OBJECT, Decision.APPROVE_WITH_REMARKS]
    assert len(round.decisions) == 5 and [e.seq for e in round.entries] == [1, 2, 3, 4, 5, 6]


def test_a_late_decision_is_refused() -> None:
    round = _round(silence_is_consent=True)
    assert _problem(model.decide(round, KL, Decision.APPROVE, "", "", USER, DEADLINE)) == "deadline_passed"
    round = _close_at(round, DEADLINE)
    assert round.state == RoundState.APPROVED  # everyone silent, under consent
    late = DEADLINE + timedelta(minutes=1)
    assert _problem(model.decide(round, KL, Decision.OBJECT, "For sent.", "", USER, late)) == "round_closed"
    assert _problem(model.mark_board(round, KL, True, "", USER, late)) == "round_closed"


def test_awaiting_the_own_board_is_shown_until_the_party_decides() -> None:
    round = _round()
    mark = model.mark_board(round, KL, True, "KL's direktion 15.8.", USER, T0)
    assert isinstance(mark, model.BoardEntry)
    round = model.with_entry(round, mark)
    assert model.party(round, KL).awaiting_board and model.party(round, KL).board_note == "KL's direktion 15.8."
    assert _problem(model.mark_board(round, KL, True, "", USER, T0)) == "already_awaiting_board"
    assert _problem(model.mark_board(round, REGIONS, False, "", USER, T0)) == "not_awaiting_board"
    round = _decide(round, KL, Decision.APPROVE, note="Behandlet i KL's direktion 15.8.")
    kl = model.party(round, KL)
    assert not kl.awaiting_board and kl.decision is not None
    assert kl.decision.internal_note == "Behandlet i KL's direktion 15.8."


def test_opening_rules() -> None:
    participants = {KL, REGIONS, SUM, SDS, PLO}

    def problem(**changes: object) -> str | None:
        args: dict[str, object] = {
            "title": "Kommissorium",
            "deadline": DEADLINE,
            "organization_ids": [KL, REGIONS],
            "participant_ids": participants,
            "phase": Phase.CONSULTATION,
            "now": T0,
            **changes,
        }
        found = model.opening_problem(**args)  # type: ignore[arg-type]
        return found.key if found else None

    assert problem() is None
    assert problem(deadline=T0) == "deadline_in_past"
    assert problem(deadline=T0 + timedelta(days=400)) == "deadline_too_far"
    assert problem(organization_ids=[]) == "organizations_required"
    assert problem(organization_ids=[KL, ObjectId()]) == "not_participant_org"
    assert problem(title=" ") == "required"
    assert problem(phase=Phase.APPROVED) == "round_phase"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (datetime(2017, 8, 15, 12, 0), datetime(2017, 8, 15, 10, 0, tzinfo=UTC)),  # summer time, UTC+2
        (datetime(2017, 12, 15, 12, 0), datetime(2017, 12, 15, 11, 0, tzinfo=UTC)),  # winter time, UTC+1
        (datetime(2017, 8, 15, 12, 0, tzinfo=UTC), datetime(2017, 8, 15, 12, 0, tzinfo=UTC)),
    ],
)
def test_a_deadline_without_offset_is_copenhagen_time(given: datetime, expected: datetime) -> None:
    deadline = model.as_deadline(given)
    assert deadline == expected and deadline.tzinfo == COPENHAGEN


def test_what_each_party_last_approved() -> None:
    first = _round(snapshot=SNAP1)
    first = _decide(first, KL, Decision.APPROVE)
    first = _decide(first, REGIONS, Decision.OBJECT, "Nej.")
    first = _decide(first, SUM, Decision.APPROVE)
    first = _decide(first, SDS, Decision.APPROVE_WITH_REMARKS, "Med forbehold.")
    second = _round(snapshot=SNAP2, at=T0 + timedelta(days=30))
    found = model.last_approvals(second, [first, second])
    assert found == {KL: SNAP1, SUM: SNAP1, SDS: SNAP1}  # the regions objected: they approved nothing yet
    assert model.last_approvals(first, [first, second]) == {}
