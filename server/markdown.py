"""The one Markdown renderer.

Everything a user writes (section bodies, comments, remarks) is rendered here and nowhere
else. Raw HTML is disabled and links go through markdown-it's ``validateLink``, which refuses
``javascript:``, ``vbscript:``, ``file:`` and ``data:`` URLs (also when entity-obfuscated,
because the check runs on the normalised URL). No plugin derives ``id``/``name`` attributes
from user text.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from server.workers import TooSlow, Workers

_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


@functools.cache
def parser() -> MarkdownIt:
    """The shared parser: CommonMark plus tables and strikethrough, raw HTML off."""
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    default_validate = md.validateLink

    def validate_link(url: str) -> bool:
        # Relative links and fragments are fine; absolute ones must use a known-safe scheme.
        if not default_validate(url):
            return False
        stripped = url.strip().lower()
        scheme = re.match(r"^[a-z][a-z0-9+.\-]*:", stripped)
        return scheme is None or stripped.startswith(_SAFE_SCHEMES)

    md.validateLink = validate_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _render_link_open)
    return md


def _render_link_open(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
    token = tokens[idx]
    href = token.attrGet("href") or ""
    title = token.attrGet("title")
    attrs = f' href="{html.escape(str(href), quote=True)}"'
    if title:
        attrs += f' title="{html.escape(str(title), quote=True)}"'
    if str(href).startswith(("http:", "https:")):
        attrs += ' rel="noopener noreferrer nofollow"'
    return f"<a{attrs}>"


def render(text: str) -> str:
    """Markdown to safe HTML (pure and CPU-bound: the app calls it through ``render_off_loop``)."""
    return str(parser().render(text))


# markdown-it looks ahead from every "[" for the "]" that closes a link label, so text with
# thousands of unclosed brackets renders in quadratic time (10,000 "![" took 10 s). No real text
# needs that many; such text is refused before it is rendered.
MAX_BRACKETS = 2_000


def too_complex(text: str) -> bool:
    """Whether ``text`` would make the renderer super-linear (and so is refused)."""
    return text.count("[") > MAX_BRACKETS


async def render_off_loop(workers: Workers, text: str) -> str | None:
    """The HTML of ``text``, rendered in a worker process within its deadline; None when refused.

    None means the text is too complex to render (``too_complex``, or it ran past the deadline):
    callers answer with the ``text_too_complex`` message and write nothing.
    """
    if too_complex(text):
        return None
    try:
        return await workers.run(render, text)
    except TooSlow:
        return None


def tokens(text: str) -> list[Token]:
    """The block/inline token stream of ``text`` (for renderers of other formats)."""
    return parser().parse(text)


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|tr|table|ul|ol)>|<br ?/?>")


def plain_text(text: str) -> str:
    """The visible text of Markdown: what a reader sees and selects (see ``plain_text_of``)."""
    return plain_text_of(render(text))


def plain_text_of(rendered_html: str) -> str:
    """The visible text of HTML from ``render`` — e.g. the HTML stored with a version, so that
    reads never render again.

    Block elements end with a newline so that passages in different paragraphs never run
    together. Comment anchors (TextQuoteSelector) refer to this text.
    """
    rendered = _BLOCK_END.sub(lambda m: m.group(0) + "\n", rendered_html)
    visible = html.unescape(_TAG.sub("", rendered))
    return re.sub(r"\n{2,}", "\n", visible).strip()


# Passages as they read. A passage quotes the plain text, in which a soft line break of the source
# is a newline; a reader sees a space there, and sees the numbers of a numbered list.
_SOFT = "\u2028"
_NUMBER = "\ue000"


class _MarkingRenderer(RendererHTML):
    """The renderer's HTML with soft line breaks as _SOFT and each numbered item's number marked."""

    def softbreak(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _SOFT

    def list_item_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        opened = self.renderToken(tokens, idx, options, env)
        token = tokens[idx]
        return f"{opened}{_NUMBER}{token.info}{token.markup} {_NUMBER}" if token.info else opened


@dataclass(frozen=True)
class _Reading:
    """How a text's plain text reads: the offsets of its soft line breaks and the numbers of the
    numbered items starting at an offset (``aligned`` False: the renderings differ, quote as is)."""

    plain: str
    soft: frozenset[int]
    numbers: Mapping[int, str]
    aligned: bool


@functools.lru_cache(maxsize=64)
def _reading(text: str) -> _Reading:
    # Every comment on a version quotes the same body, so each body is rendered and walked once
    # (a 200,000-character body takes a second); a passage is then read in its own length. The
    # consultation report and Word's margin comments do this in a worker process.
    plain = plain_text(text)
    md = parser()
    rendered = _MarkingRenderer(md).render(md.parse(text), md.options, {})
    rendered = _BLOCK_END.sub(lambda m: m.group(0) + "\n", rendered)
    marked = re.sub(r"\n{2,}", "\n", html.unescape(_TAG.sub("", rendered))).strip()
    soft: set[int] = set()
    numbers: dict[int, str] = {}
    pending = ""
    at = 0
    i = 0
    while i < len(marked):
        char = marked[i]
        if char == _NUMBER:
            close = marked.index(_NUMBER, i + 1)
            pending, i = marked[i + 1 : close], close + 1
            continue
        if at >= len(plain) or plain[at] != ("\n" if char == _SOFT else char):
            return _Reading(plain, frozenset(), {}, aligned=False)
        if char == _SOFT:
            soft.add(at)
        elif pending and char != "\n":
            numbers[at], pending = pending, ""
        at, i = at + 1, i + 1
    return _Reading(plain, frozenset(soft), numbers, aligned=True)


def quoted_text(text: str) -> str:
    """``plain_text(text)``, kept for the texts read last: the text that passages quote."""
    return _reading(text).plain


def passage_as_read(text: str, start: int, end: int) -> str:
    """``plain_text(text)[start:end]`` as a reader sees it: soft line breaks as spaces, and the
    number of each numbered list item that starts in the passage in front of it."""
    reading = _reading(text)
    plain = reading.plain
    if not reading.aligned:
        return plain[start:end]  # not the same text after all: quote it as it is
    return "".join(
        reading.numbers.get(k, "") + (" " if k in reading.soft else plain[k])
        for k in range(max(start, 0), min(end, len(plain)))
    )


_PARAGRAPH_END = re.compile(r"</(p|h[1-6]|blockquote|pre|tr|table|ul|ol)>")
_ITEM_START = re.compile(r"<li[^>]*>")


def reading_text(text: str) -> str:
    """Rendered Markdown as a reader takes it in: no markup, one line per paragraph or list item.

    Paragraphs (and list items) are separated by a blank line and soft line breaks become spaces,
    so a diff of two reading texts shows changed words, never ``**`` or a line the author wrapped.
    """
    rendered = _ITEM_START.sub("\n\n• ", _BLOCK_END.sub(lambda m: m.group(0) + "\n\n", render(text)))
    visible = html.unescape(_TAG.sub("", _PARAGRAPH_END.sub(lambda m: m.group(0) + "\n\n", rendered)))
    paragraphs = (" ".join(block.split()) for block in re.split(r"\n\s*\n", visible))
    return "\n\n".join(p for p in paragraphs if p)
