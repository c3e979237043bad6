"""Notifications as pure rules: what an event obliges Udkast to tell whom, and when.

A workflow that records an event also writes the notifications it causes to the *outbox*, one per
(event, recipient, kind), so the same event never notifies the same person twice. A sender in
every app process delivers them (``server.notifications.sender``). This module decides the
parts that need no store: who owes a decision (the same rule for reminders and for *Mine
opgaver*), when a reminder is due in working days, how long to wait after a failure, and how a
user's preferences apply.

Consultations (*høringer*, issue 18) are further kinds (``CONSULTATION_OPENED`` …) with their
own ``owes_response`` rule beside ``owes_decision``: a consulted party owes a response until it
has answered (responded, "ingen bemærkninger" or declined) or the consultation has closed.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

import holidays
from bson import ObjectId

from server.approvals.model import ApprovalRound, party
from server.clock import COPENHAGEN
from server.consultations.model import Consultation


class Kind(StrEnum):
    INVITATION = "INVITATION"  # the single-use link, to the invited address
    ROUND_OPENED = "ROUND_OPENED"  # to the approvers of each required party, with the deadline (.ics)
    ROUND_REMINDER = "ROUND_REMINDER"  # before the deadline, or sent by the secretariat, to parties that owe
    ROUND_CLOSED = "ROUND_CLOSED"  # the outcome, to every party
    DECISION_RECORDED = "DECISION_RECORDED"  # a party decided: for the secretariat, may be digested or off
    # To the consulted parties' commenters and approvers:
    CONSULTATION_OPENED = "CONSULTATION_OPENED"  # with the deadline (.ics) and the høringsbrev's start
    CONSULTATION_REMINDER = "CONSULTATION_REMINDER"  # before the deadline, or sent by the secretariat
    CONSULTATION_CLOSED = "CONSULTATION_CLOSED"  # to every consulted party
    ANSWERS_PUBLISHED = "ANSWERS_PUBLISHED"  # the steering group's answers to one party, to that party


# The formal notices of the written procedure: a party must receive them, so they cannot be turned off.
FORMAL = frozenset({Kind.ROUND_OPENED, Kind.ROUND_REMINDER, Kind.ROUND_CLOSED})
# Sent to an address rather than a user with preferences.
ADDRESSED = frozenset({Kind.INVITATION})
CHOOSABLE = tuple(k for k in Kind if k not in FORMAL and k not in ADDRESSED)


class Delivery(StrEnum):
    IMMEDIATE = "IMMEDIATE"
    DIGEST = "DIGEST"  # collected into one message a day
    OFF = "OFF"


class State(StrEnum):
    PENDING = "PENDING"  # waiting for its time (a digest, a retry) or a sender
    SENT = "SENT"
    UNDELIVERABLE = "UNDELIVERABLE"  # the mail server refused the address, or retries ran out
    SKIPPED = "SKIPPED"  # the recipient was deactivated, lost access or turned the kind off before it went


MAX_ATTEMPTS = 8
_FIRST_RETRY = timedelta(seconds=30)
_LONGEST_WAIT = timedelta(hours=1)
REMINDER_HOUR = time(9, 0)  # reminders go out at 09:00 Copenhagen time on their working day
DIGEST_HOUR = time(7, 0)


@dataclass(frozen=True)
class Preferences:
    user_id: ObjectId
    language: str = "da"  # "da" or "en"
    deliveries: Mapping[Kind, Delivery] = field(default_factory=dict)

    def delivery(self, kind: Kind) -> Delivery:
        if kind in FORMAL or kind in ADDRESSED:
            return Delivery.IMMEDIATE
        return self.deliveries.get(kind, Delivery.IMMEDIATE)


def preference_problem(kind: Kind, delivery: Delivery) -> str | None:
    """The message key of why ``kind`` cannot be delivered so, or None."""
    if kind in ADDRESSED:
        return "notification_not_choosable"
    if kind in FORMAL and delivery != Delivery.IMMEDIATE:
        return "notification_formal"
    return None


@dataclass(frozen=True)
class Notification:
    """One message in the outbox: to whom, about what, and how its delivery stands."""

    id: ObjectId
    event_key: str  # the event that caused it (an event id, or a reminder's key)
    kind: Kind
    user_id: ObjectId | None  # None for an invitation, which goes to an address
    address: str
    language: str
    params: Mapping[str, str]  # what the message says, fixed when it was written
    document_id: ObjectId | None
    created_at: datetime
    due_at: datetime
    state: State
    attempts: int
    revision: int
    last_error: str
    sent_at: datetime | None
    seq: int = 0  # its number in the outbox, drawn when it was written: the outbox page's order and cursor


@dataclass(frozen=True)
class OutboxPage:
    items: list[Notification]  # newest first
    next_before: int | None  # the ``before`` of the next (older) page; None at the oldest


@dataclass(frozen=True)
class NewNotification:
    event_key: str
    kind: Kind
    user_id: ObjectId | None
    address: str
    language: str
    params: Mapping[str, str]
    document_id: ObjectId | None
    due_at: datetime


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` temporary failures; None once they are used up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait: timedelta = min(_FIRST_RETRY * 2 ** max(attempts - 1, 0), _LONGEST_WAIT)
    return now + wait


def due_at(delivery: Delivery, now: datetime) -> datetime:
    """At once, or at the next digest hour (Copenhagen time)."""
    if delivery != Delivery.DIGEST:
        return now
    local = now.astimezone(COPENHAGEN)
    moment = datetime.combine(local.date(), DIGEST_HOUR, COPENHAGEN)
    return moment if moment > local else datetime.combine(local.date() + timedelta(days=1), DIGEST_HOUR, COPENHAGEN)


# Working days


@functools.cache
def _danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The working day ``count`` working days before ``day`` (Danish public holidays excluded)."""
    while count > 0:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days after ``start``'s day up to and including ``end``'s day (Copenhagen)."""
    first, last = start.astimezone(COPENHAGEN).date(), end.astimezone(COPENHAGEN).date()
    days, day = 0, first
    while day < last:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days


def reminder_moment(deadline: datetime, days: int) -> datetime:
    day = working_days_before(deadline.astimezone(COPENHAGEN).date(), days)
    return datetime.combine(day, REMINDER_HOUR, COPENHAGEN)


class WithDeadline(Protocol):
    """An approval round or a consultation: what the reminders before a deadline need of it."""

    @property
    def id(self) -> ObjectId: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def deadline(self) -> datetime: ...
    @property
    def opened_at(self) -> datetime: ...


def due_reminder(process: WithDeadline, days: Sequence[int], now: datetime) -> int | None:
    """Which reminder of an open round or consultation is due now: the nearest to the deadline
    whose moment has come, if it came after it opened (a round opened two days before its deadline
    gets no three-day reminder). One key per reminder and deadline makes each go out once."""
    if not process.is_open or now >= process.deadline:
        return None
    due = [d for d in days if process.opened_at <= reminder_moment(process.deadline, d) <= now]
    return min(due) if due else None


def reminder_key(process: WithDeadline, days: int) -> str:
    return f"reminder:{process.id}:{process.deadline.isoformat()}:{days}"


def owes_decision(round: ApprovalRound, organization_id: ObjectId) -> bool:
    """A required party of an open round that has neither decided nor said it awaits its own board:
    the parties reminders go to, and the decisions *Mine opgaver* lists."""
    if not round.is_open or organization_id not in round.organization_ids:
        return False
    standing = party(round, organization_id)
    return standing.decision is None and not standing.awaiting_board


def party_decided(round: ApprovalRound, organization_id: ObjectId) -> bool:
    return party(round, organization_id).decision is not None


def owing(round: ApprovalRound) -> list[ObjectId]:
    return [o for o in round.organization_ids if owes_decision(round, o)]


def owes_response(consultation: Consultation, organization_id: ObjectId, answered: Collection[ObjectId]) -> bool:
    """A consulted party of an open consultation that has not answered (``answered``: the
    organisations with a response): the parties consultation reminders go to, and the responses
    *Mine opgaver* lists."""
    return consultation.is_open and organization_id in consultation.organization_ids and organization_id not in answered


def owing_responses(consultation: Consultation, answered: Collection[ObjectId]) -> list[ObjectId]:
    return [o for o in consultation.organization_ids if owes_response(consultation, o, answered)]
