from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from server.comments.anchoring import (
    Location,
    Relocated,
    TextQuote,
    _edit_distances,
    find,
    relocate,
    selector_for,
    validate,
)
from server.markdown import plain_text

INTRO = "Kommunerne og regionerne samarbejder om digital velfærd, og her gælder det, at data skal deles på tværs."
MIDDLE = "Borgerne skal opleve en sammenhængende indsats, uanset hvem der leverer den."
HEALTH = "For sundhedsområdet betyder det, at data skal deles med samtykke fra patienten og under tilsyn."
SECTION = "\n".join([INTRO, MIDDLE, HEALTH])
PHRASE = "data skal deles"


def _quote(text: str, passage: str, occurrence: int = 0) -> TextQuote:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(passage, start + 1)
    return selector_for(text, start, start + len(passage))


def _health_phrase() -> TextQuote:
    return _quote(SECTION, PHRASE, occurrence=1)


def _assert_lands_on(text: str, result: Relocated, exact: str) -> None:
    assert result.location is not None
    assert result.exact == exact
    assert text[result.location.start : result.location.end] == exact


# selector_for and find


def test_selector_for_takes_context_up_to_the_ends_of_the_text() -> None:
    assert selector_for("Blåbær og æbler.", 3, 6, context=3) == TextQuote("bær", prefix="Blå", suffix=" og")
    assert selector_for("Blåbær og æbler.", 0, 3) == TextQuote("Blå", prefix="", suffix="bær og æbler.")


@pytest.mark.parametrize(("start", "end"), [(3, 3), (4, 2), (-1, 2), (0, 99)])
def test_selector_for_refuses_an_empty_or_out_of_range_selection(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        selector_for("Blåbær og æbler.", start, end)


def test_find_chooses_a_repeated_passage_by_its_context() -> None:
    first, last = SECTION.index(PHRASE), SECTION.rindex(PHRASE)
    assert find(SECTION, _quote(SECTION, PHRASE)) == Location(first, first + len(PHRASE))
    assert find(SECTION, _health_phrase()) == Location(last, last + len(PHRASE))


def test_find_takes_the_first_of_indistinguishable_occurrences() -> None:
    assert find("ja, ja, ja", TextQuote("ja")) == Location(0, 2)


def test_find_tolerates_a_lightly_edited_passage_of_several_words() -> None:
    edited = SECTION.replace("samtykke fra patienten og under tilsyn", "samtykke fra patienten og under løbende tilsyn")
    quote = _quote(SECTION, "med samtykke fra patienten og under tilsyn")
    location = find("Et nyt første afsnit.\n" + edited, quote)
    assert location is not None
    assert ("Et nyt første afsnit.\n" + edited)[location.start : location.end] == (
        "med samtykke fra patienten og under løbende tilsyn"
    )


def test_find_moves_a_short_passage_only_to_a_verbatim_occurrence() -> None:
    edited = SECTION.replace("data skal deles med", "data må deles med")
    assert find(edited, _health_phrase()) is None


def test_find_gives_none_for_an_absent_passage() -> None:
    assert find(SECTION, TextQuote("klimatilpasning i kystbyerne")) is None
    assert find(SECTION, TextQuote("")) is None


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="abcæøå .\n", min_size=1, max_size=160), data=st.data())
def test_find_locates_the_selection_a_selector_was_made_from(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    quote = selector_for(text, start, end)
    # Only a passage repeated together with all of its context is ambiguous (periodic texts).
    window = quote.prefix + quote.exact + quote.suffix
    assume(sum(text.startswith(window, i) for i in range(len(text))) == 1)
    assert find(text, quote) == Location(start, end)


@settings(max_examples=200, deadline=None)
@given(pattern=st.text(alphabet="abæ", min_size=1, max_size=12), text=st.text(alphabet="abæ", max_size=20))
def test_edit_distances_agree_with_the_textbook_recurrence(pattern: str, text: str) -> None:
    def distance(a: str, b: str) -> int:
        row = list(range(len(b) + 1))
        for i, char_a in enumerate(a, start=1):
            previous, row[0] = row[0], i
            for j, char_b in enumerate(b, start=1):
                previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (char_a != char_b))
        return row[-1]

    anchored = [distance(pattern, text[: j + 1]) for j in range(len(text))]
    free = [min(distance(pattern, text[i : j + 1]) for i in range(j + 2)) for j in range(len(text))]
    assert _edit_distances(pattern, text, anchored=True) == anchored
    assert _edit_distances(pattern, text, anchored=False) == free


# validate


def test_validate_accepts_a_selector_made_from_the_text() -> None:
    assert validate(SECTION, _health_phrase()) is None
    assert validate(SECTION, TextQuote(PHRASE)) is None


@pytest.mark.parametrize(
    ("quote", "reason"),
    [
        (TextQuote(""), "The quoted passage is empty."),
        (TextQuote(" \n "), "The quoted passage is empty."),
        (TextQuote("x" * 2001), "The quoted passage is longer than 2,000 characters."),
        (TextQuote("klimatilpasning"), "The quoted passage does not occur in the text."),
        (TextQuote(PHRASE, prefix="Århus, at "), "The text around the quoted passage does not match the text."),
    ],
)
def test_validate_refuses_a_selector_that_cannot_anchor(quote: TextQuote, reason: str) -> None:
    assert validate(SECTION, quote) == reason


# relocate


def test_unchanged_text_keeps_the_anchor() -> None:
    start = SECTION.rindex(PHRASE)
    assert relocate(SECTION, SECTION, _health_phrase()) == Relocated(
        "ANCHORED", Location(start, start + len(PHRASE)), PHRASE
    )


def test_edit_after_the_passage_keeps_the_anchor() -> None:
    quote = _quote(SECTION, "sammenhængende indsats")
    new_text = SECTION.replace("under tilsyn", "under løbende tilsyn")
    assert relocate(SECTION, new_text, quote).status == "ANCHORED"


def test_text_inserted_above_keeps_the_anchor_at_its_new_offsets() -> None:
    quote = _quote(SECTION, "sammenhængende indsats")
    inserted = "Strategien gælder 2025-2030.\n"
    result = relocate(SECTION, inserted + SECTION, quote)
    start = len(inserted) + SECTION.index(quote.exact)
    assert result == Relocated("ANCHORED", Location(start, start + len(quote.exact)), quote.exact)


def test_repeated_passage_keeps_its_occurrence_when_a_paragraph_is_inserted_above() -> None:
    new_text = "\n".join([INTRO, "Et nyt afsnit om, hvordan data skal deles sikkert.", MIDDLE, HEALTH])
    result = relocate(SECTION, new_text, _health_phrase())
    assert result.status == "ANCHORED"
    _assert_lands_on(new_text, result, PHRASE)
    assert result.location is not None
    assert result.location.start == new_text.rindex(PHRASE)


def test_lightly_edited_passage_moves_with_its_new_wording() -> None:
    new_text = SECTION.replace("data skal deles med", "data må deles med")
    result = relocate(SECTION, new_text, _health_phrase())
    assert result.status == "MOVED"
    _assert_lands_on(new_text, result, "data må deles")
    assert result.location is not None
    assert result.location.start == SECTION.rindex(PHRASE)


def test_long_passage_with_a_word_inserted_moves_with_its_new_wording() -> None:
    quote = _quote(SECTION, HEALTH)
    new_text = SECTION.replace("under tilsyn", "under løbende tilsyn")
    result = relocate(SECTION, new_text, quote)
    assert result.status == "MOVED"
    _assert_lands_on(new_text, result, HEALTH.replace("under tilsyn", "under løbende tilsyn"))


def test_passage_cut_and_pasted_elsewhere_moves() -> None:
    quote = _quote(SECTION, MIDDLE)
    new_text = "\n".join([MIDDLE, INTRO, HEALTH])
    result = relocate(SECTION, new_text, quote)
    assert result == Relocated("MOVED", Location(0, len(MIDDLE)), MIDDLE)


def test_deleted_passage_is_outdated() -> None:
    new_text = "\n".join([INTRO, MIDDLE])
    assert relocate(SECTION, new_text, _quote(SECTION, "samtykke fra patienten")) == Relocated("OUTDATED", None, None)


def test_deleted_repeated_passage_does_not_jump_to_the_other_occurrence() -> None:
    new_text = "\n".join([INTRO, MIDDLE])
    assert relocate(SECTION, new_text, _health_phrase()).status == "OUTDATED"


def test_heavily_rewritten_passage_is_outdated() -> None:
    quote = _quote(SECTION, "samtykke fra patienten og under tilsyn")
    new_text = SECTION.replace("samtykke fra patienten og under tilsyn", "regionernes fælles platform fra år 2027")
    assert relocate(SECTION, new_text, quote).status == "OUTDATED"


def test_rewritten_repeated_passage_does_not_jump_to_the_other_occurrence() -> None:
    new_text = SECTION.replace("at data skal deles med", "at oplysninger udveksles med")
    assert relocate(SECTION, new_text, _health_phrase()).status == "OUTDATED"


def test_anchors_follow_the_plain_text_of_edited_markdown() -> None:
    old_text = plain_text("## Mål\n\nVi vil **styrke** det fælles datagrundlag.\n\n- Åbne data\n- Færre siloer\n")
    new_text = plain_text(
        "## Mål\n\nFørst: *et nyt afsnit*.\n\nVi vil **styrke** det fælles datagrundlag.\n\n- Åbne data\n"
    )
    result = relocate(old_text, new_text, _quote(old_text, "det fælles datagrundlag"))
    assert result.status == "ANCHORED"
    _assert_lands_on(new_text, result, "det fælles datagrundlag")
    assert relocate(old_text, new_text, _quote(old_text, "Færre siloer")).status == "OUTDATED"


@settings(max_examples=200, deadline=None)
@given(
    old_text=st.text(alphabet="ab æø\n", min_size=1, max_size=60),
    new_text=st.text(alphabet="ab æø\n", max_size=60),
    data=st.data(),
)
def test_relocated_anchors_always_point_at_what_they_report(old_text: str, new_text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(old_text) - 1))
    end = data.draw(st.integers(start + 1, len(old_text)))
    quote = selector_for(old_text, start, end, context=data.draw(st.integers(0, 8)))
    result = relocate(old_text, new_text, quote)
    if result.location is None:
        assert result == Relocated("OUTDATED", None, None)
    else:
        assert result.location.start < result.location.end
        assert new_text[result.location.start : result.location.end] == result.exact
        assert result.status == "MOVED" or (result.exact or "").split() == quote.exact.split()


_WORDS = st.lists(st.sampled_from(["data", "deles", "borgerne", "skal", "på", "tværs", "æble", "ø", "og"]), min_size=1)
_SPACE = st.sampled_from([" ", " ", " ", "\n", ", ", ". "])


def _text_of(words: list[str], spaces: list[str]) -> str:
    return "".join(word + space for word, space in zip(words, spaces, strict=False)) + words[-1]


@settings(max_examples=300, deadline=None)
@given(_WORDS, _WORDS, st.data())
def test_relocation_never_starts_or_ends_inside_a_word(
    old_words: list[str], new_words: list[str], data: st.DataObject
) -> None:
    old_text = _text_of(old_words, data.draw(st.lists(_SPACE, min_size=len(old_words), max_size=len(old_words))))
    new_text = _text_of(new_words, data.draw(st.lists(_SPACE, min_size=len(new_words), max_size=len(new_words))))
    starts = [m.start() for m in re.finditer(r"\w+", old_text)]
    ends = [m.end() for m in re.finditer(r"\w+", old_text)]
    first = data.draw(st.integers(0, len(starts) - 1))
    last = data.draw(st.integers(first, len(ends) - 1))
    quote = selector_for(old_text, starts[first], ends[last])

    result = relocate(old_text, new_text, quote)

    if result.location is not None:
        for offset in (result.location.start, result.location.end):
            assert not (0 < offset < len(new_text) and new_text[offset - 1].isalnum() and new_text[offset].isalnum())


@settings(max_examples=300, deadline=None)
@given(_WORDS, st.data())
def test_a_whitespace_only_change_keeps_every_anchor_anchored(words: list[str], data: st.DataObject) -> None:
    old_text = _text_of(words, data.draw(st.lists(_SPACE, min_size=len(words), max_size=len(words))))
    # The same words and punctuation, with spaces and line breaks changed, doubled or re-wrapped.
    rewrapped = re.sub(r"[ \n]+", lambda _: data.draw(st.sampled_from([" ", "\n", "  ", " \n"])), old_text)
    start = data.draw(st.integers(0, len(old_text) - 1))
    end = data.draw(st.integers(start + 1, len(old_text)))
    assume(old_text[start:end].strip())
    assume(not old_text[start].isspace() and not old_text[end - 1].isspace())
    quote = selector_for(old_text, start, end)

    result = relocate(old_text, rewrapped, quote)

    assert result.status == "ANCHORED"
    assert (result.exact or "").split() == quote.exact.split()
