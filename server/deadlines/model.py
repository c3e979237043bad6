"""A record that runs to a deadline, as pure rules over plain data.

Approval rounds and consultations are both opened on a snapshot with a deadline; everything that
happens to one afterwards is an entry in its append-only log, numbered 1, 2, 3, … per record:
deadline extensions, the feature's own entries (decisions, board marks) and at most one closure.
The current deadline, whether the record is open and when it closed are derived from the log
here; what closes a record and with what outcome is each feature's own rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar, cast

from bson import ObjectId

from server.clock import COPENHAGEN, truncate
from server.validation import InputProblem, first_problem, text_problem

MAX_LENGTH = timedelta(days=366)
MAX_REASON = 2_000


@dataclass(frozen=True)
class LogEntry:
    """What every entry of a log has: its number in the log, when, and by whom (None: by itself)."""

    seq: int
    at: datetime
    by: ObjectId | None


@dataclass(frozen=True)
class ExtensionEntry(LogEntry):
    previous: datetime
    deadline: datetime
    reason: str


@dataclass(frozen=True)
class Closure(LogEntry):
    """The entry that ends a log; each feature's closure says why and with what outcome."""


C = TypeVar("C", bound=Closure)


class Deadlined(Generic[C]):
    """The state a record derives from its log (a base for frozen dataclasses with these fields)."""

    id: ObjectId
    organization_ids: tuple[ObjectId, ...]  # the parties, in order
    opening_deadline: datetime
    entries: tuple[LogEntry, ...]

    @property
    def state(self) -> StrEnum:
        """OPEN, or how the record closed; each feature names its states."""
        raise NotImplementedError

    @property
    def deadline(self) -> datetime:
        extensions = self.extensions
        return extensions[-1].deadline if extensions else self.opening_deadline

    @property
    def closure(self) -> C | None:
        # A log holds its own feature's closure entries only.
        return next((cast(C, e) for e in reversed(self.entries) if isinstance(e, Closure)), None)

    @property
    def is_open(self) -> bool:
        return self.closure is None

    @property
    def closed_at(self) -> datetime | None:
        closure = self.closure
        return closure.at if closure else None

    @property
    def extensions(self) -> tuple[ExtensionEntry, ...]:
        return tuple(e for e in self.entries if isinstance(e, ExtensionEntry))

    @property
    def next_seq(self) -> int:
        return self.entries[-1].seq + 1 if self.entries else 1


R = TypeVar("R", bound="Deadlined[Any]")


def with_entry(record: R, entry: LogEntry) -> R:
    assert entry.seq == record.next_seq, "entries are appended in order"
    return replace(record, entries=(*record.entries, entry))  # type: ignore[type-var]


# Input


def as_deadline(value: datetime) -> datetime:
    """A deadline as given: without a UTC offset it is a Copenhagen wall-clock time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=COPENHAGEN)
    return truncate(value.astimezone(COPENHAGEN))


def deadline_problem(deadline: datetime, now: datetime) -> InputProblem | None:
    if deadline <= now:
        return InputProblem("deadline", "deadline_in_past", {})
    if deadline > now + MAX_LENGTH:
        return InputProblem("deadline", "deadline_too_far", {"days": MAX_LENGTH.days})
    return None


def extend(
    record: Deadlined[Any],
    deadline: datetime,
    reason: str,
    by: ObjectId | None,
    now: datetime,
    *,
    open_problem: InputProblem | None,
    reason_required: bool,
) -> ExtensionEntry | InputProblem:
    """Move the deadline later while the record is open (``open_problem`` says why not)."""
    problem = first_problem(open_problem, text_problem("reason", reason, MAX_REASON, required=reason_required))
    if problem:
        return problem
    if deadline <= record.deadline:
        return InputProblem("deadline", "deadline_not_later", {})
    problem = deadline_problem(deadline, now)
    if problem:
        return problem
    return ExtensionEntry(record.next_seq, now, by, record.deadline, deadline, reason.strip())
