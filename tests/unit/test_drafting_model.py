"""The reader's table of contents and its pages, as pure rules (``server.drafting.model``)."""

from __future__ import annotations

from bson import ObjectId

from server.drafting.model import SectionHeading, SnapshotEntry, headings_as_sent, page_of


def _headings(*titles: str) -> list[SectionHeading]:
    return [SectionHeading(ObjectId(), t.lower(), t, n) for n, t in enumerate(titles)]


def _sent(headings: list[SectionHeading], titles: dict[int, str] | None = None) -> list[SnapshotEntry]:
    return [SnapshotEntry(h.id, 1, h.key, (titles or {}).get(n, h.title)) for n, h in enumerate(headings)]


def test_a_consulted_party_reads_the_titles_sent_and_the_sections_deleted_since_in_their_place() -> None:
    a, b, c, d = _headings("A", "B", "C", "D")
    sent = _sent([a, b, c, d], {0: "A som sendt"})
    live = [SectionHeading(a.id, "a", "A nu", 0), SectionHeading(c.id, "c", "C", 1)]  # B and D deleted since
    added = SectionHeading(ObjectId(), "e", "E", 2)
    read = headings_as_sent([*live, added], sent)
    assert [(h.id, h.title, h.deleted) for h in read] == [
        (a.id, "A som sendt", False),
        (b.id, "B", True),
        (c.id, "C", False),
        (d.id, "D", True),
        (added.id, "E", False),  # added since: its own title
    ]
    # Each deleted section takes the position of the section before it in the text sent: a stable sort keeps it.
    assert [h.position for h in read] == [0, 0, 1, 1, 2]
    assert sorted(read, key=lambda h: h.position) == read


def test_nothing_changes_for_a_party_whose_text_is_as_sent() -> None:
    headings = _headings("A", "B")
    assert headings_as_sent(headings, _sent(headings)) == headings


def test_a_page_of_headings_goes_on_after_a_section_deleted_since() -> None:
    a, b, c = _headings("A", "B", "C")
    assert page_of([a, b, c], a, 1) == [b]
    gone = SectionHeading(ObjectId(), "x", "X", 1)  # stood where B stands now
    assert page_of([a, b, c], gone, 5) == [b, c]
