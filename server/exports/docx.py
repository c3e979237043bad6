"""Word (DOCX) export: the one Markdown → DOCX renderer.

Markdown is read into the shared block model (``server.markdown_blocks``) and the blocks are
written with python-docx. The importer (``server.imports.docx``) reads Word files back into the
same model, so an exported document re-imports as the same Markdown up to
``server.markdown_blocks.normalise_markdown``.

``build_docx`` serves the three exports: a snapshot of a document, the consultation report
(*høringsnotat*) and the approval record of a written process (*skriftlig proces*). User text is
only ever set as run text, never parsed as XML or as a field code.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TypeAlias

import docx
from docx.comments import Comment
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from server.markdown_blocks import (
    HARD_BREAK,
    Block,
    CodeBlock,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Span,
    Table,
    parse_blocks,
)

# ---------------------------------------------------------------------------------------------
# The public export API.


@dataclass(frozen=True)
class TitlePage:
    title: str
    subtitle: str | None
    facts: list[tuple[str, str]]
    # A page of its own (a document's cover); a record's facts head its first page instead, with
    # the running header and page numbers from page 1.
    own_page: bool = True


@dataclass(frozen=True)
class MarginComment:
    author: str
    passage: str | None
    body: str


@dataclass(frozen=True)
class Part:
    heading: str
    markdown: str
    level: int = 1
    comments: tuple[MarginComment, ...] = ()


CommentsMode = Literal["none", "word", "table"]

CODE_BLOCK_STYLE = "HTML Preformatted"
INLINE_CODE_STYLE = "HTML Code"
HYPERLINK_STYLE = "Hyperlink"
_CODE_FONT = "Courier New"

# Heading 1 and 2 delimit sections on import, so headings inside a part start at level 3: an
# export then re-imports into the same sections.
FIRST_BODY_HEADING_LEVEL = 3

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ALIGNMENT = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def build_docx(
    title_page: TitlePage,
    parts: Sequence[Part],
    *,
    header: str,
    comments: CommentsMode = "none",
    language: str = "da-DK",
    plain_quotes: bool = False,
) -> bytes:
    """A Word file: title page, page break, then each part as a heading and its rendered Markdown.

    ``header`` is the running header; the footer reads "Side X af Y" (PAGE / NUMPAGES fields).
    ``comments`` puts each part's comments into Word's margin ("word"), into a table after the
    part ("table"), or leaves them out ("none"). ``plain_quotes`` sets quoted blocks upright and
    indented instead of in italics: for a record that quotes what people wrote, where italics are
    kept for the passages of the text.
    """
    document = docx.Document()
    _prepare_styles(document)
    if plain_quotes:
        quote = document.styles["Quote"]
        quote.font.italic = False
        quote.paragraph_format.left_indent = Cm(0.75)
    _set_language(document, language)
    properties = document.core_properties
    properties.title = _one_line(title_page.title)[:255]
    properties.language = language
    properties.author = properties.last_modified_by = "Udkast"
    properties.comments = ""
    properties.created = properties.modified = datetime.now(UTC)  # the template's are from 2013
    package_rels = document.part.package.rels
    for r_id in [r_id for r_id, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[r_id]  # the template's thumbnail shows an empty page

    _add_title_page(document, title_page)
    _add_page_furniture(document, header, first_page=not title_page.own_page, english=language.startswith("en"))
    for part in parts:
        _add_part(document, part, comments)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def markdown_into(document: Document, markdown: str) -> None:
    """Append ``markdown``, rendered, to the end of ``document``."""
    _prepare_styles(document)
    _Renderer(document, document).blocks(parse_blocks(markdown))


def _add_title_page(document: Document, title_page: TitlePage) -> None:
    document.add_paragraph(_one_line(title_page.title), style="Title")
    if title_page.subtitle:
        document.add_paragraph(_one_line(title_page.subtitle), style="Subtitle")
    if title_page.facts:
        table = document.add_table(rows=len(title_page.facts), cols=2)
        table.autofit = False
        for row, (label, value) in zip(table.rows, title_page.facts, strict=True):
            label_cell, value_cell = row.cells
            # Wide enough that no label breaks inside a word ("Kontrolkode (SHA-256)").
            label_cell.width, value_cell.width = Cm(5), Cm(11)
            label_cell.paragraphs[0].add_run(_one_line(label)).bold = True
            value_cell.paragraphs[0].add_run(_one_line(value))
    if title_page.own_page:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _add_page_furniture(document: Document, header: str, *, first_page: bool = False, english: bool = False) -> None:
    section = document.sections[0]
    # No header or footer on a cover page; a record numbers its first page too.
    section.different_first_page_header_footer = not first_page
    section.header.paragraphs[0].text = _one_line(header)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page " if english else "Side ")
    _add_field(footer, "PAGE")
    footer.add_run(" of " if english else " af ")
    _add_field(footer, "NUMPAGES")


def _add_field(paragraph: DocxParagraph, instruction: str) -> None:
    def field_char(kind: str) -> None:
        paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))

    field_char("begin")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    field_char("separate")
    paragraph.add_run("1")  # the cached result until Word updates the field
    field_char("end")


def _add_part(document: Document, part: Part, comments: CommentsMode) -> None:
    level = min(max(part.level, 1), 9)
    body_level = min(max(level + 1, FIRST_BODY_HEADING_LEVEL), 9)
    heading = document.add_paragraph(_one_line(part.heading), style=f"Heading {level}")
    renderer = _Renderer(document, document, min_heading_level=body_level)
    renderer.blocks(parse_blocks(part.markdown))
    if comments == "word":
        for comment in part.comments:
            _add_word_comment(document, heading, renderer.paragraphs, comment)
    elif comments == "table" and part.comments:
        _add_comment_table(document, part.comments, body_level)


def _add_word_comment(
    document: Document, heading: DocxParagraph, paragraphs: list[DocxParagraph], comment: MarginComment
) -> None:
    found = _find_passage(paragraphs, comment.passage)
    first, last = found or (heading, heading)
    blocks = parse_blocks(comment.body)
    if comment.passage and found is None:
        blocks = (Quote((Paragraph((Span(_one_line(comment.passage)),)),)), *blocks)
    word_comment = document.comments.add_comment(author=_one_line(comment.author), initials=_initials(comment.author))
    _Renderer(word_comment, document).blocks(blocks)
    _drop_empty_first_paragraph(word_comment)
    _mark_comment_range(first, last, word_comment.comment_id)


def _find_passage(paragraphs: list[DocxParagraph], passage: str | None) -> tuple[DocxParagraph, DocxParagraph] | None:
    if not passage or not passage.strip():
        return None
    texts = [_one_line(p.text) for p in paragraphs]
    wanted = _one_line(passage)
    for paragraph, text in zip(paragraphs, texts, strict=True):
        if wanted in text:
            return paragraph, paragraph
    lines = [_one_line(line) for line in passage.splitlines() if line.strip()]
    if len(lines) > 1:  # a passage over several paragraphs: from its first line to its last
        for i, text in enumerate(texts):
            if lines[0] in text:
                for j in range(i + 1, len(texts)):
                    if lines[-1] in texts[j]:
                        return paragraphs[i], paragraphs[j]
    return None


def _drop_empty_first_paragraph(comment: Comment) -> None:
    # python-docx starts a comment with an empty paragraph holding Word's annotation mark; move the
    # mark into the first rendered paragraph so that the comment does not open with a blank line.
    first = comment.paragraphs[0]._p
    following = first.getnext()
    if first.xpath("string(.)") or following is None or following.tag != qn("w:p"):
        return
    marks = first.xpath("./w:r[w:annotationRef]")
    p_pr = following.find(qn("w:pPr"))
    for mark in reversed(marks):
        if p_pr is not None:
            p_pr.addnext(mark)
        else:
            following.insert(0, mark)
    first.getparent().remove(first)


def _mark_comment_range(first: DocxParagraph, last: DocxParagraph, comment_id: int) -> None:
    # Whole paragraphs, marked at paragraph level, so that hyperlinks at either end stay intact.
    ident = {qn("w:id"): str(comment_id)}
    start = OxmlElement("w:commentRangeStart", ident)
    p_pr = first._p.pPr
    if p_pr is not None:
        p_pr.addnext(start)
    else:
        first._p.insert(0, start)
    last._p.append(OxmlElement("w:commentRangeEnd", ident))
    reference = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    r_pr.append(OxmlElement("w:rStyle", {qn("w:val"): "CommentReference"}))
    reference.append(r_pr)
    reference.append(OxmlElement("w:commentReference", ident))
    last._p.append(reference)


def _add_comment_table(document: Document, comments: Sequence[MarginComment], heading_level: int) -> None:
    document.add_paragraph("Kommentarer", style=f"Heading {heading_level}")
    table = document.add_table(rows=1 + len(comments), cols=2)
    _style_table(document, table)
    for cell, label in zip(table.rows[0].cells, ("Passage", "Kommentar"), strict=True):
        cell.paragraphs[0].add_run(label)
    for row, comment in zip(table.rows[1:], comments, strict=True):
        passage_cell, comment_cell = row.cells
        if comment.passage and comment.passage.strip():
            passage_cell.paragraphs[0].add_run(_one_line(comment.passage))
        else:
            passage_cell.paragraphs[0].add_run("(hele afsnittet)").italic = True
        comment_cell.paragraphs[0].add_run(_one_line(comment.author)).bold = True
        _Renderer(comment_cell, document).blocks(parse_blocks(comment.body))


# ---------------------------------------------------------------------------------------------
# Rendering blocks.

_Container: TypeAlias = Document | Comment | _Cell


class _Renderer:
    """Appends blocks to a document, a comment or a table cell."""

    def __init__(self, container: _Container, document: Document, *, min_heading_level: int = 1) -> None:
        self._container = container
        self._document = document
        self._min_heading_level = min_heading_level
        self.paragraphs: list[DocxParagraph] = []  # every paragraph added outside tables

    def blocks(self, blocks: Sequence[Block], *, quote: bool = False) -> None:
        for block in blocks:
            self._block(block, quote=quote)

    def _block(self, block: Block, *, quote: bool) -> None:
        if isinstance(block, Heading):
            self._paragraph(f"Heading {min(max(block.level, self._min_heading_level), 9)}", block.content)
        elif isinstance(block, Paragraph):
            paragraph = self._paragraph("Quote" if quote else None, block.content)
            if _is_label(block.content):
                paragraph.paragraph_format.keep_with_next = True  # a label stays with what it introduces
        elif isinstance(block, CodeBlock):
            self._paragraph(CODE_BLOCK_STYLE, ()).add_run(_xml_safe(block.text))  # "\n" becomes w:br
        elif isinstance(block, Quote):
            self.blocks(block.blocks, quote=True)
        elif isinstance(block, ListBlock):
            self._list(block, 1, quote=quote)
        elif isinstance(block, Table):
            self._table(block)
        else:
            _bottom_border(self._paragraph(None, ()))

    def _paragraph(self, style: str | None, content: Inline) -> DocxParagraph:
        paragraph = self._container.add_paragraph(style=style)
        self.paragraphs.append(paragraph)
        _add_spans(paragraph, content)
        return paragraph

    def _list(self, block: ListBlock, depth: int, *, quote: bool) -> None:
        style = _list_style(self._document, "List Number" if block.ordered else "List Bullet", depth)
        continuation = _list_style(self._document, "List Continue", depth)
        num_id = _restart_numbering(self._document, style, block.start) if block.ordered else None
        for item in block.items:
            lead = item[0] if item else Paragraph(())
            rest = list(item[1:]) if isinstance(lead, Paragraph) else list(item)
            if isinstance(lead, Paragraph):
                paragraph = self._paragraph(style, lead.content)
                if num_id is not None:
                    _set_numbering(paragraph, num_id)
                _indent_deep(paragraph, depth)
            for child in rest:
                if isinstance(child, Paragraph):
                    _indent_deep(self._paragraph(continuation, child.content), depth)
                elif isinstance(child, ListBlock):
                    self._list(child, depth + 1, quote=quote)
                else:
                    self._block(child, quote=quote)

    def _table(self, table: Table) -> None:
        columns = len(table.header)
        rows = (table.header, *table.rows)
        container = self._container
        if isinstance(container, Comment):
            docx_table = container.add_table(len(rows), columns, Cm(10))
        else:
            docx_table = container.add_table(len(rows), columns)
        _style_table(self._document, docx_table)
        for docx_row, row in zip(docx_table.rows, rows, strict=True):
            for column, cell in enumerate(docx_row.cells):
                paragraph = cell.paragraphs[0]
                _add_spans(paragraph, row[column] if column < len(row) else ())
                align = table.align[column] if column < len(table.align) else None
                if align is not None:
                    paragraph.alignment = _ALIGNMENT[align]


def _is_label(spans: Inline) -> bool:
    """A paragraph that is only an emphasised label ending in a colon ("**Bemærkning:**")."""
    words = "".join(span.text for span in spans).strip()
    return bool(spans) and words.endswith(":") and all(span.strong or span.em for span in spans if span.text.strip())


def _add_spans(paragraph: DocxParagraph, spans: Inline) -> None:
    index = 0
    while index < len(spans):
        link = spans[index].link
        end = index + 1
        while link is not None and end < len(spans) and spans[end].link == link:
            end += 1
        hyperlink = _hyperlink(paragraph, link) if link is not None else None
        for span in spans[index:end]:
            run = _add_run(paragraph, span)
            if hyperlink is not None:
                hyperlink.append(run._r)
        index = end


def _add_run(paragraph: DocxParagraph, span: Span) -> Run:
    run = paragraph.add_run()
    if span.text == HARD_BREAK:
        run.add_break()
        return run
    run.text = _xml_safe(span.text)  # a tab becomes w:tab
    if span.strong:
        run.bold = True
    if span.em:
        run.italic = True
    if span.strike:
        run.font.strike = True
    if span.code:
        run.style = INLINE_CODE_STYLE
    elif span.link is not None:
        run.style = HYPERLINK_STYLE
    return run


def _hyperlink(paragraph: DocxParagraph, link: Link) -> BaseOxmlElement:
    # python-docx has no API for adding hyperlinks: an external relationship plus a w:hyperlink
    # element that refers to it by r:id.
    r_id = paragraph.part.relate_to(_xml_safe(link.href), RT.HYPERLINK, is_external=True)
    element = OxmlElement("w:hyperlink", {qn("r:id"): r_id, qn("w:history"): "1"})
    if link.title:
        element.set(qn("w:tooltip"), _xml_safe(link.title))
    paragraph._p.append(element)
    return element


def _list_style(document: Document, kind: str, depth: int) -> str:
    """The style for a list at ``depth`` ("List Bullet 2" …); Word's template stops at 3, deeper ones are added."""
    name = kind if depth == 1 else f"{kind} {depth}"
    styles = document.styles
    if name not in styles:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[f"{kind} 3"]
    return name


def _indent_deep(paragraph: DocxParagraph, depth: int) -> None:
    if depth > 3:  # the numbering of the level-3 styles would otherwise set the indent
        paragraph.paragraph_format.left_indent = Twips(360 * depth)
        paragraph.paragraph_format.first_line_indent = Twips(-360)


def _restart_numbering(document: Document, style_name: str, start: int) -> int | None:
    """A new numbering instance that starts at ``start``, so each ordered list counts from its own start.

    Without it every paragraph in "List Number" shares one counter and a second list would
    continue where the first ended.
    """
    style = document.styles[style_name]
    num_id: str | None = None
    while style is not None and num_id is None:
        found = style.element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        num_id = str(found[0]) if found else None
        style = style.base_style
    if num_id is None:
        return None
    numbering = document.part.numbering_part.element
    abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
    if not abstract:
        return None
    new_id = max((int(n) for n in numbering.xpath("./w:num/@w:numId")), default=0) + 1
    num = OxmlElement("w:num", {qn("w:numId"): str(new_id)})
    num.append(OxmlElement("w:abstractNumId", {qn("w:val"): str(abstract[0])}))
    override = OxmlElement("w:lvlOverride", {qn("w:ilvl"): "0"})
    override.append(OxmlElement("w:startOverride", {qn("w:val"): str(start)}))
    num.append(override)
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return new_id


def _set_numbering(paragraph: DocxParagraph, num_id: int) -> None:
    num_pr = OxmlElement("w:numPr")
    num_pr.append(OxmlElement("w:ilvl", {qn("w:val"): "0"}))
    num_pr.append(OxmlElement("w:numId", {qn("w:val"): str(num_id)}))
    p_pr = paragraph._p.get_or_add_pPr()
    style = p_pr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(num_pr)
    else:
        p_pr.insert(0, num_pr)


def _bottom_border(paragraph: DocxParagraph) -> None:
    borders = OxmlElement("w:pBdr")
    attrs = {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1", qn("w:color"): "auto"}
    borders.append(OxmlElement("w:bottom", attrs))
    paragraph._p.get_or_add_pPr().append(borders)


def _style_table(document: Document, table: DocxTable) -> None:
    if "Table Grid" in document.styles:
        table.style = document.styles["Table Grid"]
    _mark_header_row(table.rows[0])


def _mark_header_row(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeats on each page
    for cell in row.cells:
        shading = {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "DBE5F1"}
        cell._tc.get_or_add_tcPr().append(OxmlElement("w:shd", shading))


def _prepare_styles(document: Document) -> None:
    styles = document.styles
    if CODE_BLOCK_STYLE not in styles:
        style = styles.add_style(CODE_BLOCK_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.name = _CODE_FONT
        style.font.size = Pt(10)
    if INLINE_CODE_STYLE not in styles:
        styles.add_style(INLINE_CODE_STYLE, WD_STYLE_TYPE.CHARACTER).font.name = _CODE_FONT
    if HYPERLINK_STYLE not in styles:
        font = styles.add_style(HYPERLINK_STYLE, WD_STYLE_TYPE.CHARACTER).font
        font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        font.underline = True


def _set_language(document: Document, language: str) -> None:
    defaults = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr")
    if not defaults:
        return
    lang = defaults[0].find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        defaults[0].append(lang)
    lang.set(qn("w:val"), language)


def _xml_safe(text: str) -> str:
    """``text`` without the control characters XML cannot hold."""
    return _XML_UNSAFE.sub("", text)


def _one_line(text: str) -> str:
    return " ".join(_xml_safe(text).split())


def _initials(author: str) -> str:
    name = author.split(",")[0]
    return "".join(word[0] for word in name.split() if word[:1].isalpha()).upper()[:4]
