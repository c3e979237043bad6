"""Time. All deadline and expiry logic asks an injected clock, so tests never sleep."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class Clock(Protocol):
    def now(self) -> datetime: ...


def truncate(moment: datetime) -> datetime:
    """BSON keeps milliseconds; truncating first makes stored and in-memory times equal."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class SystemClock:
    def now(self) -> datetime:
        return truncate(datetime.now(UTC))


# Month names spelled out here, not by strftime('%B'), which names them in the process's LC_TIME locale.
_MONTHS = {
    "da": ["januar", "februar", "marts", "april", "maj", "juni",
           "juli", "august", "september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June",
           "July", "August", "September", "October", "November", "December"],
}  # fmt: skip


def danish_date(moment: datetime) -> str:
    """'27. november 2026', in Copenhagen time."""
    return _date(moment, "{day}. {month} {year}", _MONTHS["da"])


def danish_datetime(moment: datetime) -> str:
    """'27. november 2026 kl. 14.05', in Copenhagen time."""
    return f"{danish_date(moment)} kl. {_clock(moment, '.')}"


def english_date(moment: datetime) -> str:
    """'27 November 2026', in Copenhagen time, whatever the system locale."""
    return _date(moment, "{day} {month} {year}", _MONTHS["en"])


def clock_time(moment: datetime) -> str:
    """'14:05', in Copenhagen time (the English clock; Danish writes 14.05)."""
    return _clock(moment, ":")


def _date(moment: datetime, pattern: str, months: list[str]) -> str:
    local = moment.astimezone(COPENHAGEN)
    return pattern.format(day=local.day, month=months[local.month - 1], year=local.year)


def _clock(moment: datetime, separator: str) -> str:
    local = moment.astimezone(COPENHAGEN)
    return f"{local.hour:02d}{separator}{local.minute:02d}"
