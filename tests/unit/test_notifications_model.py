"""The pure rules of notifications: working days, when reminders are due, who owes, retries, rendering."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bson import ObjectId

from server.approvals.model import ApprovalRound, BoardEntry, Decision, DecisionEntry
from server.clock import COPENHAGEN
from server.consultations.model import CloseCause, ClosureEntry, Consultation, ExtensionEntry
from server.drafting.model import Phase
from server.notifications import model
from server.notifications.model import Delivery, Kind, Notification, State
from server.notifications.render import calendar, render
from server.notifications.repository import _whole_numbers

KL, REGIONS, PLO = ObjectId(), ObjectId(), ObjectId()
OPENED = datetime(2026, 12, 14, 10, 0, tzinfo=COPENHAGEN)
DEADLINE = datetime(2026, 12, 28, 12, 0, tzinfo=COPENHAGEN)


def _round(*entries: DecisionEntry | BoardEntry, deadline: datetime = DEADLINE) -> ApprovalRound:
    return ApprovalRound(
        id=ObjectId(),
        document_id=ObjectId(),
        snapshot_id=ObjectId(),
        title="Kommissorium",
        organization_ids=(KL, REGIONS),
        silence_is_consent=False,
        opening_deadline=deadline,
        opened_by=None,
        opened_at=OPENED,
        phase_before=Phase.DRAFTING,
        entries=entries,
    )


def test_working_days_skip_weekends_and_danish_holidays() -> None:
    # Christmas Day and Boxing Day 2026 are a Friday and a Saturday; Easter 2027: 25 March – 29 March.
    assert model.working_days_before(date(2026, 12, 28), 1) == date(2026, 12, 24)
    assert model.working_days_before(date(2026, 12, 28), 3) == date(2026, 12, 22)
    assert model.working_days_before(date(2027, 3, 30), 1) == date(2027, 3, 24)  # Maundy Thursday to Easter Monday
    assert not model.is_working_day(date(2027, 5, 6))  # Ascension Day
    assert model.is_working_day(date(2027, 5, 7))


def test_the_nearest_due_reminder_goes_and_none_before_the_round_opened() -> None:
    round = _round()
    days = (3, 1)
    assert model.due_reminder(round, days, datetime(2026, 12, 22, 8, 59, tzinfo=COPENHAGEN)) is None
    assert model.due_reminder(round, days, datetime(2026, 12, 22, 9, 0, tzinfo=COPENHAGEN)) == 3
    assert model.due_reminder(round, days, datetime(2026, 12, 24, 9, 0, tzinfo=COPENHAGEN)) == 1
    assert model.due_reminder(round, days, DEADLINE) is None
    late = _round(deadline=datetime(2026, 12, 16, 12, 0, tzinfo=COPENHAGEN))  # opened two working days before
    assert model.due_reminder(late, days, datetime(2026, 12, 15, 9, 30, tzinfo=COPENHAGEN)) == 1
    assert model.reminder_key(round, 3) != model.reminder_key(_round(deadline=DEADLINE + timedelta(days=2)), 3)


def test_a_party_owes_until_it_decides_and_reminders_skip_one_awaiting_its_board() -> None:
    board = BoardEntry(1, OPENED, None, KL, True, "KL's direktion")
    decided = DecisionEntry(2, OPENED, None, REGIONS, Decision.APPROVE, "", (), "")
    round = _round(board, decided)
    assert model.owing(_round()) == [KL, REGIONS]
    assert model.owing(round) == []
    assert not model.party_decided(round, KL) and model.party_decided(round, REGIONS)


def test_retries_wait_longer_each_time_then_stop() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    waits = [model.retry_at(n, now) for n in range(1, model.MAX_ATTEMPTS + 1)]
    assert waits[-1] is None
    gaps = [w - now for w in waits if w is not None]
    assert gaps[0] == timedelta(seconds=30) and gaps == sorted(gaps) and max(gaps) <= timedelta(hours=1)


def test_formal_notices_cannot_be_turned_off_or_digested() -> None:
    prefs = model.Preferences(
        ObjectId(), "da", {Kind.ROUND_REMINDER: Delivery.OFF, Kind.DECISION_RECORDED: Delivery.OFF}
    )
    assert prefs.delivery(Kind.ROUND_REMINDER) == Delivery.IMMEDIATE
    assert prefs.delivery(Kind.DECISION_RECORDED) == Delivery.OFF
    assert model.preference_problem(Kind.ROUND_OPENED, Delivery.DIGEST) == "notification_formal"
    assert model.preference_problem(Kind.DECISION_RECORDED, Delivery.DIGEST) is None
    assert model.due_at(Delivery.DIGEST, OPENED) == datetime(2026, 12, 15, 7, 0, tzinfo=COPENHAGEN)


def _message(kind: Kind, language: str, **params: str) -> Notification:
    return Notification(
        ObjectId(), "e", kind, ObjectId(), "a@example.dk", language, params, None, OPENED, OPENED,
        State.PENDING, 0, 0, "", None,
    )  # fmt: skip


def test_messages_escape_user_text_and_speak_the_recipients_language() -> None:
    params = {
        "round_title": "<script>alert(1)</script>",
        "document_title": "Kommissorium",
        "organization": "KL",
        "deadline": DEADLINE.isoformat(),
        "snapshot": "Udkast 2",
        "path": "/approval-rounds/rnd_1",
    }
    danish = render(_message(Kind.ROUND_OPENED, "da", **params), "https://udkast.example/x", None)
    assert "<script>" not in danish.html and "&lt;script&gt;" in danish.html
    assert "28. december 2026 kl. 12.00" in danish.text
    english = render(_message(Kind.ROUND_OPENED, "en", **params), "https://udkast.example/x", None)
    assert english.subject.startswith("Written procedure:") and "28 December 2026 at 12:00" in english.text
    ics = calendar(_message(Kind.ROUND_OPENED, "da", **params), "https://udkast.example", OPENED)
    assert ics is not None and b"DTSTART:20261228T110000Z" in ics


def test_an_outbox_page_ends_between_numbers_so_the_next_page_misses_none() -> None:
    # Two writers drew 4 at once: both messages numbered 4 go on the next page together.
    found = [replace(_message(Kind.INVITATION, "da"), seq=seq) for seq in (6, 5, 4, 4, 3)]
    page = _whole_numbers(found, 3)
    assert [n.seq for n in page] == [6, 5]
    rest = [n for n in found if n.seq < page[-1].seq]
    assert [n.seq for n in _whole_numbers(rest, 3)] == [4, 4, 3]
    assert _whole_numbers(found[:2], 3) == found[:2]


def _consultation(*entries: ExtensionEntry | ClosureEntry, accept_late: bool = False) -> Consultation:
    return Consultation(
        id=ObjectId(), document_id=ObjectId(), number=1, snapshot_id=ObjectId(), letter="Hermed i høring.",
        letter_html="<p>Hermed i høring.</p>", opening_deadline=DEADLINE, accept_late=accept_late, opened_by=None,
        opened_at=OPENED, organization_ids=(KL, REGIONS, PLO), phase_before=Phase.DRAFTING, entries=entries,
    )  # fmt: skip


def test_a_consulted_party_owes_a_response_until_it_answers_and_is_reminded_in_working_days() -> None:
    consultation = _consultation()
    # KL answered (responded, no remarks or declined: the same to the rule); the others owe.
    assert model.owing_responses(consultation, {KL}) == [REGIONS, PLO]
    assert not model.owes_response(consultation, ObjectId(), set())  # not consulted
    assert model.due_reminder(consultation, (3, 1), datetime(2026, 12, 22, 9, 0, tzinfo=COPENHAGEN)) == 3
    assert model.due_reminder(consultation, (3, 1), DEADLINE) is None
    closed = _consultation(ClosureEntry(1, OPENED + timedelta(days=1), None, CloseCause.CLOSED))
    assert model.owing_responses(closed, set()) == []
    assert model.due_reminder(closed, (3, 1), datetime(2026, 12, 22, 9, 0, tzinfo=COPENHAGEN)) is None
    extended = _consultation(ExtensionEntry(1, OPENED, None, DEADLINE, DEADLINE + timedelta(days=7), ""))
    assert model.reminder_key(extended, 3) != model.reminder_key(replace(extended, entries=()), 3)


def test_a_consultation_message_quotes_the_letter_and_carries_its_deadline() -> None:
    params = {
        "consultation_id": "hrg_1",
        "document_title": "Strategi <for> sundhedsdata",
        "organization": "PLO",
        "snapshot": "Udgave 1 – Høringsudkast",
        "deadline": DEADLINE.isoformat(),
        "letter_start": "Hermed i høring.\nSvar gerne <i>tidligt</i>.",
        "path": "/consultations/hrg_1",
    }
    message = _message(Kind.CONSULTATION_OPENED, "da", **params)
    danish = render(message, "https://udkast.example/consultations/hrg_1", "https://udkast.example/unsubscribe/t")
    assert danish.subject == "Høring: Strategi <for> sundhedsdata – frist 28. december 2026 kl. 12.00"
    assert "Høringsbrevet begynder sådan:\n> Hermed i høring.\n> Svar gerne <i>tidligt</i>." in danish.text
    assert "&lt;i&gt;tidligt&lt;/i&gt;" in danish.html and "<i>" not in danish.html
    ics = calendar(message, "https://udkast.example", OPENED)
    assert ics is not None and b"DTSTART:20261228T110000Z" in ics and b"UID:hrg_1@udkast.example" in ics
    assert b"SUMMARY:H\xc3\xb8ringsfrist: Strategi <for> sundhedsdata" in ics
    english = render(_message(Kind.ANSWERS_PUBLISHED, "en", **params), "https://udkast.example/x", None)
    assert english.subject == "Answers to your consultation response: Strategi <for> sundhedsdata"
