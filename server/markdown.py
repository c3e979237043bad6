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

from markdown_it import MarkdownIt
from markdown_it.token import Token

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
    """Markdown to safe HTML."""
    return str(parser().render(text))


def tokens(text: str) -> list[Token]:
    """The block/inline token stream of ``text`` (for renderers of other formats)."""
    return parser().parse(text)


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|tr|table|ul|ol)>|<br ?/?>")


def plain_text(text: str) -> str:
    """The visible text of rendered Markdown: what a reader sees and selects.

    Block elements end with a newline so that passages in different paragraphs never run
    together. Comment anchors (TextQuoteSelector) refer to this text.
    """
    rendered = _BLOCK_END.sub(lambda m: m.group(0) + "\n", render(text))
    visible = html.unescape(_TAG.sub("", rendered))
    return re.sub(r"\n{2,}", "\n", visible).strip()
