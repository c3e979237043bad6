"""Three-way merge of Markdown section bodies: by paragraph and list item, then by sentence, then by word.

Several editors may save the same section from the same base version. Their texts are cut into
*units* — paragraphs (blocks separated by blank lines), except that a list block is cut into its
items and a table into its rows, so that two people touching different items or rows merge
cleanly — and the three unit sequences are merged three-way (``merge3``'s sync regions). Units are
compared by a *key* that ignores line wrapping and ordered-list numbers, so re-wrapping a paragraph
or renumbering a list is not an edit that clashes with a colleague's; a hard break (two trailing
spaces or a backslash) is part of the key, so adding one is an edit.

Where both sides edited the same stretch of units it is looked at more closely:

* two insertions at the same place are both kept, the head's first;
* a unit one side moved and the other edited is carried, edited, to its new place;
* units both sides changed are merged again by sentence, and a sentence both changed by word;
* anything else that overlaps — the same words changed differently, or an edit of something the
  other side deleted — is a conflict, and the caller shows the editor both texts.

A unit is a plain string; how it was written is kept in it, so that :func:`join_units` is
unambiguous:

* a list item that followed another list item across a blank line (a loose list, or two lists)
  starts with ``"\\n"``;
* a lead-in line directly above a list (``"Målene er:\\n- …"``), a table's header and delimiter
  row, and every table row but the last end with ``"\\n"``.

Everything else is joined by the default separator: a single newline between two list items,
a blank line elsewhere.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, NamedTuple, TypeVar

from merge3 import Merge3

# A list marker at the start of a line: "-", "+", "*", "1." or "1)", then a space, a tab or the end.
_ITEM = re.compile(r"( {0,3})(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
_ORDERED = re.compile(r"( {0,3})(\d{1,9})([.)])(?=[ \t]|$)")
_ORDINAL = re.compile(r"^( *)\d{1,9}([.)])", re.MULTILINE)
_FENCE = re.compile(r" {0,3}(?:```|~~~)")
_TABLE_DELIMITER = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_BLANK_RUNS = re.compile(r"\n{3,}")
# Words (\w covers æ, ø and å), runs of whitespace, and single punctuation marks.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
# Where a sentence ends: whitespace after an end mark or a backslash break, a blank line, a hard break,
# or a line break before a list marker, a table row or a number.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?\\])\s+|\s*\n[ \t]*\n\s*| {2,}\n\s*|\s*\n\s*(?=[-+*|\d])")
_PARAGRAPH_BREAKS = re.compile(r"\s*\n[ \t]*\n\s*")
_HARD_BREAKS = re.compile(r" {2,}\n\s*")
_SPACES = re.compile(r"\s+")
_HARD_BREAK = "⏎"
_PARAGRAPH_BREAK = "¶"
_EXCERPT = 60
# The most token pairs a word-by-word merge compares (about 500 tokens against 500).
_WORD_MERGE_LIMIT = 250_000
# How many item comparisons aligning one uneven replacement may take (see _aligned).
_ALIGNMENT_LIMIT = 64

T = TypeVar("T")

Origin = Literal["base", "current", "yours", "same", "combined"]


@dataclass(frozen=True)
class MergeResult:
    text: str | None  # merged text, None when there is a conflict
    conflict: bool
    merged: bool  # both sides changed something and the text combines them
    # The opening words of each paragraph or item of the merged text that holds the colleague's (the head's)
    # changes, so that the editor can check what was combined.
    from_current: tuple[str, ...] = field(default=(), compare=False)


def normalise(text: str) -> str:
    """The form in which two bodies are compared for "no change", and in which merged text is written.

    Line endings become ``\\n`` (``\\r\\n`` and lone ``\\r``), trailing spaces and tabs are cut
    from every line — except that a hard break (two or more spaces before the next line of the same
    block) is kept as exactly two spaces — runs of blank lines become one blank line, and blank lines
    at the start and end are dropped. Leading indentation is kept.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.rstrip(" \t")
        following = lines[index + 1] if index + 1 < len(lines) else ""
        hard_break = bool(stripped) and line.endswith("  ") and bool(following.strip(" \t"))
        kept.append(stripped + "  " if hard_break else stripped)
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip("\n")


def split_units(text: str) -> list[str]:
    """Cut a body into merge units: paragraphs, with list blocks cut into their items and tables into rows.

    The text is normalised first. An item keeps its continuation lines and nested items.
    """
    normalised = normalise(text)
    units: list[str] = []
    for block in normalised.split("\n\n") if normalised else []:
        block_units = _block_units(block)
        if units and _is_item(units[-1]) and _is_item(block_units[0]):
            # The blank line between two list items is kept on the later one.
            block_units[0] = "\n" + block_units[0]
        units.extend(block_units)
    return units


def join_units(units: Sequence[str]) -> str:
    """Put units back together; ``join_units(split_units(t)) == normalise(t)`` for every text ``t``."""
    parts: list[str] = []
    previous = ""
    for unit in units:
        body = unit.strip("\n")
        if parts:
            tight = (_is_item(body) and (_is_item(previous) or previous.endswith("\n"))) or (
                previous.endswith("\n") and _is_table(previous) and not unit.startswith("\n")
            )
            parts.append(("\n\n" if unit.startswith("\n") else "\n") if tight else "\n\n")
        parts.append(body)
        previous = unit
    return "".join(parts)


def merge_three_way(base: str, current: str, yours: str) -> MergeResult:
    """Merge *yours* (saved from *base*) into *current* (the head saved meanwhile from *base*).

    When only one side changed (up to :func:`normalise`), that side's text is returned as given.
    """
    base_n, current_n, yours_n = normalise(base), normalise(current), normalise(yours)
    if yours_n == base_n:
        return MergeResult(current, conflict=False, merged=False)
    if current_n == base_n or yours_n == current_n:
        return MergeResult(yours, conflict=False, merged=False)
    base_units, current_units, your_units = (_units(text) for text in (base_n, current_n, yours_n))
    current_units, your_units = _carry_moves(base_units, current_units, your_units)
    pieces = _merge(base_units, current_units, your_units, _UNIT_LEVEL)
    if pieces is None:
        return MergeResult(None, conflict=True, merged=False)
    units = _renumbered(_fit_tables([unit for unit, _ in pieces]))
    from_current = tuple(_excerpt(unit.text) for unit, origin in pieces if origin in ("current", "combined"))
    return MergeResult(
        join_units([unit.text for unit in units]), conflict=False, merged=True, from_current=from_current
    )


def _is_item(unit: str) -> bool:
    return _ITEM.match(unit.lstrip("\n")) is not None


def _is_table(unit: str) -> bool:
    """Whether a unit is a table's head or one of its rows (a single line with a pipe)."""
    body = unit.strip("\n")
    return _is_table_head(body) or ("\n" not in body and "|" in body)


def _block_units(block: str) -> list[str]:
    """One blank-line-separated block as units: the block itself, a lead-in and list items, or table rows."""
    lines = block.split("\n")
    if _FENCE.match(lines[0]):
        return [block]
    if len(lines) > 2 and "|" in lines[0] and _TABLE_DELIMITER.fullmatch(lines[1]):
        rows = [line + "\n" for line in lines[2:]]
        rows[-1] = lines[-1]
        return [f"{lines[0]}\n{lines[1]}\n", *rows]
    first = next((i for i, line in enumerate(lines) if _ITEM.match(line)), None)
    if first is None:
        return [block]
    units = ["\n".join(lines[:first]) + "\n"] if first else []
    indent = _marker_indent(lines[first])
    item = [lines[first]]
    for line in lines[first + 1 :]:
        # A marker indented deeper than the list's own is a nested item and stays with its parent.
        if _marker_indent(line) <= indent:
            units.append("\n".join(item))
            item = []
        item.append(line)
    units.append("\n".join(item))
    return units


def _marker_indent(line: str) -> int:
    """The indentation of a list marker starting the line, or a number larger than any such."""
    match = _ITEM.match(line)
    return len(match.group(1)) if match else 4


class _Unit(NamedTuple):
    text: str
    table: bool  # a table's head or row: joined to the next row by a single newline


def _units(text: str) -> list[_Unit]:
    units = split_units(text)
    tables: set[int] = set()
    for index, unit in enumerate(units):
        if unit.endswith("\n") and _is_table(unit):
            tables.update((index, index + 1))
    return [_Unit(unit, index in tables) for index, unit in enumerate(units)]


def _unit_key(unit: _Unit) -> str:
    """A unit as compared: without line wrapping, indentation or ordered-list numbers; hard breaks count."""
    body = unit.text.strip("\n")
    if _FENCE.match(body):
        return body
    return _spaced(_ORDINAL.sub(r"\1#\2", body))


@functools.lru_cache(maxsize=8192)  # the levels of a merge ask for the same items' keys again and again
def _spaced(text: str) -> str:
    """Text with each run of whitespace as one space, except paragraph and hard breaks, which are marked."""
    text = _HARD_BREAKS.sub(f" {_HARD_BREAK} ", _PARAGRAPH_BREAKS.sub(f" {_PARAGRAPH_BREAK} ", text))
    return _SPACES.sub(" ", text).strip()


def _token_key(token: str) -> str:
    if not token.isspace():
        return token
    if "\n\n" in token:
        return _PARAGRAPH_BREAK
    if "\n" in token and token.startswith("  "):
        return _HARD_BREAK
    return " "


def _excerpt(text: str) -> str:
    words = " ".join(text.split())
    if len(words) <= _EXCERPT:
        return words
    return words[: words.rfind(" ", 0, _EXCERPT) if " " in words[:_EXCERPT] else _EXCERPT] + " …"


class _Matcher(difflib.SequenceMatcher[str]):
    """difflib's matcher without the "popular element" heuristic, which can hide matches in long sections."""

    def __init__(
        self,
        isjunk: Callable[[str], bool] | None = None,
        a: Sequence[str] = (),
        b: Sequence[str] = (),
        autojunk: bool = False,
    ) -> None:
        super().__init__(isjunk, a, b, autojunk=False)


# The three levels of the merge share one procedure; they differ in what their items are.


@dataclass(frozen=True)
class _Level(Generic[T]):
    key: Callable[[T], str]
    # Whether two different insertions at one place are both kept (units, sentences) or clash (words; there
    # edits that merely touch clash too).
    keeps_both_insertions: bool
    # The merge of a stretch both sides edited, by finer items; None for the finest level.
    refine: Callable[[Sequence[T], Sequence[T], Sequence[T]], list[tuple[T, Origin]] | None] | None


def _merge(
    base: Sequence[T], current: Sequence[T], yours: Sequence[T], level: _Level[T]
) -> list[tuple[T, Origin]] | None:
    keys = (
        [level.key(item) for item in base],
        [level.key(item) for item in current],
        [level.key(item) for item in yours],
    )
    merge = Merge3(*keys, sequence_matcher=_Matcher)  # type: ignore[arg-type]
    pieces: list[tuple[T, Origin]] = []
    iz = ia = ib = 0
    for zmatch, zend, amatch, aend, bmatch, bend in merge.find_sync_regions():
        if amatch > ia or bmatch > ib or zmatch > iz:
            region = _merge_region(base[iz:zmatch], current[ia:amatch], yours[ib:bmatch], level)
            if region is None:
                return None
            pieces.extend(region)
        for offset in range(zend - zmatch):
            b, c, y = base[zmatch + offset], current[amatch + offset], yours[bmatch + offset]
            # Equal by key; a change that the key ignores (wrapping, numbering) is kept.
            pieces.append((c, "base") if c != b else (y, "base"))
        iz, ia, ib = zend, aend, bend
    return pieces


def _merge_region(
    base: Sequence[T], current: Sequence[T], yours: Sequence[T], level: _Level[T]
) -> list[tuple[T, Origin]] | None:
    base_keys, current_keys, your_keys = ([level.key(item) for item in items] for items in (base, current, yours))
    if current_keys == your_keys:
        return [(item, "same") for item in current]
    if current_keys == base_keys:
        return [(item, "yours") for item in yours]
    if your_keys == base_keys:
        return [(item, "current") for item in current]
    return _resolve(base, current, yours, level)


# An edit of a base region: base[start:end] is replaced by side[side_start:side_end].
class _Edit(NamedTuple):
    start: int
    end: int
    side_start: int
    side_end: int
    theirs: bool  # made by the head (current), else by yours


def _edits(base_keys: Sequence[str], side_keys: Sequence[str], *, theirs: bool) -> list[_Edit]:
    edits: list[_Edit] = []
    for tag, i1, i2, j1, j2 in _Matcher(None, base_keys, side_keys).get_opcodes():
        if tag == "replace" and i2 - i1 != j2 - j1:
            edits.extend(_aligned(base_keys, side_keys, _Edit(i1, i2, j1, j2, theirs)))
        elif tag != "equal":
            edits.append(_Edit(i1, i2, j1, j2, theirs))
    return edits


def _aligned(base_keys: Sequence[str], side_keys: Sequence[str], edit: _Edit) -> list[_Edit]:
    """A replacement of n items by m ≠ n, as n' = min(n, m) items replaced one by one where they fit best,
    and the rest inserted (or deleted) before or after them: "edit a paragraph and add one after it"."""
    n, m = edit.end - edit.start, edit.side_end - edit.side_start
    shorter = min(n, m)
    if shorter == 0 or (abs(n - m) + 1) * shorter > _ALIGNMENT_LIMIT:
        return [edit]

    def fit(offset: int) -> float:
        pairs = (
            (base_keys[edit.start + t], side_keys[edit.side_start + offset + t])
            if m > n
            else (base_keys[edit.start + offset + t], side_keys[edit.side_start + t])
            for t in range(shorter)
        )
        return sum(difflib.SequenceMatcher(None, one, other, autojunk=False).ratio() for one, other in pairs)

    offset = max(range(abs(n - m) + 1), key=lambda k: (fit(k), -k))
    if m > n:
        middle = (edit.start, edit.end, edit.side_start + offset, edit.side_start + offset + n)
        before = (edit.start, edit.start, edit.side_start, edit.side_start + offset)
        after = (edit.end, edit.end, edit.side_start + offset + n, edit.side_end)
    else:
        middle = (edit.start + offset, edit.start + offset + m, edit.side_start, edit.side_end)
        before = (edit.start, edit.start + offset, edit.side_start, edit.side_start)
        after = (edit.start + offset + m, edit.end, edit.side_end, edit.side_end)
    parts = [_Edit(*span, edit.theirs) for span in (before, middle, after)]
    return [part for part in parts if part.start != part.end or part.side_start != part.side_end]


def _split_shared_insertions(
    edits: Sequence[_Edit], keys: Sequence[str], others: Sequence[_Edit], other_keys: Sequence[str]
) -> list[_Edit]:
    """Split off the start of a replacement that inserts what the other side inserted at the same place.

    Both sides adding the same paragraph before a unit that one of them also edited then reads as one
    shared insertion and one edit, not as two clashing edits.
    """
    split: list[_Edit] = []
    for edit in edits:
        inserted = next(
            (o for o in others if o.start == o.end == edit.start < edit.end and o.side_end > o.side_start), None
        )
        size = inserted.side_end - inserted.side_start if inserted else 0
        if (
            inserted is not None
            and edit.side_end - edit.side_start > size
            and keys[edit.side_start : edit.side_start + size] == other_keys[inserted.side_start : inserted.side_end]
        ):
            middle = edit.side_start + size
            split.append(_Edit(edit.start, edit.start, edit.side_start, middle, edit.theirs))
            split.append(_Edit(edit.start, edit.end, middle, edit.side_end, edit.theirs))
        else:
            split.append(edit)
    return split


def _overlaps(start: int, end: int, edit: _Edit, *, touching: bool) -> bool:
    """Whether an edit overlaps the stretch base[start:end] (an insertion: when it is at the same place).

    With ``touching``, edits that only meet at one place overlap too: between words, an insertion right
    next to a colleague's replacement is no less likely to clash with it than one inside it.
    """
    if touching:
        return edit.start <= end and start <= edit.end
    if edit.start == edit.end and start == end:
        return edit.start == start
    if edit.start == edit.end:
        return start < edit.start < end
    if start == end:
        return edit.start < start < edit.end
    return edit.start < end and start < edit.end


def _resolve(
    base: Sequence[T], current: Sequence[T], yours: Sequence[T], level: _Level[T]
) -> list[tuple[T, Origin]] | None:
    """Both sides edited this stretch: apply edits that touch different base items, and look closer at the rest."""
    base_keys = [level.key(item) for item in base]
    current_keys, your_keys = [level.key(item) for item in current], [level.key(item) for item in yours]
    their_edits = _edits(base_keys, current_keys, theirs=True)
    my_edits = _edits(base_keys, your_keys, theirs=False)
    their_edits, my_edits = (
        _split_shared_insertions(their_edits, current_keys, my_edits, your_keys),
        _split_shared_insertions(my_edits, your_keys, their_edits, current_keys),
    )
    edits = sorted([*their_edits, *my_edits], key=lambda edit: (edit.start, edit.end, not edit.theirs))
    # Group the edits into clusters of edits that overlap.
    clusters: list[list[_Edit]] = []
    for edit in edits:
        touching = not level.keeps_both_insertions
        if clusters and any(_overlaps(other.start, other.end, edit, touching=touching) for other in clusters[-1]):
            clusters[-1].append(edit)
        else:
            clusters.append([edit])
    pieces: list[tuple[T, Origin]] = []
    position = 0
    for cluster in clusters:
        start, end = min(edit.start for edit in cluster), max(edit.end for edit in cluster)
        pieces.extend((item, "base") for item in base[position:start])
        resolved = _resolve_cluster(base, current, yours, level, cluster, start, end)
        if resolved is None:
            return None
        pieces.extend(resolved)
        position = end
    pieces.extend((item, "base") for item in base[position:])
    return pieces


def _resolve_cluster(
    base: Sequence[T],
    current: Sequence[T],
    yours: Sequence[T],
    level: _Level[T],
    cluster: Sequence[_Edit],
    start: int,
    end: int,
) -> list[tuple[T, Origin]] | None:
    theirs = [edit for edit in cluster if edit.theirs]
    mine = [edit for edit in cluster if not edit.theirs]

    def replaced(side: Sequence[T], side_edits: Sequence[_Edit]) -> list[T]:
        items: list[T] = []
        position = start
        for edit in side_edits:
            items.extend(base[position : edit.start])
            items.extend(side[edit.side_start : edit.side_end])
            position = edit.end
        items.extend(base[position:end])
        return items

    if not theirs or not mine:
        origin: Origin = "current" if theirs else "yours"
        return [(item, origin) for item in replaced(current if theirs else yours, cluster)]
    their_items, my_items = replaced(current, theirs), replaced(yours, mine)
    their_keys, my_keys = [level.key(item) for item in their_items], [level.key(item) for item in my_items]
    if their_keys == my_keys:
        return [(item, "same") for item in their_items]
    if start == end:
        if not level.keeps_both_insertions:
            return None
        # Two insertions at one place: the head's first, then what it does not already have.
        return [(item, "current") for item in their_items] + [
            (item, "yours") for item, key in zip(my_items, my_keys, strict=True) if key not in their_keys
        ]
    deletes = [all(edit.side_start == edit.side_end for edit in edits) for edits in (theirs, mine)]
    if all(deletes):
        # Both deleted: delete what either deleted.
        kept = set(range(start, end))
        for edit in cluster:
            kept -= set(range(edit.start, edit.end))
        return [(base[index], "base") for index in sorted(kept)]
    if any(deletes) or level.refine is None:
        return None  # one side deleted what the other edited, or the same words changed differently
    return level.refine(base[start:end], their_items, my_items)


# Units: a stretch both sides changed is merged by sentence, unit by unit where both kept the number of units.


def _refine_units(
    base: Sequence[_Unit], current: Sequence[_Unit], yours: Sequence[_Unit]
) -> list[tuple[_Unit, Origin]] | None:
    if len(base) == len(current) == len(yours):
        return _one_by_one(base, current, yours, _UNIT_LEVEL, _merge_unit)
    text = _merge_text(*(join_units([unit.text for unit in _fit_tables(items)]) for items in (base, current, yours)))
    if text is None:
        return None
    return [(unit, "combined") for unit in _units(text)]


def _one_by_one(
    base: Sequence[T],
    current: Sequence[T],
    yours: Sequence[T],
    level: _Level[T],
    combine: Callable[[T, T, T], T | None],
) -> list[tuple[T, Origin]] | None:
    """Items both sides changed, where both kept their number, taken one by one: an item at most one
    side changed is that side's, and the others are ``combine``d (None, a conflict, when one cannot be)."""
    pieces: list[tuple[T, Origin]] = []
    for b, c, y in zip(base, current, yours, strict=True):
        if len({level.key(item) for item in (b, c, y)}) < 3:
            pieces.extend(_merge_region([b], [c], [y], level) or ())  # one side's, never None
            continue
        combined = combine(b, c, y)
        if combined is None:
            return None
        pieces.append((combined, "combined"))
    return pieces


def _merge_unit(base: _Unit, current: _Unit, yours: _Unit) -> _Unit | None:
    """Three versions of one unit merged by sentence, keeping the blank line that leads the current one."""
    text = _merge_text(base.text.strip("\n"), current.text.strip("\n"), yours.text.strip("\n"))
    if text is None:
        return None
    lead = "\n" if current.text.startswith("\n") else ""
    return _Unit(lead + text, base.table)


def _merge_text(base: str, current: str, yours: str) -> str | None:
    """A three-way merge of one stretch of text by sentence, and of sentences both sides changed by word."""
    pieces = _merge(_sentences(base), _sentences(current), _sentences(yours), _SENTENCE_LEVEL)
    if pieces is None:
        return None
    sentences = [sentence for sentence, _ in pieces]
    # A sentence that ended its paragraph and is now followed by another needs a space after it.
    return "".join(
        sentence + " " if index + 1 < len(sentences) and not sentence[-1:].isspace() else sentence
        for index, sentence in enumerate(sentences)
    )


def _sentences(text: str) -> list[str]:
    """Cut a text into sentences, lines ended by a hard break, and list lines, each with the whitespace after it."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        sentences.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        sentences.append(text[start:])
    return sentences


def _sentence_key(sentence: str) -> str:
    return _spaced(sentence)


def _refine_sentences(
    base: Sequence[str], current: Sequence[str], yours: Sequence[str]
) -> list[tuple[str, Origin]] | None:
    """Sentences both sides changed, merged by word: one by one where both kept their number."""
    if len(base) == len(current) == len(yours):
        return _one_by_one(base, current, yours, _SENTENCE_LEVEL, _merge_words)
    words = _merge_words("".join(base), "".join(current), "".join(yours))
    return None if words is None else [(words, "combined")]


def _merge_words(base: str, current: str, yours: str) -> str | None:
    """A word-by-word merge, or ``None`` (a conflict) when the sides clash or the stretch is too long to
    compare word by word in good time: then one side rewrote far more than a sentence or two."""
    tokens = [_TOKEN.findall(text) for text in (base, current, yours)]
    if len(tokens[0]) * max(len(tokens[1]), len(tokens[2])) > _WORD_MERGE_LIMIT:
        return None
    words = _merge(tokens[0], tokens[1], tokens[2], _WORD_LEVEL)
    return None if words is None else "".join(word for word, _ in words)


_WORD_LEVEL: _Level[str] = _Level(_token_key, keeps_both_insertions=False, refine=None)
_SENTENCE_LEVEL: _Level[str] = _Level(_sentence_key, keeps_both_insertions=True, refine=_refine_sentences)
_UNIT_LEVEL: _Level[_Unit] = _Level(_unit_key, keeps_both_insertions=True, refine=_refine_units)


def _fit_tables(units: Sequence[_Unit]) -> list[_Unit]:
    """Table rows joined by single newlines: a table unit ends with one exactly when a row follows it."""
    fitted: list[_Unit] = []
    for index, unit in enumerate(units):
        if unit.table:
            following = units[index + 1] if index + 1 < len(units) else None
            row_follows = following is not None and following.table and not _is_table_head(following.text)
            unit = _Unit(unit.text.strip("\n") + ("\n" if row_follows else ""), True)
        fitted.append(unit)
    return fitted


def _is_table_head(unit: str) -> bool:
    lines = unit.strip("\n").split("\n")
    return len(lines) == 2 and _TABLE_DELIMITER.fullmatch(lines[1]) is not None


def _renumbered(units: Sequence[_Unit]) -> list[_Unit]:
    """Ordered lists numbered again where the merge left their numbers out of order.

    A list numbered 1, 2, 3 … is numbered on from its first number; one numbered 1, 1, 1 … (each
    item "1.") keeps that style.
    """
    result = list(units)
    markers = [_ORDERED.match(unit.text.lstrip("\n")) for unit in units]
    runs: list[list[int]] = []
    for index, marker in enumerate(markers):
        previous = markers[index - 1] if index else None
        if marker is None:
            continue
        if previous is not None and previous.group(3) == marker.group(3) and runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    for run in runs:
        numbers = [int(marker.group(2)) for index in run if (marker := markers[index])]
        first = numbers[0]
        lazy = len(numbers) > 1 and numbers[1] == first
        wanted = [first] * len(numbers) if lazy else list(range(first, first + len(numbers)))
        for index, number, have in zip(run, wanted, numbers, strict=True):
            if number != have:
                unit = units[index]
                body = unit.text.lstrip("\n")
                lead = unit.text[: len(unit.text) - len(body)]
                result[index] = _Unit(lead + _ORDERED.sub(rf"\g<1>{number}\g<3>", body, count=1), unit.table)
    return result


# A unit moved by one side and edited (or deleted) by the other.


def _carry_moves(
    base: Sequence[_Unit], current: Sequence[_Unit], yours: Sequence[_Unit]
) -> tuple[list[_Unit], list[_Unit]]:
    """Carry an edit of a unit the other side moved to its new place (and a deletion likewise).

    The moving side's copy takes the edit (or is dropped), and the editing side's unit goes back to
    the base text in place, so that the merge sees a move on one side and nothing on the other.
    """
    current, yours = list(current), list(yours)
    base_keys = [_unit_key(unit) for unit in base]
    for mover, editor in ((current, yours), (yours, current)):
        moves = _moves(base_keys, [_unit_key(unit) for unit in mover])
        if not moves:
            continue
        changes = _in_place_changes(base_keys, [_unit_key(unit) for unit in editor])
        dropped: set[int] = set()
        for base_index, moved_to in moves.items():
            if base_index not in changes:
                continue
            edited = changes[base_index]
            if edited is None:
                dropped.add(moved_to)
                continue
            mover[moved_to] = editor[edited]
            editor[edited] = base[base_index]
        if dropped:
            mover[:] = [unit for index, unit in enumerate(mover) if index not in dropped]
    return current, yours


def _moves(base_keys: Sequence[str], side_keys: Sequence[str]) -> dict[int, int]:
    """Base units the side deleted in one place and inserted unchanged in another: base index → side index."""
    deleted: list[int] = []
    inserted: list[int] = []
    for tag, i1, i2, j1, j2 in _Matcher(None, base_keys, side_keys).get_opcodes():
        if tag != "equal":
            deleted.extend(range(i1, i2))
            inserted.extend(range(j1, j2))
    moves: dict[int, int] = {}
    for index in deleted:
        targets = [j for j in inserted if side_keys[j] == base_keys[index]]
        if len(targets) == 1 and base_keys.count(base_keys[index]) == 1:
            moves[index] = targets[0]
    return moves


def _in_place_changes(base_keys: Sequence[str], side_keys: Sequence[str]) -> dict[int, int | None]:
    """Base units the side edited in place (→ the side's index) or deleted (→ ``None``)."""
    changes: dict[int, int | None] = {}
    for tag, i1, i2, j1, j2 in _Matcher(None, base_keys, side_keys).get_opcodes():
        if tag == "delete":
            changes.update(dict.fromkeys(range(i1, i2)))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            changes.update(zip(range(i1, i2), range(j1, j2), strict=True))
    return changes
