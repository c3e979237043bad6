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
