"""Three-way merge of Markdown section bodies, at paragraph and list-item granularity.

Several editors may save the same section from the same base version. Their texts are cut into
*units* — paragraphs (blocks separated by blank lines), except that a list block is cut into its
items, so that two people touching different items of one list merge cleanly — and the three
unit sequences are merged with ``merge3``. A region ``merge3`` reports as conflicting is looked at
once more: when the two sides' edits in it touch disjoint base units (say, two adjacent
paragraphs, or an edited item and a new item right after it) they are both applied. Anything else
that overlaps is a conflict, and the caller shows the editor both texts.

A unit is a plain string; two details of how it was written are kept in it, so that
:func:`join_units` is unambiguous:

* a list item that followed another list item across a blank line (a loose list, or two lists)
  starts with ``"\\n"``;
* a lead-in line directly above a list (``"Målene er:\\n- …"``) ends with ``"\\n"``.

Everything else is joined by the default separator: a single newline between two list items,
a blank line elsewhere.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from merge3 import Merge3

# A list marker at the start of a line: "-", "+", "*", "1." or "1)", then a space, a tab or the end.
_ITEM = re.compile(r"( {0,3})(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
_FENCE = re.compile(r" {0,3}(?:```|~~~)")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class MergeResult:
    text: str | None  # merged text, None when there is a conflict
    conflict: bool
    merged: bool  # both sides changed something and the text combines them


def normalise(text: str) -> str:
    """The form in which two bodies are compared for "no change", and in which merged text is written.

    Line endings become ``\\n`` (``\\r\\n`` and lone ``\\r``), trailing spaces and tabs are cut
    from every line, runs of blank lines become one blank line, and blank lines at the start and
    end are dropped. Leading indentation is kept. Note that Markdown hard breaks written as two
    trailing spaces do not survive this; a backslash hard break does.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def split_units(text: str) -> list[str]:
    """Cut a body into merge units: paragraphs, with list blocks cut into their items.

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
            tight = _is_item(body) and (_is_item(previous) or previous.endswith("\n"))
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
    merged = _merge_units(split_units(base_n), split_units(current_n), split_units(yours_n))
    if merged is None:
        return MergeResult(None, conflict=True, merged=False)
    return MergeResult(join_units(merged), conflict=False, merged=True)


def _is_item(unit: str) -> bool:
    return _ITEM.match(unit.lstrip("\n")) is not None


def _block_units(block: str) -> list[str]:
    """One blank-line-separated block as units: the block itself, or a lead-in and the list items."""
    lines = block.split("\n")
    if _FENCE.match(lines[0]):
        return [block]
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


def _merge_units(base: list[str], current: list[str], yours: list[str]) -> list[str] | None:
    merged: list[str] = []
    # merge3's matcher protocol declares list[tuple[int, int, int]]; difflib returns list[Match] (a NamedTuple).
    merge = Merge3(base, current, yours, sequence_matcher=_Matcher)  # type: ignore[arg-type]
    for group in merge.merge_groups():
        if group[0] == "conflict":
            resolved = _resolve_disjoint(group[1], group[2], group[3])
            if resolved is None:
                return None
            merged.extend(resolved)
        else:
            merged.extend(group[1])
    return merged


# An edit of a base region: base[start:end] is replaced by units.
_Edit = tuple[int, int, tuple[str, ...]]


def _edits(base: Sequence[str], side: Sequence[str]) -> list[_Edit]:
    opcodes = _Matcher(None, base, side).get_opcodes()
    return [(i1, i2, tuple(side[j1:j2])) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]


def _clash(one: _Edit, other: _Edit) -> bool:
    """Whether two edits of the same base region cannot both be applied."""
    if one == other:
        return False
    (s1, e1, _), (s2, e2, _) = one, other
    if s1 == e1 and s2 == e2:
        return s1 == s2  # two different insertions at one place: their order is unknown
    if s1 == e1:
        return s2 < s1 < e2
    if s2 == e2:
        return s1 < s2 < e1
    return s1 < e2 and s2 < e1


def _resolve_disjoint(base: Sequence[str], current: Sequence[str], yours: Sequence[str]) -> list[str] | None:
    """Apply both sides' edits of a conflict region if no two of them clash, else ``None``."""
    current_edits, your_edits = _edits(base, current), _edits(base, yours)
    if any(_clash(c, y) for c in current_edits for y in your_edits):
        return None
    # Sorting by (start, end) puts an insertion before a replacement starting at the same place.
    edits = sorted(set(current_edits) | set(your_edits), key=lambda edit: (edit[0], edit[1]))
    merged: list[str] = []
    position = 0
    for start, end, units in edits:
        merged.extend(base[position:start])
        merged.extend(units)
        position = end
    merged.extend(base[position:])
    return merged
