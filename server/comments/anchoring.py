"""Comment anchors that survive edits.

A comment points at a passage of a section version with a W3C Web Annotation TextQuoteSelector:
the quoted text (``exact``) and a little of the text before and after it (``prefix``, ``suffix``).
Offsets and quotes refer to the section's plain text as the reader sees it
(``server.markdown.plain_text``), counted in code points.

When a newer version exists, the passage is followed through the word-level diff between the two
versions (``server.drafting.diff``), which knows exactly which occurrence of a repeated passage it
was and what it now says. Only if the passage did not survive there (deleted, or rewritten beyond
recognition) is it searched for elsewhere: a passage cut and pasted into another paragraph is
moved, not lost. The search ranks each verbatim occurrence and the closest near-misses by how well
the passage, its prefix and its suffix match, after Hypothesis' ``match-quote``. A comment whose
passage is found nowhere is outdated and keeps showing the passage it was made on.
"""

from __future__ import annotations

import functools
import heapq
import os
from collections.abc import Sequence, Set
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from server.drafting.diff import DiffSegment, diff_segments

AnchorStatus = Literal["ANCHORED", "MOVED", "OUTDATED"]

MAX_EXACT_LENGTH = 2000
DEFAULT_CONTEXT = 32

# Ranking: the passage itself counts most, then its context; position only breaks near-ties.
_QUOTE_WEIGHT = 50.0
_PREFIX_WEIGHT = 20.0
_SUFFIX_WEIGHT = 20.0
_POSITION_WEIGHT = 2.0

# Similarity is 1 - edit distance / length. A passage followed through the diff keeps its place if
# at least half of it survives: "data skal deles" -> "data må deles" (0.73) stays, a sentence
# rewritten in other words (typically < 0.4) does not.
_MIN_SIMILARITY_IN_PLACE = 0.5
# A near-miss found by searching may differ in at most this share of the passage's characters...
_MAX_ERROR_RATE = 0.5
# ...and is accepted if it is this similar on its own (a word or two changed in a sentence),
_MIN_SIMILARITY = 0.75
# or at least half similar where 80 % of the old prefix and suffix still stand around it.
_MIN_SIMILARITY_IN_CONTEXT = 1.0 - _MAX_ERROR_RATE
_MIN_CONTEXT_AGREEMENT = 0.8
# Near-misses considered, best first: enough for repeated passages, bounded for long texts.
_MAX_NEAR_MISSES = 16


@dataclass(frozen=True)
class TextQuote:
    """A W3C TextQuoteSelector: the quoted passage and some text immediately before and after it."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Location:
    """A span of the plain text: ``text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True)
class Relocated:
    """Where an anchor landed in a newer text; ``location`` and ``exact`` are ``None`` when outdated."""

    status: AnchorStatus
    location: Location | None
    exact: str | None


@dataclass(frozen=True)
class _Candidate:
    location: Location
    similarity: float  # of the text at location to the quoted passage, see _similarity


def selector_for(text: str, start: int, end: int, context: int = DEFAULT_CONTEXT) -> TextQuote:
    """The selector for ``text[start:end]``, with up to ``context`` characters on either side."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"not a non-empty range of the text: {start}..{end} of {len(text)}")
    if context < 0:
        raise ValueError(f"context must not be negative: {context}")
    return TextQuote(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def validate(text: str, quote: TextQuote) -> str | None:
    """Why ``quote`` cannot anchor a new comment on ``text``, or ``None`` if it can.

    The passage must occur verbatim with its prefix right before it and its suffix right after it.
    If that still fits several places (identical passages in identical surroundings), the first is
    taken: the reader cannot tell them apart either.
    """
    if not quote.exact.strip():
        return "The quoted passage is empty."
    if len(quote.exact) > MAX_EXACT_LENGTH:
        return f"The quoted passage is longer than {MAX_EXACT_LENGTH:,} characters."
    if quote.exact not in text:
        return "The quoted passage does not occur in the text."
    if quote.prefix + quote.exact + quote.suffix not in text:
        return "The text around the quoted passage does not match the text."
    return None


def find(text: str, quote: TextQuote) -> Location | None:
    """The best place for ``quote`` in ``text``, or ``None`` if the passage is not there any more.

    Verbatim occurrences are told apart by how well the prefix and suffix match around them (the
    first wins a tie). Failing a verbatim occurrence in its own context, near-misses compete too,
    so that a lightly edited passage is still found.
    """
    return _locate(text, quote, hint=None)


# Every reader of a document relocates the same comments against the same two texts until one of
# them changes: the result is a pure function of its arguments (all immutable), so it is kept.
@functools.lru_cache(maxsize=8192)
def relocate(old_text: str, new_text: str, quote: TextQuote) -> Relocated:
    """Where the passage ``quote`` marks in ``old_text`` is in ``new_text``.

    ``ANCHORED``: verbatim at the same offsets. ``MOVED``: elsewhere, or reworded (``exact`` is
    then the new wording). ``OUTDATED``: deleted or rewritten beyond recognition.
    """
    old = find(old_text, quote)
    if old is None:
        return _relocated(new_text, quote, None, find(new_text, quote))
    changes = _changes(old_text, new_text)
    followed = Location(_map_start(changes, old.start), _map_end(changes, old.end))
    if _similarity(quote.exact, new_text[followed.start : followed.end]) >= _MIN_SIMILARITY_IN_PLACE:
        return _relocated(new_text, quote, old, followed)
    # Other occurrences in the old text are other passages, whatever their context.
    others = {_map_start(changes, other.start) for other in _occurrences(old_text, quote.exact) if other != old}
    return _relocated(new_text, quote, old, _locate(new_text, quote, hint=followed.start, exclude=others))


def _relocated(new_text: str, quote: TextQuote, old: Location | None, new: Location | None) -> Relocated:
    if new is None:
        return Relocated("OUTDATED", None, None)
    found = new_text[new.start : new.end]
    status: AnchorStatus = "ANCHORED" if new == old and found == quote.exact else "MOVED"
    return Relocated(status, new, found)


def _locate(text: str, quote: TextQuote, hint: int | None, exclude: Set[int] = frozenset()) -> Location | None:
    """The best-ranked acceptable candidate; ``exclude`` holds start offsets known to be other passages."""
    if not quote.exact:
        return None
    verbatim = [
        _Candidate(location, 1.0) for location in _occurrences(text, quote.exact) if location.start not in exclude
    ]
    in_context = [candidate for candidate in verbatim if _in_context(text, quote, candidate.location)]
    if in_context:
        candidates = in_context
    else:
        near_misses = [
            c
            for c in _near_misses(text, quote.exact)
            if c.location.start not in exclude and _acceptable(text, quote, c)
        ]
        candidates = verbatim + near_misses
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (_score(text, quote, c, hint), -c.location.start))
    return best.location


def _occurrences(text: str, exact: str) -> list[Location]:
    """Every verbatim occurrence, overlapping ones included."""
    locations: list[Location] = []
    start = text.find(exact)
    while start != -1:
        locations.append(Location(start, start + len(exact)))
        start = text.find(exact, start + 1)
    return locations


def _near_misses(text: str, exact: str) -> list[_Candidate]:
    """The best inexact matches of ``exact`` in ``text``: one per local minimum of the edit distance."""
    max_errors = int(len(exact) * _MAX_ERROR_RATE)
    errors = _edit_distances(exact, text, anchored=False)
    ends = [
        end
        for end, error in enumerate(errors, start=1)
        if 0 < error <= max_errors
        and (end == 1 or error <= errors[end - 2])
        and (end == len(errors) or error < errors[end])
    ]
    candidates: list[_Candidate] = []
    for end in heapq.nsmallest(_MAX_NEAR_MISSES, ends, key=lambda end: (errors[end - 1], end)):
        start = _match_start(text, exact, end, errors[end - 1])
        similarity = 1.0 - errors[end - 1] / max(len(exact), end - start)
        candidates.append(_Candidate(Location(start, end), similarity))
    return candidates


def _match_start(text: str, exact: str, end: int, errors: int) -> int:
    """Where the match of ``exact`` ending at ``end`` with ``errors`` edits begins (length nearest the passage's)."""
    begin = max(0, end - len(exact) - errors)
    # distances[n] is the edit distance between exact and text[end - n : end].
    distances = [len(exact), *_edit_distances(exact[::-1], text[begin:end][::-1], anchored=True)]
    best = min(distances)
    length = min(
        (n for n, distance in enumerate(distances) if distance == best), key=lambda n: (abs(n - len(exact)), n)
    )
    return end - length


def _edit_distances(pattern: str, text: str, *, anchored: bool) -> list[int]:
    """Edit distances of ``pattern`` against ``text``, one for each end position (Myers' bit-parallel algorithm).

    Item ``j`` is the distance between ``pattern`` and the closest substring of ``text`` that ends at
    ``j + 1``, or, when ``anchored``, between ``pattern`` and ``text[: j + 1]``. Python's integers are
    the bit vectors, so the pattern may be of any length. See G. Myers, "A fast bit-vector algorithm
    for approximate string matching based on dynamic programming", J. ACM 46(3), 1999.
    """
    length = len(pattern)
    if length == 0:
        return list(range(1, len(text) + 1)) if anchored else [0] * len(text)
    full = (1 << length) - 1
    last = 1 << (length - 1)
    # An anchored match pays for every text character skipped before it; a free one does not.
    carry = 1 if anchored else 0
    masks: dict[str, int] = {}
    for i, char in enumerate(pattern):
        masks[char] = masks.get(char, 0) | (1 << i)
    plus_v, minus_v, score = full, 0, length
    distances: list[int] = []
    for char in text:
        eq = masks.get(char, 0)
        x_v = eq | minus_v
        x_h = (((eq & plus_v) + plus_v) ^ plus_v) | eq
        plus_h = minus_v | (~(x_h | plus_v) & full)
        minus_h = plus_v & x_h
        if plus_h & last:
            score += 1
        elif minus_h & last:
            score -= 1
        plus_h = ((plus_h << 1) | carry) & full
        minus_h = (minus_h << 1) & full
        plus_v = minus_h | (~(x_v | plus_h) & full)
        minus_v = plus_h & x_v
        distances.append(score)
    return distances


def _in_context(text: str, quote: TextQuote, location: Location) -> bool:
    """Whether the prefix ends right at ``location`` and the suffix starts right after it."""
    return text.endswith(quote.prefix, 0, location.start) and text.startswith(quote.suffix, location.end)


def _acceptable(text: str, quote: TextQuote, candidate: _Candidate) -> bool:
    if candidate.similarity >= _MIN_SIMILARITY:
        return True
    return (
        candidate.similarity >= _MIN_SIMILARITY_IN_CONTEXT
        and _context_agreement(text, quote, candidate.location) >= _MIN_CONTEXT_AGREEMENT
    )


def _score(text: str, quote: TextQuote, candidate: _Candidate, hint: int | None) -> float:
    before, after = _surroundings(text, quote, candidate.location)
    score = (
        _QUOTE_WEIGHT * candidate.similarity
        + _PREFIX_WEIGHT * _context_similarity(quote.prefix, before)
        + _SUFFIX_WEIGHT * _context_similarity(quote.suffix, after)
    )
    if hint is not None and text:
        score += _POSITION_WEIGHT * (1.0 - min(abs(candidate.location.start - hint), len(text)) / len(text))
    return score


def _similarity(exact: str, found: str) -> float:
    """How alike two passages are: 1 - edit distance / length of the longer one."""
    if not found:
        return 0.0
    return 1.0 - _edit_distances(exact, found, anchored=True)[-1] / max(len(exact), len(found))


def _context_agreement(text: str, quote: TextQuote, location: Location) -> float:
    """The share of the prefix and suffix found around ``location``; 0 for a selector without context."""
    expected = len(quote.prefix) + len(quote.suffix)
    if expected == 0:
        return 0.0
    before, after = _surroundings(text, quote, location)
    return (_matched(quote.prefix, before) + _matched(quote.suffix, after)) / expected


def _surroundings(text: str, quote: TextQuote, location: Location) -> tuple[str, str]:
    """The text where the prefix and suffix should be, as long as they are (or up to the text's ends)."""
    before = text[max(0, location.start - len(quote.prefix)) : location.start]
    after = text[location.end : location.end + len(quote.suffix)]
    return before, after


def _context_similarity(expected: str, actual: str) -> float:
    """The share of ``expected`` matched in ``actual``; an empty expectation is met by anything."""
    return _matched(expected, actual) / len(expected) if expected else 1.0


def _matched(expected: str, actual: str) -> int:
    matcher = SequenceMatcher(None, expected, actual, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


@dataclass(frozen=True)
class _Change:
    """A run of the diff: ``old_text[old_start:old_end]`` became ``new_text[new_start:new_end]``."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    equal: bool


@functools.lru_cache(maxsize=16)  # relocating a version's comments diffs the same two texts for each
def _changes(old_text: str, new_text: str) -> tuple[_Change, ...]:
    """The word-level diff as runs of equal text and of changes (a deletion, an insertion or both)."""
    changes: list[_Change] = []
    old_position = new_position = 0
    for segment in _diff(old_text, new_text):
        old_size = 0 if segment.kind == "insert" else len(segment.text)
        new_size = 0 if segment.kind == "delete" else len(segment.text)
        equal = segment.kind == "equal"
        last = changes[-1] if changes else None
        if last is not None and not equal and not last.equal:
            changes[-1] = _Change(
                last.old_start, last.old_end + old_size, last.new_start, last.new_end + new_size, False
            )
        else:
            changes.append(_Change(old_position, old_position + old_size, new_position, new_position + new_size, equal))
        old_position += old_size
        new_position += new_size
    return tuple(changes)


def _diff(old_text: str, new_text: str) -> list[DiffSegment]:
    """``diff_segments``, sparing it the unchanged head and tail (whole words), where it would spend its time."""
    head = len(os.path.commonprefix([old_text, new_text]))
    while head and not old_text[head - 1].isspace():
        head -= 1
    old_rest, new_rest = old_text[head:], new_text[head:]
    tail = len(os.path.commonprefix([old_rest[::-1], new_rest[::-1]]))
    while tail and not old_rest[-tail].isspace():
        tail -= 1
    middle = diff_segments(old_rest[: len(old_rest) - tail], new_rest[: len(new_rest) - tail])
    segments = [DiffSegment("equal", old_text[:head]), *middle, DiffSegment("equal", old_rest[len(old_rest) - tail :])]
    return [segment for segment in segments if segment.text]


def _map_start(changes: Sequence[_Change], offset: int) -> int:
    """Where a passage starting at ``offset`` starts now: after text inserted before it, at a rewrite's start."""
    for change in changes:
        if change.old_start <= offset < change.old_end:
            return change.new_start + (offset - change.old_start if change.equal else 0)
    return changes[-1].new_end if changes else 0


def _map_end(changes: Sequence[_Change], offset: int) -> int:
    """Where a passage ending at ``offset`` ends now: before text inserted after it, at a rewrite's end."""
    for change in changes:
        if change.old_start < offset <= change.old_end:
            return change.new_start + (offset - change.old_start) if change.equal else change.new_end
    return 0
