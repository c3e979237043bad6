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
the passage, its prefix and its suffix match, after Hypothesis' ``match-quote``, but more
cautiously: a near-miss must share most of the passage's words *and* stand in agreeing context, and
a short passage (a few words) moves only when found verbatim in agreeing context — a deleted
passage is better shown as gone than attached to a look-alike. Spans are snapped to whole words,
and punctuation that follows (or precedes) the passage is not swallowed into it. A passage that is
still there with the same words (whitespace aside: a re-wrapped line, a soft break that moved) is
``ANCHORED`` wherever the text around it moved. A comment whose passage is found nowhere is
outdated and keeps showing the passage it was made on.
"""

from __future__ import annotations

import functools
import heapq
import os
import re
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
_MIN_WORD_SHARE_IN_PLACE = 0.5
# A near-miss found by searching may differ in at most this share of the passage's characters...
_MAX_ERROR_RATE = 0.5
# ...and is accepted only if it is this similar (a word or two changed in a sentence).
_MIN_SIMILARITY = 0.75
# Near-misses considered, best first: enough for repeated passages, bounded for long texts.
_MAX_NEAR_MISSES = 16
# A near-miss found by searching must also keep this share of the passage's words, in order, and
# stand where this share of the context's words (on average of both sides) still stands around it.
_MIN_WORD_SHARE = 0.8
_MIN_CONTEXT_SHARE = 0.6
# A passage of at most this many words moves only to a verbatim occurrence where nearly all of
# the words on one side of it are still there (a word or two in common is chance).
_SHORT_QUOTE_WORDS = 3
_MIN_SHORT_CONTEXT_SHARE = 0.8
_WORD = re.compile(r"\w+")
_CHARACTER_OR_SPACE = re.compile(r"\s+|\S")


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
        return _relocated(new_text, quote, find(new_text, quote), followed=False)
    # The passage is followed through the diff of the texts with each run of whitespace as one space, so
    # that a re-wrapped line or a moved soft break changes nothing.
    old_spaced, new_spaced = _Spaced.of(old_text), _Spaced.of(new_text)
    changes = _changes(old_spaced.text, new_spaced.text)

    def follow(location: Location) -> Location:
        start = _map_start(changes, old_spaced.index[location.start])
        end = _map_end(changes, old_spaced.index[location.end - 1] + 1)
        return Location(new_spaced.start_of(start), new_spaced.end_of(end))

    followed = _snap(new_text, quote, follow(old))
    if _still_there(quote.exact, new_text[followed.start : followed.end]):
        return _relocated(new_text, quote, followed, followed=True)
    # Other occurrences in the old text are other passages, whatever their context.
    others = {follow(other).start for other in _occurrences(old_text, quote.exact) if other != old}
    return _relocated(new_text, quote, _locate(new_text, quote, hint=followed.start, exclude=others), followed=False)


def _still_there(exact: str, found: str) -> bool:
    """Whether the text a passage was followed to is still that passage: at least half of it, and of a
    passage of three words or more, more than half of its words (in any case)."""
    if _similarity(exact, found) < _MIN_SIMILARITY_IN_PLACE:
        return False
    words = _WORD.findall(exact.casefold())
    if len(words) <= 2:
        return True
    matcher = SequenceMatcher(None, words, _WORD.findall(found.casefold()), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) > _MIN_WORD_SHARE_IN_PLACE * len(words)


def _relocated(new_text: str, quote: TextQuote, new: Location | None, *, followed: bool) -> Relocated:
    """``ANCHORED`` when the passage was followed to its place and says the same, whitespace aside."""
    if new is None:
        return Relocated("OUTDATED", None, None)
    found = new_text[new.start : new.end]
    same = followed and found.split() == quote.exact.split()
    return Relocated("ANCHORED" if same else "MOVED", new, found)


def _locate(text: str, quote: TextQuote, hint: int | None, exclude: Set[int] = frozenset()) -> Location | None:
    """The best-ranked acceptable candidate; ``exclude`` holds start offsets known to be other passages."""
    if not quote.exact:
        return None
    whole_words = _starts_word(quote.exact, quote.prefix) and _ends_word(quote.exact, quote.suffix)
    verbatim = [
        _Candidate(location, 1.0)
        for location in _occurrences(text, quote.exact)
        if location.start not in exclude and (not whole_words or _on_word_boundaries(text, location))
    ]
    in_context = [candidate for candidate in verbatim if _in_context(text, quote, candidate.location)]
    if in_context:
        candidates = in_context
    elif len(_WORD.findall(quote.exact)) <= _SHORT_QUOTE_WORDS:
        candidates = [c for c in verbatim if max(_context_shares(text, quote, c.location)) >= _MIN_SHORT_CONTEXT_SHARE]
    else:
        near_misses = []
        for near_miss in _near_misses(text, quote.exact):
            location = _snap(text, quote, near_miss.location)
            candidate = _Candidate(location, _similarity(quote.exact, text[location.start : location.end]))
            if location.start not in exclude and _acceptable(text, quote, candidate):
                near_misses.append(candidate)
        candidates = verbatim + near_misses
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (_score(text, quote, c, hint), -c.location.start))
    return best.location


def _starts_word(exact: str, prefix: str) -> bool:
    return not (exact[:1].isalnum() and prefix[-1:].isalnum())


def _ends_word(exact: str, suffix: str) -> bool:
    return not (exact[-1:].isalnum() and suffix[:1].isalnum())


def _inside_word(text: str, offset: int) -> bool:
    return 0 < offset < len(text) and text[offset - 1].isalnum() and text[offset].isalnum()


def _on_word_boundaries(text: str, location: Location) -> bool:
    return not _inside_word(text, location.start) and not _inside_word(text, location.end)


def _snap(text: str, quote: TextQuote, location: Location) -> Location:
    """A found span made to start and end where the quoted passage does: on word boundaries, without
    the context's punctuation, and without whitespace at its ends that the passage does not have.

    A word cut by the span is taken in whole if at least half of it is inside, else left out.
    """
    start, end = location.start, location.end
    if start >= end:
        return location
    if _starts_word(quote.exact, quote.prefix) and _inside_word(text, start):
        word_start, word_end = _word_around(text, start)
        start = word_start if 2 * (word_end - start) >= word_end - word_start else word_end
    if _ends_word(quote.exact, quote.suffix) and _inside_word(text, end):
        word_start, word_end = _word_around(text, end)
        end = word_end if 2 * (end - word_start) >= word_end - word_start else word_start
    # Punctuation or space the context starts with (", og …") is not the passage's own.
    while start < end and _borrowed(text[end - 1], quote.suffix[:1], quote.exact[-1:]):
        end -= 1
    while start < end and _borrowed(text[start], quote.prefix[-1:], quote.exact[:1]):
        start += 1
    return Location(start, end) if start < end else location


def _borrowed(char: str, context_char: str, passage_char: str) -> bool:
    """Whether a character at the span's edge belongs to the context rather than the passage."""
    if char.isalnum() or char == passage_char:
        return False
    return char.isspace() or char == context_char


def _word_around(text: str, offset: int) -> tuple[int, int]:
    start = offset
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    end = offset
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


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
    """A near-miss counts if it is like the passage, keeps most of its words, and stands in its context."""
    if candidate.similarity < _MIN_SIMILARITY:
        return False
    found = text[candidate.location.start : candidate.location.end]
    if _word_share(_WORD.findall(quote.exact), _WORD.findall(found)) < _MIN_WORD_SHARE:
        return False
    prefix_share, suffix_share = _context_shares(text, quote, candidate.location)
    return (prefix_share + suffix_share) / 2 >= _MIN_CONTEXT_SHARE


def _word_share(expected: Sequence[str], found: Sequence[str]) -> float:
    """The share of the longer word list matched, in order, by the other."""
    longest = max(len(expected), len(found))
    if not longest:
        return 1.0
    matcher = SequenceMatcher(None, list(expected), list(found), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / longest


def _context_shares(text: str, quote: TextQuote, location: Location) -> tuple[float, float]:
    """The share of the prefix's and of the suffix's words still found next to ``location``.

    A word cut by the edge of the selector's context is not counted. An empty prefix (suffix) means
    that the passage began (ended) the text: it agrees when the location does too.
    """
    before = _WORD.findall(text[max(0, location.start - len(quote.prefix) - DEFAULT_CONTEXT) : location.start])
    after = _WORD.findall(text[location.end : location.end + len(quote.suffix) + DEFAULT_CONTEXT])
    prefix_words = _WORD.findall(quote.prefix)
    suffix_words = _WORD.findall(quote.suffix)
    if len(quote.prefix) >= DEFAULT_CONTEXT and quote.prefix[:1].isalnum():
        prefix_words = prefix_words[1:]
    if len(quote.suffix) >= DEFAULT_CONTEXT and quote.suffix[-1:].isalnum():
        suffix_words = suffix_words[:-1]

    def share(expected: list[str], actual: list[str], agrees: bool) -> float:
        if not expected:
            return 1.0 if agrees else 0.0
        matcher = SequenceMatcher(None, expected, actual, autojunk=False)
        return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)

    return (
        share(prefix_words, before[-len(prefix_words) - 2 :], _edge_agrees(text[: location.start], quote.prefix, True)),
        share(suffix_words, after[: len(suffix_words) + 2], _edge_agrees(text[location.end :], quote.suffix, False)),
    )


def _edge_agrees(actual: str, context: str, before: bool) -> bool:
    """For a context without words: punctuation or nothing (the text's edge), found again there."""
    context, actual = context.strip(), actual.strip()
    if not context:
        return not actual
    return actual.endswith(context) if before else actual.startswith(context)


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


@dataclass(frozen=True)
class _Spaced:
    """A text with each run of whitespace made one space, and the way back to the original offsets."""

    text: str
    starts: tuple[int, ...]  # where each character of ``text`` starts in the original
    ends: tuple[int, ...]  # and ends
    index: tuple[int, ...]  # the character of ``text`` that holds each original offset (one more at the end)

    @staticmethod
    @functools.lru_cache(maxsize=32)
    def of(original: str) -> _Spaced:
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        index: list[int] = []
        for match in _CHARACTER_OR_SPACE.finditer(original):
            index.extend([len(chars)] * (match.end() - match.start()))
            chars.append(" " if match.group().isspace() else match.group())
            starts.append(match.start())
            ends.append(match.end())
        index.append(len(chars))
        return _Spaced("".join(chars), tuple(starts), tuple(ends), tuple(index))

    def start_of(self, position: int) -> int:
        return self.starts[position] if position < len(self.starts) else (self.ends[-1] if self.ends else 0)

    def end_of(self, position: int) -> int:
        return self.ends[position - 1] if position > 0 else 0


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
