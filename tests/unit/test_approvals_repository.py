"""How decisions are stored and read back: the private note, and notes stored before it was private."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId

from server.approvals.model import Decision, DecisionEntry
from server.approvals.repository import _entry, _entry_fields

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
KL = ObjectId()


def _decision(**fields: object) -> dict[str, object]:
    return {"seq": 1, "at": AT, "by": None, "kind": "DECISION", "organization_id": KL, **fields}


def test_a_private_note_round_trips_apart_from_the_remarks() -> None:
    entry = DecisionEntry(1, AT, None, KL, Decision.APPROVE_WITH_REMARKS, "Forbehold.", (), "Forelagt direktionen.")
    stored = _entry_fields(entry)
    assert stored["private_note"] == "Forelagt direktionen." and "internal_note" not in stored
    assert _entry(stored) == entry


def test_a_note_stored_while_it_was_shown_to_all_is_read_as_shared_remarks() -> None:
    # Before the note became private it was shown to every party and printed in the record:
    # it stays visible to all, as remarks, and never turns into a private note.
    legacy = _entry(_decision(decision="APPROVE", remarks="", internal_note="Forelagt RSI 3.12."))
    assert isinstance(legacy, DecisionEntry)
    assert legacy.remarks == "Forelagt RSI 3.12." and legacy.internal_note == ""
    both = _entry(_decision(decision="APPROVE_WITH_REMARKS", remarks="Forbehold.", internal_note="Forelagt RSI."))
    assert isinstance(both, DecisionEntry)
    assert both.remarks == "Forbehold.\n\nForelagt RSI." and both.internal_note == ""
    untouched = _entry(_decision(decision="APPROVE", remarks="", internal_note=""))
    assert isinstance(untouched, DecisionEntry) and untouched.remarks == ""
