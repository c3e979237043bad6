"""The Markdown block model shared by Word export and import.

Markdown is read from the shared parser's tokens (``server.markdown.tokens``) into a small block
model — ``Heading``, ``Paragraph``, ``ListBlock`` … holding ``Span`` runs — by ``parse_blocks``;
``markdown_from_blocks`` writes blocks back as canonical Markdown. The Word exporter
(``server.exports.docx``) renders the blocks with python-docx, and the importer
(``server.imports.docx``) reads Word files into the same blocks, so an exported document
re-imports as ``normalise_markdown`` of its input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

from markdown_it.token import Token

from server.markdown import tokens as markdown_tokens

Align: TypeAlias = Literal["left", "center", "right"] | None

HARD_BREAK = "\n"
"""The text of a ``Span`` that stands for a hard line break (no other span contains a newline)."""


@dataclass(frozen=True)
class Link:
    href: str
    title: str | None = None


@dataclass(frozen=True)
class Span:
    """A run of text and its marks, as in Markdown (a link is a mark too)."""

    text: str
    strong: bool = False
    em: bool = False
    strike: bool = False
    code: bool = False
    link: Link | None = None


Inline: TypeAlias = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    content: Inline


@dataclass(frozen=True)
class Paragraph:
    content: Inline


@dataclass(frozen=True)
class CodeBlock:
    text: str


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    start: int = 1


@dataclass(frozen=True)
class Table:
    align: tuple[Align, ...]
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Rule:
    pass


Block: TypeAlias = Heading | Paragraph | CodeBlock | Quote | ListBlock | Table | Rule


def parse_blocks(markdown: str) -> tuple[Block, ...]:
    """Markdown (through the shared parser) as blocks. Images become links to their source."""
    blocks, _ = _read_blocks(markdown_tokens(markdown), 0, None)
    return tuple(blocks)


def _read_blocks(toks: list[Token], i: int, close: str | None) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    while i < len(toks):
        tok = toks[i]
        if tok.type == close:
            return blocks, i + 1
        if tok.type == "heading_open":
            blocks.append(Heading(int(tok.tag[1:]), _spans(toks[i + 1])))
            i += 3
        elif tok.type == "paragraph_open":
            blocks.append(Paragraph(_spans(toks[i + 1])))
            i += 3
        elif tok.type in ("fence", "code_block"):
            blocks.append(CodeBlock(tok.content.removesuffix("\n")))
            i += 1
        elif tok.type == "hr":
            blocks.append(Rule())
            i += 1
        elif tok.type == "blockquote_open":
            inner, i = _read_blocks(toks, i + 1, "blockquote_close")
            blocks.append(Quote(tuple(inner)))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            items: list[tuple[Block, ...]] = []
            i += 1
            while toks[i].type == "list_item_open":
                inner, i = _read_blocks(toks, i + 1, "list_item_close")
                items.append(tuple(inner))
            start = tok.attrGet("start")
            blocks.append(ListBlock(tok.type == "ordered_list_open", tuple(items), int(start or 1)))
            i += 1
        elif tok.type == "table_open":
            table, i = _read_table(toks, i + 1)
            blocks.append(table)
        else:  # raw HTML is off; nothing else reaches here
            i += 1
    return blocks, i


def _read_table(toks: list[Token], i: int) -> tuple[Table, int]:
    align: list[Align] = []
    rows: list[tuple[Inline, ...]] = []
    cells: list[Inline] = []
    while toks[i].type != "table_close":
        tok = toks[i]
        if tok.type == "tr_open":
            cells = []
        elif tok.type == "tr_close":
            rows.append(tuple(cells))
        elif tok.type == "th_open":
            style = str(tok.attrGet("style") or "")
            align.append(next((a for a in ("left", "center", "right") if style.endswith(a)), None))
        elif tok.type == "inline":
            cells.append(_spans(tok))
        i += 1
    return Table(tuple(align), rows[0], tuple(rows[1:])), i + 1


def _spans(inline: Token) -> Inline:
    spans: list[Span] = []
    depth = {"strong": 0, "em": 0, "s": 0}
    links: list[Link] = []

    def add(text: str, *, code: bool = False) -> None:
        if text:
            link = links[0] if links else None
            spans.append(Span(text, depth["strong"] > 0, depth["em"] > 0, depth["s"] > 0, code, link))

    def walk(children: list[Token]) -> None:
        for tok in children:
            name, _, edge = tok.type.rpartition("_")
            if name in depth and edge in ("open", "close"):
                depth[name] += 1 if edge == "open" else -1
            elif tok.type == "link_open":
                links.append(Link(str(tok.attrGet("href") or ""), str(tok.attrGet("title") or "") or None))
            elif tok.type == "link_close":
                links.pop()
            elif tok.type == "image":
                src = str(tok.attrGet("src") or "")
                links.append(Link(src, str(tok.attrGet("title") or "") or None))
                if tok.children:
                    walk(tok.children)
                else:
                    add(src)
                links.pop()
            elif tok.type in ("text", "code_inline"):
                add(tok.content, code=tok.type == "code_inline")
            elif tok.type == "softbreak":
                add(" ")
            elif tok.type == "hardbreak":
                add(HARD_BREAK)

    walk(inline.children or [])
    return tuple(spans)


def normalise_markdown(markdown: str, *, min_heading_level: int = 1) -> str:
    """``markdown`` in the canonical form that the importer writes.

    An export re-imports as ``normalise_markdown(part.markdown, min_heading_level=3)``. The rules:

    * list markers are ``-``; ordered lists are numbered on from their start (``1.``, ``2.`` …),
      nested content is indented by the width of its marker; a list is tight unless an item
      holds a second paragraph or other block (then every item is separated by a blank line);
    * emphasis is ``*x*``, strong ``**x**``, strikethrough ``~~x~~``; marks are nested in one
      canonical way, and spaces at their edges are moved outside them;
    * soft line breaks become spaces, hard breaks are ``\\`` + newline, and leading and trailing
      spaces of a paragraph are dropped;
    * Markdown-special characters in text are backslash-escaped (``\\*``, ``\\_``, ``\\[`` …);
    * headings are ATX (``## x``), at least ``min_heading_level`` deep and at most 6;
    * code blocks are fenced with backticks and lose their info string (language);
    * tables are ``| a | b |`` with ``| --- |`` delimiters (``:---`` etc. for alignment), no
      padding; images become links to their source with the alt text as link text; autolinks
      become ``[url](url)``; thematic breaks are ``---``.
    """
    return markdown_from_blocks(parse_blocks(markdown), min_heading_level=min_heading_level)


# ---------------------------------------------------------------------------------------------
# Blocks → canonical Markdown.


def markdown_from_blocks(blocks: Sequence[Block], *, min_heading_level: int = 1) -> str:
    """Blocks as canonical Markdown (see ``normalise_markdown`` for the form)."""
    rendered = (_block_markdown(block, min_heading_level) for block in blocks)
    return "\n\n".join(text for text in rendered if text)


def _block_markdown(block: Block, min_heading_level: int) -> str:
    if isinstance(block, Heading):
        text = _inline_markdown(block.content, context="heading")
        return f"{'#' * min(max(block.level, min_heading_level), 6)} {text}" if text else ""  # Word drops empty ones
    if isinstance(block, Paragraph):
        return _inline_markdown(block.content)
    if isinstance(block, CodeBlock):
        longest = max((len(run) for run in re.findall("`+", block.text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}\n{block.text}\n{fence}" if block.text else f"{fence}\n{fence}"
    if isinstance(block, Quote):
        inner = markdown_from_blocks(block.blocks, min_heading_level=min_heading_level)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n")) if inner else ""
    if isinstance(block, ListBlock):
        return _list_markdown(block, min_heading_level)
    if isinstance(block, Table):
        return _table_markdown(block)
    return "---"


def _list_markdown(block: ListBlock, min_heading_level: int) -> str:
    tight = all(
        isinstance(child, ListBlock) and not (child.ordered and child.start != 1)
        for item in block.items
        for child in item[1:]
    )
    rendered: list[str] = []
    for item in block.items:
        parts = (_block_markdown(child, min_heading_level) for child in item)
        body = ("\n" if tight else "\n\n").join(text for text in parts if text)
        if not body:  # an empty item: Word has nothing to show for it either
            continue
        marker = f"{min(block.start + len(rendered), 999_999_999)}." if block.ordered else "-"
        first, *rest = body.split("\n")
        pad = " " * (len(marker) + 1)
        rendered.append("\n".join([f"{marker} {first}", *(pad + line if line else "" for line in rest)]))
    return ("\n" if tight else "\n\n").join(rendered)


def _table_markdown(table: Table) -> str:
    columns = len(table.header)
    delimiter = {"left": ":---", "center": ":---:", "right": "---:", None: "---"}

    def row(cells: Sequence[Inline]) -> str:
        padded = list(cells[:columns]) + [()] * (columns - len(cells))
        return "| " + " | ".join(_inline_markdown(cell, context="table") for cell in padded) + " |"

    aligns = list(table.align[:columns]) + [None] * (columns - len(table.align))
    lines = [row(table.header), "| " + " | ".join(delimiter[a] for a in aligns) + " |"]
    lines.extend(row(cells) for cells in table.rows)
    return "\n".join(lines)


_ESCAPE = re.compile(r"[\\`*_\[\]<~|]|&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(r"^(?:[#>+=-]|(\d{1,9})([.)]))")
_MARK_RANK = {"strong": 1, "em": 2, "strike": 3}
_MARK_TEXT = {"strong": "**", "em": "*", "strike": "~~"}

_Mark = str | Link


@dataclass(frozen=True)
class _Piece:
    kind: str  # text | code | space | break
    text: str
    marks: frozenset[_Mark]


def _inline_markdown(spans: Inline, *, context: str = "paragraph") -> str:
    pieces = _pieces(spans, breaks=context == "paragraph")
    out: list[str] = []
    stack: list[_Mark] = []
    for index, piece in enumerate(pieces):
        while any(mark not in piece.marks for mark in stack):
            _close(stack.pop(), out)
        # A mark never opens on a space: the delimiter would not count as opening.
        opening = [mark for mark in piece.marks if mark not in stack] if piece.kind != "space" else []
        # Marks that run on longest open first, so that they close last.
        opening.sort(key=lambda mark: (-_run_length(pieces, index, mark), _rank(mark)))
        for mark in opening:
            if isinstance(mark, Link) and out and out[-1].endswith("!"):
                out[-1] = out[-1][:-1] + "\\!"  # "![" would start an image
            out.append("[" if isinstance(mark, Link) else _MARK_TEXT[mark])
            stack.append(mark)
        if piece.kind == "code":
            out.append(_code_span(piece.text, in_table=context == "table"))
        elif piece.kind == "text":
            out.append(_ESCAPE.sub(lambda m: "\\" + m.group(0), piece.text))
        elif piece.kind == "break":
            out.append("\\\n")
        else:
            out.append(piece.text)
    while stack:
        _close(stack.pop(), out)
    text = "".join(out)
    if context == "heading":
        return text[:-1] + "\\#" if text.endswith("#") and not text.endswith("\\#") else text
    if context == "table":
        return text
    return "\n".join(_LINE_START.sub(_escape_line_start, line) for line in text.split("\n"))


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1) is not None:  # "2026. " would start an ordered list
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group(0)


def _pieces(spans: Inline, *, breaks: bool) -> list[_Piece]:
    """Spans split into text, spaces, code and breaks; spaces and breaks take only the marks on both sides."""
    raw: list[_Piece] = []
    for span in spans:
        marks: frozenset[_Mark] = frozenset(
            [name for name in ("strong", "em", "strike") if getattr(span, name)]
            + ([span.link] if span.link is not None else [])
        )
        if span.text == HARD_BREAK:
            raw.append(_Piece("break" if breaks else "space", HARD_BREAK if breaks else " ", marks))
        elif span.code:
            if span.text:
                raw.append(_Piece("code", span.text, marks))
        else:
            for chunk in re.split(r"(\s+)", span.text):
                if chunk:
                    raw.append(_Piece("space" if chunk.isspace() else "text", chunk, marks))
    content = [i for i, piece in enumerate(raw) if piece.kind in ("text", "code")]
    if not content:
        return []
    raw = raw[content[0] : content[-1] + 1]
    following: list[frozenset[_Mark]] = []
    for piece in reversed(raw):
        following.append(piece.marks if piece.kind in ("text", "code") else following[-1])
    following.reverse()
    marked: list[_Piece] = []
    previous: frozenset[_Mark] = frozenset()
    for piece, after in zip(raw, following, strict=True):
        if piece.kind in ("text", "code"):
            previous = piece.marks
        else:
            piece = replace(piece, marks=previous & after)
        marked.append(piece)
    # Spaces around a hard break are dropped by Markdown; drop them here too.
    pieces: list[_Piece] = []
    for i, piece in enumerate(marked):
        if piece.kind == "space" and _touches_break(marked, i):
            continue
        last = pieces[-1] if pieces else None
        if last is not None and last.marks == piece.marks and last.kind == piece.kind != "break":
            pieces[-1] = replace(last, text=last.text + piece.text)
        else:
            pieces.append(piece)
    return pieces


def _touches_break(pieces: list[_Piece], index: int) -> bool:
    """Whether only spaces lie between ``pieces[index]`` and a hard break."""
    for step in (-1, 1):
        j = index + step
        while 0 <= j < len(pieces) and pieces[j].kind == "space":
            j += step
        if 0 <= j < len(pieces) and pieces[j].kind == "break":
            return True
    return False


def _run_length(pieces: list[_Piece], start: int, mark: _Mark) -> int:
    length = 0
    for piece in pieces[start:]:
        if mark not in piece.marks:
            break
        length += 1
    return length


def _rank(mark: _Mark) -> int:
    return 0 if isinstance(mark, Link) else _MARK_RANK[mark]


def _close(mark: _Mark, out: list[str]) -> None:
    if isinstance(mark, Link):
        out.append(f"]({_destination(mark.href)}")
        if mark.title:
            title = " ".join(mark.title.split()).replace("\\", "\\\\").replace('"', '\\"')
            out.append(f' "{title}"')
        out.append(")")
    else:
        out.append(_MARK_TEXT[mark])


def _destination(href: str) -> str:
    depth = 0
    for char in href:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if href and depth == 0 and not re.search(r"[\s<>]", href):
        return href
    return "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"


def _code_span(text: str, *, in_table: bool) -> str:
    if in_table:
        text = text.replace("|", "\\|")  # table cells split on unescaped pipes, even inside code
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = text.startswith("`") or text.endswith("`") or (text[0] == text[-1] == " " and not text.isspace())
    return f"{fence} {text} {fence}" if pad else f"{fence}{text}{fence}"


# Printed pages (approval records, consultation reports) written as Markdown

_LITERAL_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")


def literal(value: str) -> str:
    """One line of user text, escaped so Markdown shows it literally."""
    return _LITERAL_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def markdown_page(
    title: str, facts: Iterable[tuple[str, str]], parts: Iterable[tuple[str, str]], footer: str = ""
) -> str:
    """A printed page as Markdown: its title, its facts as a list, each part's Markdown under its
    heading, and an italic footer (if any). The title, facts, headings and footer are literal text."""
    lines = [f"# {literal(title)}", ""]
    lines += [f"- **{literal(label)}:** {literal(value)}" for label, value in facts]
    lines.append("")
    for heading, body in parts:
        lines += [f"## {literal(heading)}", "", body, ""]
    if footer:
        lines += [f"*{literal(footer)}*", ""]
    return "\n".join(lines)
