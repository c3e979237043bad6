from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from server.drafting.diff import DiffSegment, diff_html, diff_paragraphs_html, diff_segments, source_of, target_of
from server.markdown import reading_text

# Characters that exercise words, Danish letters, punctuation, HTML and paragraph structure.
_MARKDOWNISH = st.text(alphabet=list("aæø b.,<>&'\"\n\r\t"), max_size=80)
_ANY_TEXT = st.one_of(_MARKDOWNISH, st.text(max_size=60))


def _assert_canonical(segments: list[DiffSegment]) -> None:
    assert all(segment.text for segment in segments)
    assert all(one.kind != other.kind for one, other in zip(segments, segments[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT, _ANY_TEXT)
def test_segments_rebuild_both_texts_exactly(old: str, new: str) -> None:
    segments = diff_segments(old, new)
    assert source_of(segments) == old
    assert target_of(segments) == new
    _assert_canonical(segments)


@settings(max_examples=200, deadline=None)
@given(st.lists(_MARKDOWNISH, min_size=1, max_size=5), st.data())
def test_segments_rebuild_related_texts_exactly(pieces: list[str], data: st.DataObject) -> None:
    old = "\n\n".join(pieces)
    edited = list(pieces)
    index = data.draw(st.integers(0, len(pieces) - 1))
    edited[index] = data.draw(_MARKDOWNISH)
    new = "\n\n".join(edited)
    segments = diff_segments(old, new)
    assert (source_of(segments), target_of(segments)) == (old, new)
    _assert_canonical(segments)


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT)
def test_identical_texts_are_one_equal_segment(text: str) -> None:
    assert diff_segments(text, text) == ([DiffSegment("equal", text)] if text else [])


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT, _ANY_TEXT)
def test_html_contains_only_the_diff_tags(old: str, new: str) -> None:
    markup = diff_html(diff_segments(old, new))
    assert "<" not in re.sub(r"</?(?:ins|del)>|<br>", "", markup)


def test_empty_texts() -> None:
    assert diff_segments("", "") == []
    assert diff_segments("", "Nyt.") == [DiffSegment("insert", "Nyt.")]
    assert diff_segments("Gammelt.", "") == [DiffSegment("delete", "Gammelt.")]


def test_one_changed_word_in_a_long_paragraph_is_just_that_word() -> None:
    old = "Strategien skal styrke samarbejdet mellem kommunerne, regionerne og staten om den grønne omstilling."
    new = "Strategien skal styrke samarbejdet mellem kommunerne, regionerne og ministerierne om den grønne omstilling."
    assert diff_segments(old, new) == [
        DiffSegment("equal", "Strategien skal styrke samarbejdet mellem kommunerne, regionerne og "),
        DiffSegment("delete", "staten"),
        DiffSegment("insert", "ministerierne"),
        DiffSegment("equal", " om den grønne omstilling."),
    ]


def test_danish_words_are_whole_tokens() -> None:
    assert diff_segments("Vi spiser blåbærgrød.", "Vi spiser rødgrød.") == [
        DiffSegment("equal", "Vi spiser "),
        DiffSegment("delete", "blåbærgrød"),
        DiffSegment("insert", "rødgrød"),
        DiffSegment("equal", "."),
    ]


def test_punctuation_changes_alone() -> None:
    assert diff_segments("Det er godt.", "Det er godt!") == [
        DiffSegment("equal", "Det er godt"),
        DiffSegment("delete", "."),
        DiffSegment("insert", "!"),
    ]


def test_neighbouring_replaced_words_read_as_one_replacement() -> None:
    assert diff_segments("Vi gør det nu.", "Vi venter lidt nu.") == [
        DiffSegment("equal", "Vi "),
        DiffSegment("delete", "gør det"),
        DiffSegment("insert", "venter lidt"),
        DiffSegment("equal", " nu."),
    ]


def test_a_sentence_added_to_a_short_paragraph_is_an_insertion_into_it() -> None:
    assert diff_segments("Kort afsnit.", "Kort afsnit med en lang tilføjelse om alt det nye.") == [
        DiffSegment("equal", "Kort afsnit"),
        DiffSegment("insert", " med en lang tilføjelse om alt det nye"),
        DiffSegment("equal", "."),
    ]


def test_inserted_and_deleted_paragraphs_are_whole() -> None:
    old = "Indledning.\n\nGammelt afsnit om noget helt andet.\n\nAfslutning."
    new = "Indledning.\n\nAfslutning.\n\nEt nyt afsnit til sidst."
    assert diff_segments(old, new) == [
        DiffSegment("equal", "Indledning.\n\n"),
        DiffSegment("delete", "Gammelt afsnit om noget helt andet.\n\n"),
        DiffSegment("equal", "Afslutning."),
        DiffSegment("insert", "\n\nEt nyt afsnit til sidst."),
    ]


def test_a_paragraph_inserted_between_others() -> None:
    old = "Et.\n\nTre."
    new = "Et.\n\nTo, som er nyt.\n\nTre."
    assert diff_segments(old, new) == [
        DiffSegment("equal", "Et.\n\n"),
        DiffSegment("insert", "To, som er nyt.\n\n"),
        DiffSegment("equal", "Tre."),
    ]


def test_html_escapes_text_and_marks_changes() -> None:
    old = "Se <script>alert('x')</script> og læs mere om planen & målene.\n\nSlut."
    segments = diff_segments(old, "Se <b>her</b> og læs mere om planen & målene.\n\nSlut.")
    markup = diff_html(segments)
    assert "<script" not in markup and "<b>" not in markup
    assert "&lt;<del>script</del><ins>b</ins>&gt;" in markup and "&amp;" in markup and "&#x27;" in markup
    assert "<del>" in markup and "<ins>" in markup
    assert markup.endswith("målene.<br>\n<br>\nSlut.")


def test_html_of_a_deleted_script() -> None:
    assert (
        diff_html(diff_segments("<script>alert(1)</script>", "")) == "<del>&lt;script&gt;alert(1)&lt;/script&gt;</del>"
    )


def test_html_of_plain_segments() -> None:
    segments = [DiffSegment("equal", "a\n"), DiffSegment("delete", "b"), DiffSegment("insert", "c")]
    assert diff_html(segments) == "a<br>\n<del>b</del><ins>c</ins>"


def test_crlf_is_kept_exactly() -> None:
    old, new = "Et.\r\n\r\nTo.", "Et.\r\n\r\nTo!\r\n"
    segments = diff_segments(old, new)
    assert (source_of(segments), target_of(segments)) == (old, new)
    assert segments[0] == DiffSegment("equal", "Et.\r\n\r\nTo")


def test_a_very_long_paragraph_is_still_diffed_word_by_word() -> None:
    sentences = [f"Sætning nummer {number} om planen for område {number * 7}." for number in range(300)]
    old = " ".join(sentences)
    new = old.replace("nummer 3 ", "nr. 3 ").replace("område 1400.", "området 1400.")
    segments = diff_segments(old, new)
    assert (source_of(segments), target_of(segments)) == (old, new)
    assert [(segment.kind, segment.text) for segment in segments if segment.kind != "equal"] == [
        ("delete", "nummer"),
        ("insert", "nr."),
        ("delete", "område"),
        ("insert", "området"),
    ]


def test_a_readable_diff_shows_rendered_words_and_leaves_far_unchanged_paragraphs_out() -> None:
    old = "Indledning.\n\nDen **skriftlige proces**\nkører i to uger.\n\nTo.\n\nTre.\n\nStyregruppen godkender."
    new = old.replace("Styregruppen godkender.", "Styregruppen godkender <b>alt</b>.")
    shown = diff_paragraphs_html(diff_segments(reading_text(old), reading_text(new)))
    assert "**" not in shown and "<br>" not in shown  # no Markdown, no wrapped lines
    assert "Indledning" not in shown and '<p class="diff__skipped">…</p>' in shown
    assert "<p>Tre.</p>" in shown  # one paragraph of context
    assert "&lt;b&gt;alt&lt;/b&gt;" in shown and "<b>" not in shown  # escaped, never markup
    assert reading_text("Den **skriftlige proces**\nkører.") == "Den skriftlige proces kører."
