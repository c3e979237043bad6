"""Dates in server messages and e-mails: Danish or English month names, never the system locale's."""

from __future__ import annotations

import locale
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from server import messages
from server.clock import COPENHAGEN, danish_datetime, english_date
from server.notifications.render import _when

ENGLISH = "January February March April May June July August September October November December".split()
DANISH = "januar februar marts april maj juni juli august september oktober november december".split()
# Locales whose month names are not English, tried in turn (a machine may have none of them).
OTHER_LOCALES = ("da_DK.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8", "nb_NO.UTF-8", "sv_SE.UTF-8")


def test_every_month_is_named_in_each_language() -> None:
    for month in range(1, 13):
        moment = datetime(2026, month, 3, 9, 5, tzinfo=COPENHAGEN)
        assert english_date(moment) == f"3 {ENGLISH[month - 1]} 2026"
        assert danish_datetime(moment) == f"3. {DANISH[month - 1]} 2026 kl. 09.05"


def test_a_message_and_an_email_give_the_moment_in_copenhagen_time() -> None:
    closed = datetime(2026, 12, 31, 23, 30, tzinfo=COPENHAGEN)
    assert messages.text("commenting_closed_since", "en", closed_at=closed.isoformat()) == (
        "Commenting is closed: the consultation ended 31 December 2026, 23:30."
    )
    assert messages.text("commenting_closed_since", "da", closed_at=closed) == (
        "Der kan ikke længere kommenteres: høringen sluttede 31. december 2026 kl. 23.30."
    )
    assert _when("2027-01-01T00:15:00+00:00", "en") == "1 January 2027 at 01:15 (Copenhagen time)"


@pytest.fixture
def other_time_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A non-English LC_TIME: an installed one, or Danish compiled from glibc's sources when present."""
    before = locale.setlocale(locale.LC_TIME)
    if shutil.which("localedef") and Path("/usr/share/i18n/locales/da_DK").exists():
        subprocess.run(["localedef", "-i", "da_DK", "-f", "UTF-8", str(tmp_path / "da_DK.UTF-8")], capture_output=True)
        if (tmp_path / "da_DK.UTF-8").is_dir():  # localedef warns (exit 1) about some sources yet writes
            monkeypatch.setenv("LOCPATH", str(tmp_path))
    for name in OTHER_LOCALES:
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        try:
            yield name
        finally:
            locale.setlocale(locale.LC_TIME, before)
        return
    pytest.skip(f"none of {', '.join(OTHER_LOCALES)} is installed")


def test_english_dates_do_not_follow_the_system_locale(other_time_locale: str) -> None:
    moment = datetime(2026, 5, 4, 12, 0, tzinfo=COPENHAGEN)
    assert moment.strftime("%B") != "May", f"{other_time_locale} names May in English"
    assert messages.text("commenting_closed_since", "en", closed_at=moment) == (
        "Commenting is closed: the consultation ended 4 May 2026, 12:00."
    )
    assert _when(moment.isoformat(), "en") == "4 May 2026 at 12:00 (Copenhagen time)"
