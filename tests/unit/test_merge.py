from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server.drafting.merge import MergeResult, join_units, merge_three_way, normalise, split_units

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåÆØÅ", min_size=1, max_size=8)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_PARAGRAPHS = st.lists(_PARAGRAPH, min_size=2, max_size=8, unique=True)
# Text made of the characters that matter to the unit rules: markers, fences, blank lines, line endings.
_MARKDOWNISH = st.text(alphabet=list("aæ -*+1.)`~\n\r\t"), max_size=80)
_ANY_TEXT = st.one_of(_MARKDOWNISH, st.text(max_size=60))

# An operation on one paragraph: edit it, delete it, or insert a new paragraph after it.
_OPERATION = st.sampled_from(["edit", "delete", "insert_after"])


def _apply(paragraphs: list[str], operations: dict[int, tuple[str, str]]) -> list[str]:
    result: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        kind, tag = operations.get(index, ("keep", ""))
        if kind == "edit":
            result.append(f"{paragraph} [{tag}]")
        elif kind == "keep" or kind == "insert_after":
            result.append(paragraph)
        if kind == "insert_after":
            result.append(f"Nyt afsnit [{tag}]")
    return result


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT)
def test_join_units_inverts_split_units_up_to_normalise(text: str) -> None:
    units = split_units(text)
    assert join_units(units) == normalise(text)
    assert all(unit.strip("\n") for unit in units)
    assert split_units(normalise(text)) == units


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT)
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


def test_normalise_rules() -> None:
    assert normalise("\n\n a  \r\nb\t\r\n\r\n\r\n \n\nc\rd\n\n") == " a\nb\n\nc\nd"


def test_split_units_cuts_lists_into_items_and_keeps_nested_lines_with_their_item() -> None:
    text = "Indledning\n\nMålene er:\n- a\n  - under a\n- b\n  fortsat\n\n1. x\n2. y"
    assert split_units(text) == [
        "Indledning",
        "Målene er:\n",
        "- a\n  - under a",
        "- b\n  fortsat",
        "\n1. x",
        "2. y",
    ]
    assert join_units(split_units(text)) == text


def test_split_units_marks_a_blank_line_between_list_items() -> None:
    assert split_units("- a\n\n- b\n- c") == ["- a", "\n- b", "- c"]
    assert join_units(["- a", "\n- b", "- c"]) == "- a\n\n- b\n- c"


def test_join_units_puts_a_blank_line_between_a_paragraph_and_an_item_that_lost_its_list() -> None:
    assert join_units(["Afsnit", "\n- b"]) == "Afsnit\n\n- b"
    assert join_units(["Målene er:\n", "Afsnit"]) == "Målene er:\n\nAfsnit"


def test_fenced_code_is_one_unit() -> None:
    assert split_units("```\n- ikke et punkt\n```") == ["```\n- ikke et punkt\n```"]


@settings(max_examples=200, deadline=None)
@given(_ANY_TEXT, _ANY_TEXT)
def test_an_unchanged_side_gives_the_other_side(base: str, changed: str) -> None:
    for result in (merge_three_way(base, base, changed), merge_three_way(base, changed, base)):
        assert result.text is not None and normalise(result.text) == normalise(changed)
        assert not result.conflict and not result.merged


@settings(max_examples=200, deadline=None)
@given(_PARAGRAPHS, st.data())
def test_operations_on_different_paragraphs_both_survive(paragraphs: list[str], data: st.DataObject) -> None:
    indices = st.integers(0, len(paragraphs) - 1)
    theirs, mine = data.draw(st.lists(indices, min_size=2, max_size=2, unique=True))
    their_operation = {theirs: (data.draw(_OPERATION), "A")}
    my_operation = {mine: (data.draw(_OPERATION), "B")}
    base = "\n\n".join(paragraphs)
    current = "\n\n".join(_apply(paragraphs, their_operation))
    yours = "\n\n".join(_apply(paragraphs, my_operation))

    result = merge_three_way(base, current, yours)

    assert result == MergeResult("\n\n".join(_apply(paragraphs, their_operation | my_operation)), False, True)


@settings(max_examples=200, deadline=None)
@given(_PARAGRAPHS, st.data())
def test_operations_on_different_items_of_one_list_both_survive(items: list[str], data: st.DataObject) -> None:
    indices = st.integers(0, len(items) - 1)
    theirs, mine = data.draw(st.lists(indices, min_size=2, max_size=2, unique=True))
    their_operation = {theirs: (data.draw(_OPERATION), "A")}
    my_operation = {mine: (data.draw(_OPERATION), "B")}

    def as_list(lines: list[str]) -> str:
        return normalise("Målene er:\n" + "\n".join(f"- {line}" for line in lines) + "\n\nAfslutning.")

    result = merge_three_way(
        as_list(items), as_list(_apply(items, their_operation)), as_list(_apply(items, my_operation))
    )

    assert result == MergeResult(as_list(_apply(items, their_operation | my_operation)), False, True)


def test_edits_to_different_list_items_merge() -> None:
    base = "Indsatser:\n- cykelstier\n- busser\n- tog"
    current = "Indsatser:\n- flere cykelstier\n- busser\n- tog"
    yours = "Indsatser:\n- cykelstier\n- busser\n- hurtigere tog\n- færger"
    result = merge_three_way(base, current, yours)
    assert result == MergeResult("Indsatser:\n- flere cykelstier\n- busser\n- hurtigere tog\n- færger", False, True)


def test_edits_to_the_lead_in_and_an_item_merge() -> None:
    result = merge_three_way("Mål:\n- a\n- b", "Vores mål:\n- a\n- b", "Mål:\n- a\n- b\n- c")
    assert result.text == "Vores mål:\n- a\n- b\n- c"


def test_overlapping_edits_to_one_paragraph_conflict() -> None:
    base = "Første afsnit.\n\nAnden del af teksten."
    result = merge_three_way(base, "Første afsnit.\n\nAnden del af strategien.", "Første afsnit.\n\nAnden del, ændret.")
    assert result == MergeResult(None, conflict=True, merged=False)


def test_editing_a_paragraph_the_other_side_deleted_conflicts() -> None:
    base = "Et.\n\nTo.\n\nTre."
    assert merge_three_way(base, "Et.\n\nTre.", "Et.\n\nTo, ændret.\n\nTre.").conflict


def test_two_different_insertions_at_one_place_conflict() -> None:
    base = "Et.\n\nTo."
    assert merge_three_way(base, "Et.\n\nTo.\n\nTre.", "Et.\n\nTo.\n\nFire.").conflict
    assert merge_three_way("- a\n- b", "- a\n- b\n- c", "- a\n- b\n- d").conflict


def test_identical_edits_do_not_conflict() -> None:
    base = "Et.\n\nTo.\n\nTre."
    current = "Et, ændret.\n\nTo.\n\nTre."
    yours = "Et, ændret.\n\nTo.\n\nTre, ændret."
    assert merge_three_way(base, current, yours) == MergeResult("Et, ændret.\n\nTo.\n\nTre, ændret.", False, True)


def test_both_sides_saving_the_same_text_is_not_a_merge() -> None:
    assert merge_three_way("Et.", "To.\n", "To.") == MergeResult("To.", conflict=False, merged=False)


def test_insertion_at_the_end_and_edit_at_the_start_merge() -> None:
    base = "Indledning.\n\nMidte."
    result = merge_three_way(base, "Indledning, ændret.\n\nMidte.", "Indledning.\n\nMidte.\n\nAfslutning.")
    assert result == MergeResult("Indledning, ændret.\n\nMidte.\n\nAfslutning.", False, True)
    single = merge_three_way("Indledning.", "Indledning, ændret.", "Indledning.\n\nAfslutning.")
    assert single.text == "Indledning, ændret.\n\nAfslutning."


def test_adjacent_paragraph_edits_merge() -> None:
    result = merge_three_way("Et.\n\nTo.", "Et, ændret.\n\nTo.", "Et.\n\nTo, ændret.")
    assert result.text == "Et, ændret.\n\nTo, ændret."


def test_danish_text_merges() -> None:
    base = "Grøn omstilling i kommunerne.\n\nØkonomien skal hænge sammen.\n\nBørn og unge får en stemme."
    current = (
        "Grøn omstilling i kommunerne og regionerne.\n\nØkonomien skal hænge sammen.\n\nBørn og unge får en stemme."
    )
    yours = "Grøn omstilling i kommunerne.\n\nØkonomien skal hænge sammen.\n\nBørn og ældre får en stemme."
    result = merge_three_way(base, current, yours)
    expected = (
        "Grøn omstilling i kommunerne og regionerne.\n\nØkonomien skal hænge sammen.\n\nBørn og ældre får en stemme."
    )
    assert result == MergeResult(expected, False, True)


def test_crlf_input_merges_and_comes_out_with_newlines() -> None:
    base = "Et.\r\n\r\nTo.\r\n\r\nTre.\r\n"
    current = "Et, ændret.\r\n\r\nTo.\r\n\r\nTre.\r\n"
    yours = "Et.\n\nTo.\n\nTre, ændret.\n"
    assert merge_three_way(base, current, yours) == MergeResult("Et, ændret.\n\nTo.\n\nTre, ændret.", False, True)


def test_a_line_ending_change_alone_is_no_change() -> None:
    result = merge_three_way("Et.\n\nTo.", "Et.\r\n\r\nTo.\r\n", "Et.\n\nTo, ændret.")
    assert result == MergeResult("Et.\n\nTo, ændret.", conflict=False, merged=False)
