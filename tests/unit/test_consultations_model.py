"""The consultation rules as pure functions: closing at the deadline, extensions, answers, statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId

from server.consultations import model
from server.consultations.model import CloseCause, Consultation, PartyStatus, Response, ResponseKind
from server.drafting.model import Phase
from server.validation import InputProblem

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
KL, PLO, REGIONS = ObjectId(), ObjectId(), ObjectId()


def _consultation(*, accept_late: bool = False, days: int = 7) -> Consultation:
    return Consultation(
        id=ObjectId(),
        document_id=ObjectId(),
        number=1,
        snapshot_id=ObjectId(),
        letter="Hermed i høring.",
        letter_html="<p>Hermed i høring.</p>",
        opening_deadline=NOW + timedelta(days=days),
        accept_late=accept_late,
        opened_by=None,
        opened_at=NOW,
        organization_ids=(KL, PLO, REGIONS),
        phase_before=Phase.DRAFTING,
    )


def _key(problem: object) -> str:
    assert isinstance(problem, InputProblem), problem
    return problem.key


def test_it_closes_at_its_deadline_unless_late_responses_are_accepted() -> None:
    strict, lenient = _consultation(), _consultation(accept_late=True)
    assert model.due_closure(strict, NOW + timedelta(days=6)) is None
    closure = model.due_closure(strict, NOW + timedelta(days=9))
    assert closure is not None and closure.at == strict.deadline and closure.cause == CloseCause.DEADLINE
    closed = model.with_entry(strict, closure)
    assert closed.state == model.ConsultationState.CLOSED and closed.closed_at == strict.deadline
    assert model.due_closure(closed, NOW + timedelta(days=10)) is None
    assert model.due_closure(lenient, NOW + timedelta(days=30)) is None


def test_extensions_move_the_deadline_later_while_open() -> None:
    consultation = _consultation()
    entry = model.extend(consultation, NOW + timedelta(days=10), "", None, NOW)
    assert isinstance(entry, model.ExtensionEntry)
    extended = model.with_entry(consultation, entry)
    assert extended.deadline == NOW + timedelta(days=10) and entry.previous == NOW + timedelta(days=7)
    assert _key(model.extend(extended, NOW + timedelta(days=9), "", None, NOW)) == "deadline_not_later"
    closure = model.close(extended, None, NOW)
    assert isinstance(closure, model.ClosureEntry)
    closed = model.with_entry(extended, closure)
    assert _key(model.extend(closed, NOW + timedelta(days=20), "", None, NOW)) == "consultation_closed"
    assert _key(model.close(closed, None, NOW)) == "consultation_closed"


def test_opening_rules() -> None:
    later = NOW + timedelta(days=7)
    assert model.opening_problem("Brev", later, [KL], Phase.DRAFTING, NOW) is None
    assert _key(model.opening_problem("Brev", NOW, [KL], Phase.DRAFTING, NOW)) == "deadline_in_past"
    assert _key(model.opening_problem("Brev", later, [], Phase.DRAFTING, NOW)) == "consultation_organizations_required"
    assert _key(model.opening_problem(" ", later, [KL], Phase.DRAFTING, NOW)) == "required"
    assert _key(model.opening_problem("Brev", later, [KL], Phase.APPROVED, NOW)) == "consultation_phase"
    assert _key(model.opening_problem("Brev", later, [KL], Phase.WRITTEN_PROCESS, NOW)) == "consultation_phase"


def test_a_party_answers_once_in_time_or_late_when_accepted() -> None:
    strict, lenient = _consultation(), _consultation(accept_late=True)
    assert model.response_problem(strict, KL, None, NOW) is None
    assert _key(model.response_problem(strict, ObjectId(), None, NOW)) == "not_consulted_party"
    answered = Response(strict.id, KL, ResponseKind.NO_REMARKS, NOW, False, None)
    assert _key(model.response_problem(strict, KL, answered, NOW)) == "consultation_already_answered"
    after = NOW + timedelta(days=8)
    assert _key(model.response_problem(strict, KL, None, after)) == "consultation_deadline_passed"
    closure = model.due_closure(strict, after)
    assert closure is not None
    assert _key(model.response_problem(model.with_entry(strict, closure), KL, None, after)) == (
        "consultation_deadline_passed"
    )
    assert model.response_problem(lenient, KL, None, after) is None and model.is_late(lenient, after)


def test_statuses_in_the_order_of_the_list_and_no_response_after_the_close() -> None:
    consultation = _consultation()
    responses = (Response(consultation.id, PLO, ResponseKind.NO_REMARKS, NOW, False, None),)
    answers = model.Answers(responses, (model.PartyComment(consultation.id, KL, None),))
    views = model.party_views(consultation, answers)
    assert [(v.organization_id, v.status, v.no_response) for v in views] == [
        (KL, PartyStatus.DRAFTING, False),
        (PLO, PartyStatus.NO_REMARKS, False),
        (REGIONS, PartyStatus.INVITED, False),
    ]
    closure = model.close(consultation, None, NOW)
    assert isinstance(closure, model.ClosureEntry)
    closed = model.party_views(model.with_entry(consultation, closure), answers)
    assert [v.no_response for v in closed] == [True, False, True]
    assert closed[1].responded_at == NOW and closed[1].late is False


def test_a_party_whose_comments_went_in_without_a_response_has_responded() -> None:
    """Direct submission: each comment goes in as it is written, and no response is recorded."""
    consultation = _consultation(accept_late=True)
    late = consultation.deadline + timedelta(hours=1)
    comments = (
        model.PartyComment(consultation.id, KL, NOW + timedelta(hours=2)),
        model.PartyComment(consultation.id, KL, NOW + timedelta(hours=1)),
        model.PartyComment(consultation.id, KL, None),  # a draft beside them changes nothing
        model.PartyComment(consultation.id, REGIONS, late),
        model.PartyComment(ObjectId(), PLO, NOW),  # in another consultation
    )
    answers = model.answers_by_consultation([consultation.id], (), comments)[consultation.id]
    assert answers.answered == {KL, REGIONS}
    closure = model.close(consultation, None, late)
    assert isinstance(closure, model.ClosureEntry)
    views = model.party_views(model.with_entry(consultation, closure), answers)
    assert [(v.status, v.responded_at, v.late, v.no_response) for v in views] == [
        (PartyStatus.RESPONDED, NOW + timedelta(hours=1), False, False),
        (PartyStatus.INVITED, None, False, True),
        (PartyStatus.RESPONDED, late, True, False),
    ]
    assert _key(model.response_problem(consultation, KL, None, NOW, comments_sent=True)) == (
        "consultation_already_answered"
    )
