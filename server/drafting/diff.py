"""Word-level differences between two versions of a section body, as segments and as safe HTML.

Paragraphs are aligned first; a changed paragraph that resembles one on the other side is compared
word by word (a very long one sentence by sentence first), and the rest are whole insertions or
deletions. The texts are taken exactly as given
(no normalisation), so the segments always rebuild both texts: ``source_of(diff_segments(a, b)) == a``
and ``target_of(diff_segments(a, b)) == b``.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from server import markdown

DiffKind = Literal["equal", "insert", "delete"]

# A paragraph runs up to and including the blank line(s) after it.
_PARAGRAPH = re.compile(r".*?(?:\r?\n(?:[ \t]*\r?\n)+|\Z)", re.DOTALL)
# A sentence runs up to and including its end mark or line break and the whitespace after it. An end mark
# counts only before a capital letter, so that abbreviations ("nr. 3", "bl.a. kommunerne") do not end one.
_SENTENCE = re.compile(r".*?(?:[.!?]+\s+(?=[A-ZÆØÅ])|\n\s*|\Z)", re.DOTALL)
# Words (\w covers æ, ø and å), runs of whitespace, and single punctuation marks or symbols, so that
# "afsnit." → "afsnit!" changes only the mark.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\w+")
# How alike two changed blocks (paragraphs, or sentences of a huge paragraph) must be to be compared word
# by word rather than replaced whole: the share of the shorter one's words found in the other, in order.
_PAIRING_SHARE = 0.5
# How many of the next new blocks an old one is compared with when looking for its pair.
_PAIRING_WINDOW = 8
# Above this many token pairs (about 500 words against 500), a paragraph is aligned by sentence before
# words are compared, and difflib may skip very frequent tokens as anchors ("autojunk"). That keeps a huge
# rewritten paragraph from taking seconds; the diff is still exact, only coarser.
_EXACT_MATCHING_LIMIT = 1_000_000


@dataclass(frozen=True)
class DiffSegment:
    kind: DiffKind
    text: str


_PairDiff = Callable[[str, str], list[DiffSegment]]


def diff_segments(old: str, new: str) -> list[DiffSegment]:
    """The difference from *old* to *new*: equal, deleted and inserted runs of text, in order."""
    return _tidy(_diff_blocks(_paragraphs(old), _paragraphs(new), _diff_paragraph))


def diff_html(segments: Sequence[DiffSegment]) -> str:
    """The segments as HTML: insertions in ``<ins>``, deletions in ``<del>``, line breaks as ``<br>``.

    All text is escaped, so the result is safe to place inside any element that allows phrasing content.
    """
    parts: list[str] = []
    for segment in segments:
        text = html.escape(segment.text).replace("\r\n", "\n").replace("\n", "<br>\n")
        if segment.kind == "insert":
            parts.append(f"<ins>{text}</ins>")
        elif segment.kind == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)


def diff_paragraphs_html(segments: Sequence[DiffSegment], *, context: int = 1) -> str:
    """The segments as paragraphs (``<p>``), with unchanged stretches far from a change left out.

    Meant for reading texts (``server.markdown.reading_text``: one paragraph per blank-line-separated
    block): the paragraphs with a change, ``context`` paragraphs around each, and "…" for the rest,
    so one changed sentence at the end of a long section is not buried. Escaped like ``diff_html``.
    """
    paragraphs: list[list[DiffSegment]] = [[]]
    for segment in segments:
        pieces = re.split(r"(\n\s*\n)", segment.text)
        for index, piece in enumerate(pieces):
            if index % 2:  # a paragraph break
                paragraphs.append([])
            elif piece:
                paragraphs[-1].append(DiffSegment(segment.kind, piece))
    paragraphs = [p for p in paragraphs if "".join(s.text for s in p).strip()]
    changed = [i for i, p in enumerate(paragraphs) if any(s.kind != "equal" for s in p)]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    parts: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index in keep:
            parts.append(f"<p>{diff_html(paragraph)}</p>")
        elif not parts or parts[-1] != _SKIPPED:
            parts.append(_SKIPPED)
    return "\n".join(parts)


_SKIPPED = '<p class="diff__skipped">…</p>'


def source_of(segments: Iterable[DiffSegment]) -> str:
    """The old text the segments were made from."""
    return "".join(segment.text for segment in segments if segment.kind != "insert")


def target_of(segments: Iterable[DiffSegment]) -> str:
    """The new text the segments were made from."""
    return "".join(segment.text for segment in segments if segment.kind != "delete")


def _paragraphs(text: str) -> list[str]:
    """Cut a text into paragraphs, each with the blank lines after it, so that they concatenate back to it."""
    return [match.group() for match in _PARAGRAPH.finditer(text) if match.group()]


def _sentences(text: str) -> list[str]:
    """Cut a text into sentences and lines, each with the whitespace after it."""
    return [match.group() for match in _SENTENCE.finditer(text) if match.group()]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _diff_blocks(old: Sequence[str], new: Sequence[str], diff_pair: _PairDiff) -> list[DiffSegment]:
    """Align blocks (paragraphs or sentences); changed blocks are paired up and diffed by *diff_pair*."""
    segments: list[DiffSegment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(DiffSegment("equal", "".join(old[i1:i2])))
        else:
            segments.extend(_changed_blocks(old[i1:i2], new[j1:j2], diff_pair))
    return segments


def _changed_blocks(old: Sequence[str], new: Sequence[str], diff_pair: _PairDiff) -> list[DiffSegment]:
    """Pair each old block with the next similar new one, in order; the rest are whole.

    Only the next few new blocks are tried, which bounds the work when a long section is rewritten.
    """
    segments: list[DiffSegment] = []
    new_words = [_words(block) for block in new]
    j = 0
    for old_block in old:
        old_words = _words(old_block)
        candidates = range(j, min(j + _PAIRING_WINDOW, len(new)))
        match = next((k for k in candidates if _alike(old_words, new_words[k])), None)
        if match is None:
            segments.append(DiffSegment("delete", old_block))
            continue
        segments.extend(DiffSegment("insert", block) for block in new[j:match])
        segments.extend(diff_pair(old_block, new[match]))
        j = match + 1
    segments.extend(DiffSegment("insert", block) for block in new[j:])
    return segments


def _alike(old_words: list[str], new_words: list[str]) -> bool:
    """Whether two blocks have at least half of the shorter one's words in common, in order.

    Measured against the shorter block, so that a sentence added to a short paragraph still reads as
    an insertion into it rather than as a new paragraph.
    """
    shorter = min(len(old_words), len(new_words))
    if not shorter:
        return len(old_words) == len(new_words)
    needed = _PAIRING_SHARE * shorter
    if sum((Counter(old_words) & Counter(new_words)).values()) < needed:
        return False  # cheap upper bound first
    return sum(block.size for block in _matcher(old_words, new_words).get_matching_blocks()) >= needed


def _matcher(old: list[str], new: list[str]) -> difflib.SequenceMatcher[str]:
    autojunk = len(old) * len(new) > _EXACT_MATCHING_LIMIT
    return difflib.SequenceMatcher(None, old, new, autojunk=autojunk)


def _diff_paragraph(old: str, new: str) -> list[DiffSegment]:
    return _word_diff(old, new, by_sentence=True)


def _diff_sentence(old: str, new: str) -> list[DiffSegment]:
    return _word_diff(old, new, by_sentence=False)


def _word_diff(old: str, new: str, *, by_sentence: bool) -> list[DiffSegment]:
    """Diff two texts word by word; the common start and end are cut off first, as most edits are local.

    When what is left is too long to compare word by word at once, it is aligned by sentence first.
    """
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    start = 0
    while start < min(len(old_tokens), len(new_tokens)) and old_tokens[start] == new_tokens[start]:
        start += 1
    end = 0
    while end < min(len(old_tokens), len(new_tokens)) - start and old_tokens[-1 - end] == new_tokens[-1 - end]:
        end += 1
    old_middle, new_middle = old_tokens[start : len(old_tokens) - end], new_tokens[start : len(new_tokens) - end]
    segments = [DiffSegment("equal", "".join(old_tokens[:start]))]
    if by_sentence and len(old_middle) * len(new_middle) > _EXACT_MATCHING_LIMIT:
        old_sentences, new_sentences = _sentences("".join(old_middle)), _sentences("".join(new_middle))
        segments.extend(_diff_blocks(old_sentences, new_sentences, _diff_sentence))
    else:
        matcher = _matcher(old_middle, new_middle)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                segments.append(DiffSegment("equal", "".join(old_middle[i1:i2])))
            else:
                segments.append(DiffSegment("delete", "".join(old_middle[i1:i2])))
                segments.append(DiffSegment("insert", "".join(new_middle[j1:j2])))
    segments.append(DiffSegment("equal", "".join(old_tokens[len(old_tokens) - end :])))
    return segments


# A change run: the equal text before it, then the deleted text, then the inserted text.
_Run = tuple[str, str, str]


def _tidy(segments: Sequence[DiffSegment]) -> list[DiffSegment]:
    """Canonical, readable form: no empty segments, and each change one deletion followed by one insertion.

    Whitespace that a replacement ends with on both sides ("staten " → "regionen ") is moved out into
    the equal text after it, and a bare space between two replacements is folded into both, so that
    "a b" → "x y" reads as one replacement.
    """
    runs = _runs(segments)
    for index, (equal, deleted, inserted) in enumerate(runs):
        size = _common_space_suffix(deleted, inserted) if deleted and inserted else 0
        if size:
            runs[index] = (equal, deleted[:-size], inserted[:-size])
            following = runs[index + 1] if index + 1 < len(runs) else ("", "", "")
            runs[index + 1 : index + 2] = [(deleted[-size:] + following[0], following[1], following[2])]
    folded: list[_Run] = []
    for equal, deleted, inserted in runs:
        if folded and equal.isspace() and _replaces(folded[-1]) and deleted and inserted:
            before, old_deleted, old_inserted = folded[-1]
            folded[-1] = (before, old_deleted + equal + deleted, old_inserted + equal + inserted)
        else:
            folded.append((equal, deleted, inserted))
    tidy: list[DiffSegment] = []
    for equal, deleted, inserted in folded:
        for segment in (DiffSegment("equal", equal), DiffSegment("delete", deleted), DiffSegment("insert", inserted)):
            if not segment.text:
                continue
            if tidy and tidy[-1].kind == segment.kind:
                tidy[-1] = DiffSegment(segment.kind, tidy[-1].text + segment.text)
            else:
                tidy.append(segment)
    return tidy


def _replaces(run: _Run) -> bool:
    return bool(run[1] and run[2])


def _common_space_suffix(one: str, other: str) -> int:
    size = 0
    while size < min(len(one), len(other)) and one[-1 - size] == other[-1 - size] and one[-1 - size].isspace():
        size += 1
    return size


def _runs(segments: Sequence[DiffSegment]) -> list[_Run]:
    """Group segments into change runs; the last run may have no change."""
    runs: list[_Run] = []
    equal, deleted, inserted = "", "", ""
    for segment in segments:
        if segment.kind == "equal":
            if deleted or inserted:
                runs.append((equal, deleted, inserted))
                equal, deleted, inserted = "", "", ""
            equal += segment.text
        elif segment.kind == "delete":
            deleted += segment.text
        else:
            inserted += segment.text
    runs.append((equal, deleted, inserted))
    return runs


@dataclass(frozen=True)
class VersionDiff:
    """What a reader sees of the change between two versions: the segments, and both as safe HTML."""

    segments: list[DiffSegment]
    html: str
    readable_html: str


def version_diff(old_body: str, new_body: str) -> VersionDiff:
    """The diff of two bodies, of their Markdown and of the text as readers see it (CPU-heavy on long
    texts changed all over: the app calls it in a worker, ``drafting.queries.diff_between``)."""
    segments = diff_segments(old_body, new_body)
    readable = diff_segments(markdown.reading_text(old_body), markdown.reading_text(new_body))
    return VersionDiff(segments, diff_html(segments), diff_paragraphs_html(readable))
