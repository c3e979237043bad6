from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server.drafting.merge import MergeResult, join_units, merge_three_way, normalise, split_units

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåÆØÅ", min_size=1, max_size=8)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_PARAGRAPHS = st.lists(_PARAGRAPH, min_size=2, max_size=8, unique=True)
# Text made of the characters that matter to the unit rules: markers, fences, blank lines, line endings.
_MARKDOWNISH = st.text(alphabet=list("aæ -*+1.)`~|:\\\n\r\t"), max_size=80)
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
    assert normalise("\n\n a \r\nb\t\r\n\r\n\r\n \n\nc\rd\n\n") == " a\nb\n\nc\nd"


def test_normalise_keeps_hard_breaks_as_two_spaces() -> None:
    address = "Sundhedsdatastyrelsen   \r\nAnkerhus  \nEdvard Thomsens Vej 10\\\n2300 København S  \n\nNæste afsnit.  "
    assert normalise(address) == (
        "Sundhedsdatastyrelsen  \nAnkerhus  \nEdvard Thomsens Vej 10\\\n2300 København S\n\nNæste afsnit."
    )
    # So a save that only adds hard breaks is a change.
    assert normalise("Ankerhus  \n2300 København S") != normalise("Ankerhus\n2300 København S")


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


def test_two_different_insertions_at_one_place_keep_both_the_heads_first() -> None:
    base = "Et.\n\nTo."
    assert merge_three_way(base, "Et.\n\nTo.\n\nTre.", "Et.\n\nTo.\n\nFire.") == MergeResult(
        "Et.\n\nTo.\n\nTre.\n\nFire.", False, True
    )
    assert merge_three_way("- a\n- b", "- a\n- b\n- c", "- a\n- b\n- d").text == "- a\n- b\n- c\n- d"


def test_the_merge_names_the_paragraphs_that_came_from_the_colleague() -> None:
    long = "Borgerne skal opleve en sammenhængende indsats, uanset hvem der leverer den, og uanset hvor de bor."
    base = f"Indledning.\n\n{long}\n\nData skal deles. Det sker i 2020."
    current = base.replace("Indledning.", "Indledning og formål.").replace("i 2020", "i 2019")
    yours = base.replace("Data skal deles.", "Data skal deles sikkert.") + "\n\n- ny indsats"
    result = merge_three_way(base, current, yours)
    assert result.text == (
        f"Indledning og formål.\n\n{long}\n\nData skal deles sikkert. Det sker i 2019.\n\n- ny indsats"
    )
    assert result.from_current == ("Indledning og formål.", "Data skal deles sikkert. Det sker i 2019.")
    assert merge_three_way(base, base.replace(long, long + " Også børn."), yours).from_current == (
        "Borgerne skal opleve en sammenhængende indsats, uanset hvem …",
    )


def test_tables_are_cut_into_rows_and_put_back_together() -> None:
    table = "Indledning.\n\n| Indsats | Frist |\n| --- | --- |\n| Data | 2019 |\n| Sikkerhed | 2020 |\n\nSlut."
    assert split_units(table) == [
        "Indledning.",
        "| Indsats | Frist |\n| --- | --- |\n",
        "| Data | 2019 |\n",
        "| Sikkerhed | 2020 |",
        "Slut.",
    ]
    assert join_units(split_units(table)) == table


def test_ordered_lists_are_numbered_again_after_a_merge() -> None:
    base = "1. a\n2. b\n3. c"
    current = "1. ny\n2. a\n3. b\n4. c"
    assert merge_three_way(base, current, "1. a\n2. b\n3. c, ændret").text == "1. ny\n2. a\n3. b\n4. c, ændret"
    assert merge_three_way(base, current, "1. a\n2. b\n3. c\n4. d").text == "1. ny\n2. a\n3. b\n4. c\n5. d"


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


# Sentences and words: what a careful person would merge, as properties.

_SENTENCE = st.lists(_WORD, min_size=2, max_size=6).map(lambda words: " ".join(words).capitalize() + ".")
_WORD_EDIT = st.sampled_from(["insert", "replace", "delete"])


def _paragraphs_of(sentences: list[str], breaks: set[int]) -> str:
    paragraphs: list[list[str]] = [[]]
    for index, sentence in enumerate(sentences):
        if index in breaks and paragraphs[-1]:
            paragraphs.append([])
        paragraphs[-1].append(sentence)
    return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)


def _edit_word(sentence: str, kind: str, position: int, new_word: str) -> str:
    words = sentence[:-1].split(" ")
    position %= len(words)
    if kind == "insert":
        words.insert(position, new_word)
    elif kind == "replace":
        words[position] = new_word
    elif len(words) > 2:
        del words[position]
    else:
        words.append(new_word)
    return " ".join(words) + "."


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCE, min_size=2, max_size=8, unique=True), st.data())
def test_changes_to_different_sentences_never_conflict(sentences: list[str], data: st.DataObject) -> None:
    breaks = data.draw(st.sets(st.integers(1, len(sentences) - 1)))
    theirs, mine = data.draw(st.lists(st.integers(0, len(sentences) - 1), min_size=2, max_size=2, unique=True))
    current, yours, both = list(sentences), list(sentences), list(sentences)
    for side, index, word in ((current, theirs, "hans1"), (yours, mine, "hendes2")):
        edited = _edit_word(sentences[index], data.draw(_WORD_EDIT), data.draw(st.integers(0, 9)), word)
        side[index] = both[index] = edited

    result = merge_three_way(*(_paragraphs_of(text, breaks) for text in (sentences, current, yours)))

    assert not result.conflict
    assert result.text == _paragraphs_of(both, breaks)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=6), st.data())
def test_a_merge_never_loses_a_word_either_side_inserted(sentences: list[str], data: st.DataObject) -> None:
    breaks = data.draw(st.sets(st.integers(1, max(1, len(sentences) - 1))))
    base = _paragraphs_of(sentences, breaks)
    sides: list[str] = []
    for tag in ("hans", "hendes"):
        side = list(sentences)
        for number in range(data.draw(st.integers(1, 4))):
            index = data.draw(st.integers(0, len(side)))
            kind = data.draw(st.sampled_from(["insert", "replace", "delete", "sentence"]))
            word = f"{tag}{number}"
            if index == len(side) or kind == "sentence":
                side.insert(index, f"Ny {word} sætning.")
            else:
                side[index] = _edit_word(side[index], kind, data.draw(st.integers(0, 9)), word)
        sides.append(_paragraphs_of(side, breaks))

    result = merge_three_way(base, *sides)

    if not result.conflict:
        assert result.text is not None
        merged_words = set(result.text.replace(".", " ").split())
        for side in sides:
            assert set(side.replace(".", " ").split()) - set(base.replace(".", " ").split()) <= merged_words


def test_words_inserted_next_to_a_colleagues_rewrite_conflict() -> None:
    base = "Data bruges fuldt ud."
    assert merge_three_way(base, "Data skal bruges fuldt ud af alle.", "Data skal deles sikkert.").conflict
