"""Word (DOCX) import: a Word file as sections of Markdown, with a note of everything left behind.

Heading 1 and Heading 2 each start a section; deeper headings become Markdown headings inside
it. Text before the first heading goes into a section called "Indledning", except a title page
(a Title paragraph, up to the last page break before the first heading): its title becomes the
document title and the rest is reported as a loss.

The body is read by walking python-docx's XML rather than through mammoth's HTML: the import
needs style names and numbering properties (numPr/ilvl, start values) to rebuild nested lists,
and it must *notice* images, text boxes, tracked changes, footnotes and merged cells to report
them, which mammoth's output hides. What is read is the shared block model (``server.markdown_blocks``),
written out as canonical Markdown by ``markdown_from_blocks``, so that an export re-imports as
``normalise_markdown`` of its input.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from server.markdown import parser
from server.markdown_blocks import (
    HARD_BREAK,
    Align,
    Block,
    CodeBlock,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Span,
    Table,
    markdown_from_blocks,
)
from server.messages import MESSAGES, Language, text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_FROM = 1024 * 1024  # small members may compress very well; a bomb needs size
_MAX_MEMBERS = 5000
INTRODUCTION_TITLE = "Indledning"


@dataclass(frozen=True)
class ImportedSection:
    title: str
    markdown: str


@dataclass(frozen=True)
class ImportResult:
    title: str | None
    sections: list[ImportedSection]
    losses: list[str]


class DocxRejected(Exception):
    """The upload is not a Word file we will read; ``key`` names the message for the user."""

    def __init__(self, key: str) -> None:
        super().__init__(text(key, "en"))
        self.key = key

    def message(self, language: Language) -> str:
        return text(self.key, language)


def import_docx(data: bytes, language: Language = "da") -> ImportResult:
    """The sections of a Word file as Markdown, with its losses told in ``language``. Raises
    ``DocxRejected`` for files it will not read."""
    _check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as error:  # a package, but not a Word document (.docm, .xlsx, .pptx …)
        raise _not_docx() from error
    except (SyntaxError, KeyError, zipfile.BadZipFile, PackageNotFoundError) as error:
        raise _corrupt() from error  # lxml's XMLSyntaxError is a SyntaxError
    try:
        return _Reader(document, language).read()
    except SyntaxError as error:
        raise _corrupt() from error


# ---------------------------------------------------------------------------------------------
# Refusals.


def _not_docx() -> DocxRejected:
    return DocxRejected("docx_not_word")


def _corrupt() -> DocxRejected:
    return DocxRejected("docx_damaged")


def _check_package(data: bytes) -> None:
    """Refuse what is too big, not a zip, a zip bomb, or a zip without a Word document — before parsing."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocxRejected("docx_too_large")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise _not_docx() from error
    too_big = (
        len(members) > _MAX_MEMBERS
        or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES
        or any(
            member.file_size > _RATIO_CHECK_FROM
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
            for member in members
        )
    )
    if too_big:  # zipfile never inflates a member beyond the size its header declares
        raise DocxRejected("docx_unpacks_too_large")
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise _not_docx()


# ---------------------------------------------------------------------------------------------
# Losses: everything not carried over is named, counted and located.


@dataclass
class _Loss:
    count: int = 0
    details: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


class _Losses:
    def __init__(self) -> None:
        self._losses: dict[str, _Loss] = {}
        self.section: str | None = None

    def add(self, kind: str, detail: str | None = None) -> None:
        loss = self._losses.setdefault(kind, _Loss())
        loss.count += 1
        detail = _excerpt(detail or "")
        if detail and detail not in loss.details:
            loss.details.append(detail)
        if self.section and self.section not in loss.sections:
            loss.sections.append(self.section)

    def notes(self, language: Language) -> list[str]:
        notes = []
        for kind, loss in self._losses.items():
            # Named in the catalogue (server/messages.toml), and counted where counting makes sense.
            key = f"import_loss_{kind}_many" if loss.count > 1 else f"import_loss_{kind}"
            note = text(key if key in MESSAGES else f"import_loss_{kind}", language, n=loss.count)
            if loss.details:
                shown = ", ".join(f"«{d}»" for d in loss.details[:5])
                note += f": {shown}{' …' if len(loss.details) > 5 else ''}"
            names = [f"«{s}»" for s in loss.sections]
            if len(names) == 1:
                note += text("import_loss_in_section", language, section=names[0])
            elif len(names) > 3:
                note += text("import_loss_in_many_sections", language, sections=", ".join(names[:3]))
            elif names:
                note += text("import_loss_in_sections", language, sections=", ".join(names[:-1]), last=names[-1])
            notes.append(note + ".")
        return notes


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Reading the body into a flat list of items, then into sections of blocks.


@dataclass(frozen=True)
class _Item:
    kind: str  # text | heading | title | subtitle | list | continue | code | quote | rule | table | page_break
    spans: Inline = ()
    level: int = 0  # heading level or list depth
    ordered: bool = False
    number: int = 1  # the number Word shows on an ordered list item
    table: Table | None = None


# Style names as Word stores them (built-in names in lower-case English, whatever the UI language).
_PLAIN_STYLES = frozenset(
    "normal|default|body text|body text 2|body text 3|body text indent|body text indent 2|body text indent 3|"
    "body text first indent|body text first indent 2|first paragraph|compact|no spacing|list paragraph|"
    "normal (web)|normal indent|caption|title|subtitle".split("|")
)
_CODE_STYLES = frozenset("html preformatted|source code|macro|plain text|code|code block".split("|"))
_CODE_CHARACTER_STYLES = frozenset("html code|verbatim char|source code char|code|code char|inline code".split("|"))
_QUOTE_STYLES = frozenset(("quote", "intense quote", "block text"))
_MONOSPACE_FONTS = frozenset(
    "courier new|courier|consolas|menlo|monaco|lucida console|source code pro|dejavu sans mono|liberation mono|"
    "cascadia code|cascadia mono|fira code|fira mono|roboto mono|jetbrains mono|andale mono|ubuntu mono".split("|")
)
_LIST_STYLE = re.compile(r"list (bullet|number|continue)(?: (\d))?$")
_HEADING_STYLE = re.compile(r"heading (\d)$")
_FAKE_BULLET = re.compile(r"^[•▪·◦●■]\s+")
_OFF = ("0", "false", "off", "none")
_MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_IGNORED_INLINE = frozenset(
    qn(f"w:{tag}")
    for tag in (
        "pPr|rPr|bookmarkStart|bookmarkEnd|proofErr|commentRangeStart|commentRangeEnd|permStart|permEnd|"
        "lastRenderedPageBreak|annotationRef|footnoteRef|endnoteRef|separator|continuationSeparator|softHyphen|"
        "delText|delInstrText|moveFromRangeStart|moveFromRangeEnd|moveToRangeStart|moveToRangeEnd|"
        "customXmlInsRangeStart|customXmlInsRangeEnd|customXmlDelRangeStart|customXmlDelRangeEnd"
    ).split("|")
)


@dataclass(frozen=True)
class _Style:
    name: str  # lower case, as Word stores built-in names ("heading 1")
    based_on: str | None
    element: BaseOxmlElement


@dataclass
class _Field:
    instruction: str = ""
    separated: bool = False
    link: Link | None = None


@dataclass(frozen=True)
class _Marks:
    strong: bool = False
    em: bool = False
    strike: bool = False
    code: bool = False
    hidden: bool = False


class _Reader:
    def __init__(self, document: Document, language: Language) -> None:
        self._document = document
        self._language = language
        self._losses = _Losses()
        self._styles = {
            str(s.get(qn("w:styleId"))): _Style((_val(s, "w:name") or "").lower(), _val(s, "w:basedOn"), s)
            for s in document.styles.element.findall(qn("w:style"))
        }
        defaults = document.styles.element.xpath('./w:style[@w:type="paragraph" and @w:default="1"]/@w:styleId')
        self._default_paragraph_style = str(defaults[0]) if defaults else None
        self._numbering = _Numbering(document, self._styles)
        self._counters: dict[str, list[int]] = {}
        self._fields: list[_Field] = []
        self._notes: dict[str, dict[str, str]] | None = None
        self._comment_ids: set[str] = set()
        self._unknown_styles: list[str] = []
        self._page_break = False
        self._in_table = 0

    def read(self) -> ImportResult:
        body = self._document.element.body
        if body.xpath(".//w:ins | .//w:del | .//w:moveFrom | .//w:moveTo | .//w:rPrChange | .//w:pPrChange"):
            self._losses.add("tracked")
        items = list(self._blocks(body))
        self._losses.section = None
        for name in self._unknown_styles:
            self._losses.add("styles", name)
        return self._sections(items)

    # -- sections ----------------------------------------------------------------------------

    def _sections(self, items: list[_Item]) -> ImportResult:
        starts = [i for i, item in enumerate(items) if item.kind == "heading" and item.level <= 2]
        front = items[: starts[0]] if starts else items
        title, front = self._title_page(front)
        sections: list[ImportedSection] = []
        introduction = markdown_from_blocks(_assemble(front))
        if introduction:
            sections.append(ImportedSection(INTRODUCTION_TITLE, introduction))
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(items)
            body = _assemble(items[start + 1 : end])
            sections.append(ImportedSection(_plain(items[start].spans), markdown_from_blocks(body)))
        if title is None:
            title = " ".join((self._document.core_properties.title or "").split()) or None
        return ImportResult(title, sections, self._losses.notes(self._language))

    def _title_page(self, front: list[_Item]) -> tuple[str | None, list[_Item]]:
        titles = [i for i, item in enumerate(front) if item.kind == "title"]
        if not titles:
            return None, [item for item in front if item.kind != "subtitle"]
        breaks = [i for i, item in enumerate(front) if item.kind == "page_break" and i > titles[0]]
        end = breaks[-1] if breaks else titles[0]
        cover = [item for i, item in enumerate(front) if i <= end or item.kind == "subtitle"]
        rest = [item for i, item in enumerate(front) if i > end and item.kind != "subtitle"]
        shown = [_cover_text(item) for item in cover if item is not front[titles[0]]]
        if any(shown):
            self._losses.section = None
            self._losses.add("cover", "; ".join(text for text in shown if text))
        return _plain(front[titles[0]].spans), rest

    # -- blocks ------------------------------------------------------------------------------

    def _blocks(self, container: BaseOxmlElement) -> Iterator[_Item]:
        for child in container:
            if child.tag == qn("w:p"):
                yield from self._paragraph(child)
            elif child.tag == qn("w:tbl"):
                table = self._table(child)
                if table is not None:
                    yield _Item("table", table=table)
            elif child.tag == qn("w:sdt"):
                gallery = child.find("/".join(qn(t) for t in ("w:sdtPr", "w:docPartObj", "w:docPartGallery")))
                if gallery is not None and "Table of Contents" in str(gallery.get(qn("w:val"))):
                    self._losses.add("toc")
                    continue
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from self._blocks(content)
            elif child.tag == qn("w:customXml"):
                yield from self._blocks(child)
            elif child.tag == qn("w:altChunk"):
                self._losses.add("object")
            elif child.tag not in (qn("w:sectPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr")):
                self._unknown(child)

    def _paragraph(self, p: BaseOxmlElement) -> Iterator[_Item]:
        p_pr = p.find(qn("w:pPr"))
        chain = self._chain(_val(p_pr, "w:pStyle")) or self._chain(self._default_paragraph_style)
        names = [style.name for style in chain]
        if _val(p_pr, "w:pageBreakBefore") is not None and _val(p_pr, "w:pageBreakBefore") not in _OFF:
            yield _Item("page_break")
        if any(name.startswith("toc ") or name == "toc heading" for name in names):
            self._losses.add("toc")
            self._skip_runs(p)
            return
        level = self._heading_level(p_pr, chain, names)
        if level is not None and level <= 2 and not self._in_table and _texts(p).strip():
            self._losses.section = " ".join(_texts(p).split())  # losses in a heading belong to its section
        self._page_break = False
        spans = self._inline(p, None)
        item = self._classify(p_pr, chain, names, spans)
        if item is not None:
            yield item
        if self._page_break or (p_pr is not None and p_pr.find(qn("w:sectPr")) is not None):
            yield _Item("page_break")
        self._fields = [f for f in self._fields if f.separated]  # an instruction never spans paragraphs

    def _classify(
        self, p_pr: BaseOxmlElement | None, chain: list[_Style], names: list[str], spans: Inline
    ) -> _Item | None:
        text = _plain(spans)
        if "title" in names:
            return _Item("title", spans) if text else None
        if "subtitle" in names:
            return _Item("subtitle", spans) if text else None
        level = self._heading_level(p_pr, chain, names)
        if level is not None:
            if not text:
                return None
            if level > 6:
                self._losses.add("deep_heading")
            numbered = self._numbering_of(p_pr, chain)
            if numbered is not None and numbered[0] != "none":
                self._losses.add("heading_numbers")
            return _Item("heading", spans, min(level, 6))
        if any(name in _CODE_STYLES for name in names):
            return _Item("code", spans)
        listed = self._list_item(p_pr, chain, names, spans)
        if listed is not None:
            return listed if listed.kind == "list" else None
        style_match = next((m for m in map(_LIST_STYLE.match, names) if m), None)
        if style_match is not None and style_match.group(1) == "continue":
            return _Item("continue", spans, int(style_match.group(2) or 1)) if text else None
        if any(name in _QUOTE_STYLES for name in names):
            return _Item("quote", spans) if text else None
        raw = "".join(span.text for span in spans)
        bullet = _FAKE_BULLET.match(raw.lstrip())
        if bullet is not None:  # a bullet typed by hand: "•" and a tab
            return _Item("list", _drop_prefix(spans, len(raw) - len(raw.lstrip()) + bullet.end()), 1)
        if not text:
            border = p_pr.xpath("./w:pBdr/w:bottom") if p_pr is not None else []
            return _Item("rule") if border else None
        if names and names[0] not in _PLAIN_STYLES and not _LIST_STYLE.match(names[0]):
            if names[0] not in self._unknown_styles:
                self._unknown_styles.append(names[0])
        return _Item("text", spans)

    def _heading_level(self, p_pr: BaseOxmlElement | None, chain: list[_Style], names: list[str]) -> int | None:
        for name in names:
            match = _HEADING_STYLE.match(name)
            if match:
                return int(match.group(1))
        for element in [p_pr, *(style.element.find(qn("w:pPr")) for style in chain)]:
            outline = _val(element, "w:outlineLvl")
            if outline is not None and outline.isdigit() and int(outline) < 9:
                return int(outline) + 1
        return None

    def _numbering_of(self, p_pr: BaseOxmlElement | None, chain: list[_Style]) -> tuple[str, int, str, int] | None:
        """(format, start, counter key, level) of a paragraph's numbering, if it has any."""
        num_id: str | None = None
        ilvl: str | None = None
        for element in [p_pr, *(style.element.find(qn("w:pPr")) for style in chain)]:
            num_pr = element.find(qn("w:numPr")) if element is not None else None
            if num_pr is not None:
                num_id = num_id if num_id is not None else _val(num_pr, "w:numId")
                ilvl = ilvl if ilvl is not None else _val(num_pr, "w:ilvl")
        if num_id is None or num_id == "0":
            return None
        level = int(ilvl) if ilvl is not None and ilvl.isdigit() else 0
        found = self._numbering.level(num_id, level)
        return None if found is None else (found[0], found[1], num_id, level)

    def _list_item(
        self, p_pr: BaseOxmlElement | None, chain: list[_Style], names: list[str], spans: Inline
    ) -> _Item | None:
        style_match = next((m for m in map(_LIST_STYLE.match, names) if m), None)
        style_kind = style_match.group(1) if style_match else None
        style_level = int(style_match.group(2) or 1) if style_match else 1
        numbering = self._numbering_of(p_pr, chain)
        if numbering is not None:
            fmt, start, key, ilvl = numbering
            if fmt == "none":
                return None
            ordered = fmt != "bullet"
        elif style_kind in ("bullet", "number"):
            ordered, start, key, ilvl = style_kind == "number", 1, names[0], 0
        else:
            return None
        counters = self._counters.setdefault(key, [0] * 9)
        ilvl = min(ilvl, 8)
        counters[ilvl] += 1
        counters[ilvl + 1 :] = [0] * (8 - ilvl)
        if not _plain(spans):  # Word still counts an empty item, but Markdown has nothing to show
            return _Item("skip")
        return _Item("list", spans, max(style_level, ilvl + 1), ordered, start + counters[ilvl] - 1)

    def _chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        while style_id is not None and style_id in self._styles and len(chain) < 20:
            style = self._styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    # -- tables ------------------------------------------------------------------------------

    def _table(self, tbl: BaseOxmlElement) -> Table | None:
        self._in_table += 1
        try:
            return self._table_rows(tbl)
        finally:
            self._in_table -= 1

    def _table_rows(self, tbl: BaseOxmlElement) -> Table | None:
        rows: list[list[Inline]] = []
        align: list[Align] = []
        for tr in _descend(tbl, "w:tr"):
            if tr.find(qn("w:trPr")) is not None and tr.find(qn("w:trPr")).find(qn("w:del")) is not None:
                continue  # a deleted row (tracked change)
            cells: list[Inline] = []
            for tc in _descend(tr, "w:tc"):
                tc_pr = tc.find(qn("w:tcPr"))
                merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
                span = _val(tc_pr, "w:gridSpan")
                width = int(span) if span is not None and span.isdigit() and 0 < int(span) < 64 else 1
                if merge is not None and merge.get(qn("w:val")) != "restart":
                    self._losses.add("merged")
                    cells.extend([()] * width)
                    continue
                if width > 1:
                    self._losses.add("merged")
                if not rows:
                    align.extend([_cell_alignment(tc)] * width)
                cells.append(self._cell(tc))
                cells.extend([()] * (width - 1))
            rows.append(cells)
        columns = max((len(row) for row in rows), default=0)
        if columns == 0 or not any(any(cell for cell in row) for row in rows):
            return None
        padded = [tuple(row) + ((),) * (columns - len(row)) for row in rows]
        return Table(tuple(align[:columns]) + (None,) * (columns - len(align)), padded[0], tuple(padded[1:]))

    def _cell(self, tc: BaseOxmlElement) -> Inline:
        parts: list[Inline] = []
        lossy = False
        for child in _descend(tc, "w:p", "w:tbl"):
            if child.tag == qn("w:tbl"):
                self._losses.add("nested_table")
                nested = self._table(child)
                if nested is not None:
                    for row in (nested.header, *nested.rows):
                        parts.extend(cell for cell in row if cell)
                continue
            items = list(self._paragraph(child))
            for item in items:
                if item.table is None and _plain(item.spans):
                    lossy = lossy or item.kind in ("list", "code", "quote", "heading")
                    parts.append(item.spans)
        joined: list[Span] = []
        for part in parts:
            if joined:
                joined.append(Span(" "))
            lossy = lossy or any(span.text == HARD_BREAK for span in part)
            joined.extend(Span(" ") if span.text == HARD_BREAK else span for span in part)
        if lossy or len(parts) > 1:
            self._losses.add("cell_blocks")
        return tuple(joined)

    # -- inline content ----------------------------------------------------------------------

    def _inline(self, element: BaseOxmlElement, link: Link | None) -> Inline:
        spans: list[Span] = []
        self._inline_into(element, link, spans)
        return tuple(spans)

    def _inline_into(self, element: BaseOxmlElement, link: Link | None, spans: list[Span]) -> None:
        for child in element:
            tag = child.tag
            if tag == qn("w:r"):
                self._run(child, link, spans)
            elif tag == qn("w:hyperlink"):
                self._inline_into(child, self._hyperlink(child) or link, spans)
            elif tag in (qn("w:ins"), qn("w:moveTo"), qn("w:smartTag"), qn("w:customXml"), qn("w:dir"), qn("w:bdo")):
                self._inline_into(child, link, spans)
            elif tag in (qn("w:del"), qn("w:moveFrom")):
                continue
            elif tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._inline_into(content, link, spans)
            elif tag == qn("w:fldSimple"):
                target = self._field_link(str(child.get(qn("w:instr")) or ""))
                self._inline_into(child, target or link, spans)
            elif tag in (f"{_MATH}oMath", f"{_MATH}oMathPara"):
                self._losses.add("equation", _texts(child, f"{_MATH}t"))
            elif tag == _MC_ALTERNATE:
                self._graphic(child)
            elif tag not in _IGNORED_INLINE:
                self._unknown(child)

    def _run(self, r: BaseOxmlElement, link: Link | None, spans: list[Span]) -> None:
        marks = self._marks(r, in_link=link is not None or any(f.link for f in self._fields))
        if marks.hidden:
            if r.xpath("string(./w:t)"):
                self._losses.add("hidden")
            return
        for child in r:
            tag = child.tag
            text: str | None = None
            if tag == qn("w:t"):
                text = child.text or ""
            elif tag in (qn("w:tab"), qn("w:ptab")):
                text = "\t"
            elif tag == qn("w:br"):
                if child.get(qn("w:type")) in ("page", "column"):
                    self._page_break = self._page_break or child.get(qn("w:type")) == "page"
                else:
                    text = HARD_BREAK
            elif tag == qn("w:cr"):
                text = HARD_BREAK
            elif tag == qn("w:noBreakHyphen"):
                text = "-"
            elif tag == qn("w:fldChar"):
                self._field_char(str(child.get(qn("w:fldCharType")) or ""))
            elif tag == qn("w:instrText"):
                if self._fields:
                    self._fields[-1].instruction += child.text or ""
            elif tag == qn("w:sym"):
                self._losses.add("symbol")
            elif tag in (qn("w:drawing"), qn("w:pict"), qn("w:object"), _MC_ALTERNATE):
                self._graphic(child)
            elif tag in (qn("w:footnoteReference"), qn("w:endnoteReference")):
                kind = "footnote" if tag == qn("w:footnoteReference") else "endnote"
                self._losses.add(kind, self._note_text(kind, str(child.get(qn("w:id")))))
            elif tag == qn("w:commentReference"):
                if str(child.get(qn("w:id"))) not in self._comment_ids:
                    self._comment_ids.add(str(child.get(qn("w:id"))))
                    self._losses.add("comment")
            elif tag not in _IGNORED_INLINE:
                self._unknown(child)
            if text and all(f.separated for f in self._fields):
                target = next((f.link for f in reversed(self._fields) if f.link is not None), link)
                spans.append(Span(text, marks.strong, marks.em, marks.strike, marks.code, target))

    def _skip_runs(self, p: BaseOxmlElement) -> None:
        # Paragraphs that are skipped still open and close fields (a TOC is one long field).
        for char in p.iter(qn("w:fldChar")):
            self._field_char(str(char.get(qn("w:fldCharType")) or ""))
        self._fields = [f for f in self._fields if f.separated]

    def _field_char(self, kind: str) -> None:
        if kind == "begin":
            self._fields.append(_Field())
        elif kind == "separate" and self._fields:
            self._fields[-1].separated = True
            self._fields[-1].link = self._field_link(self._fields[-1].instruction)
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _field_link(self, instruction: str) -> Link | None:
        match = re.match(r'\s*HYPERLINK\s+(?:"([^"]*)"|(\S+))?(.*)', instruction)
        if match is None:
            return None
        url = match.group(1) or match.group(2)
        if url is None or url.startswith("\\"):
            self._losses.add("internal_link")
            return None
        return self._safe_link(url, None)

    def _hyperlink(self, element: BaseOxmlElement) -> Link | None:
        r_id = element.get(qn("r:id"))
        anchor = element.get(qn("w:anchor"))
        relationship = self._document.part.rels.get(r_id) if r_id else None
        if relationship is None or not relationship.is_external:
            if anchor or r_id:
                self._losses.add("internal_link")
            return None
        url = relationship.target_ref + (f"#{anchor}" if anchor else "")
        return self._safe_link(url, element.get(qn("w:tooltip")))

    def _safe_link(self, url: str, title: str | None) -> Link | None:
        md = parser()
        href = md.normalizeLink(url.strip())
        if not href or not md.validateLink(href):
            self._losses.add("unsafe_link", url)
            return None
        return Link(href, title or None)

    def _marks(self, r: BaseOxmlElement, *, in_link: bool) -> _Marks:
        found: dict[str, bool] = {}
        r_pr = r.find(qn("w:rPr"))
        chain = self._chain(_val(r_pr, "w:rStyle"))
        code = any(style.name in _CODE_CHARACTER_STYLES for style in chain)
        # Direct formatting first, then the character style and the styles it is based on.
        for element in [r_pr, *(style.element.find(qn("w:rPr")) for style in chain)]:
            if element is None:
                continue
            for key, tags in (("strong", ("w:b",)), ("em", ("w:i",)), ("strike", ("w:strike", "w:dstrike"))):
                for tag in tags:
                    value = element.find(qn(tag))
                    if value is not None and key not in found:
                        found[key] = value.get(qn("w:val")) not in _OFF
            fonts = element.find(qn("w:rFonts"))
            if fonts is not None and "font" not in found:
                face = fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))
                if face:
                    found["font"] = face.lower() in _MONOSPACE_FONTS
            if "hidden" not in found and element.find(qn("w:vanish")) is not None:
                found["hidden"] = element.find(qn("w:vanish")).get(qn("w:val")) not in _OFF
        if r_pr is not None:
            underline = _val(r_pr, "w:u")
            if underline is not None and underline not in _OFF and not in_link:  # links are underlined anyway
                self._losses.add("underline")
            if r_pr.find(qn("w:highlight")) is not None:
                self._losses.add("highlight")
            if _val(r_pr, "w:vertAlign") in ("superscript", "subscript"):
                self._losses.add("vertical")
        return _Marks(
            found.get("strong", False),
            found.get("em", False),
            found.get("strike", False),
            code or found.get("font", False),
            found.get("hidden", False),
        )

    def _graphic(self, element: BaseOxmlElement) -> None:
        def has(name: str) -> bool:
            return bool(element.xpath(f".//*[local-name()='{name}']"))

        if has("txbxContent") or has("textbox"):
            self._losses.add("textbox", _texts(element))
        elif has("chart"):
            self._losses.add("chart")
        elif has("relIds"):
            self._losses.add("smartart")
        elif element.tag == qn("w:object") or has("OLEObject"):
            self._losses.add("object")
        elif has("pic") or has("imagedata"):
            properties = next(element.iter(qn("wp:docPr")), None)
            described = None if properties is None else properties.get("descr") or properties.get("name")
            self._losses.add("image", described)
        else:
            self._losses.add("drawing")

    def _note_text(self, kind: str, note_id: str) -> str:
        if self._notes is None:
            self._notes = {"footnote": {}, "endnote": {}}
            for relationship in self._document.part.rels.values():
                target = {RT.FOOTNOTES: "footnote", RT.ENDNOTES: "endnote"}.get(relationship.reltype)
                if target is None or relationship.is_external:
                    continue
                try:
                    root = parse_xml(relationship.target_part.blob)
                except SyntaxError:  # a damaged notes part loses the notes' text, not the document
                    continue
                for note in root.findall(qn(f"w:{target}")):
                    self._notes[target][str(note.get(qn("w:id")))] = _texts(note)
        return self._notes[kind].get(note_id, "")

    def _unknown(self, element: BaseOxmlElement) -> None:
        name = str(element.tag).rpartition("}")[2]
        self._losses.add("unknown", name)


class _Numbering:
    """Word's list definitions: the format and start of each list level."""

    def __init__(self, document: Document, styles: dict[str, _Style]) -> None:
        root = document.part.numbering_part.element  # an empty one when the file has none
        self._abstract: dict[str, BaseOxmlElement] = {
            str(a.get(qn("w:abstractNumId"))): a for a in root.findall(qn("w:abstractNum"))
        }
        self._nums: dict[str, BaseOxmlElement] = {str(n.get(qn("w:numId"))): n for n in root.findall(qn("w:num"))}
        self._styles = styles

    def level(self, num_id: str, ilvl: int, hops: int = 0) -> tuple[str, int] | None:
        num = self._nums.get(num_id)
        if num is None or hops > 3:
            return None
        start: int | None = None
        lvl = None
        for override in num.findall(qn("w:lvlOverride")):
            if override.get(qn("w:ilvl")) == str(ilvl):
                start = _int(_val(override, "w:startOverride"))
                lvl = override.find(qn("w:lvl"))
        abstract = self._abstract.get(str(_val(num, "w:abstractNumId")))
        if lvl is None and abstract is not None:
            link = _val(abstract, "w:numStyleLink")  # the list's definition lives in a numbering style
            style = self._styles.get(link) if link else None
            found_ids = style.element.xpath("./w:pPr/w:numPr/w:numId/@w:val") if style is not None else []
            linked = str(found_ids[0]) if found_ids else None
            if linked is not None:
                found = self.level(linked, ilvl, hops + 1)
                return None if found is None else (found[0], start if start is not None else found[1])
            lvl = abstract.find(f'{qn("w:lvl")}[@{qn("w:ilvl")}="{ilvl}"]')
        if lvl is None:
            return None
        fmt = _val(lvl, "w:numFmt") or "decimal"
        if start is None:
            start = _int(_val(lvl, "w:start"))
        return fmt, start if start is not None else 1


# ---------------------------------------------------------------------------------------------
# Items → blocks.


def _assemble(items: Sequence[_Item]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(items):
        item = items[i]
        end = i + 1
        if item.kind in ("list", "continue"):
            while end < len(items) and items[end].kind in ("list", "continue"):
                end += 1
            blocks.extend(_lists(items[i:end]))
        elif item.kind == "code":
            while end < len(items) and items[end].kind == "code":
                end += 1
            blocks.append(CodeBlock("\n".join("".join(s.text for s in it.spans) for it in items[i:end])))
        elif item.kind == "quote":
            while end < len(items) and items[end].kind == "quote":
                end += 1
            blocks.append(Quote(tuple(Paragraph(it.spans) for it in items[i:end])))
        elif item.kind == "heading":
            blocks.append(Heading(item.level, item.spans))
        elif item.kind in ("text", "title", "subtitle") and _plain(item.spans):
            blocks.append(Paragraph(item.spans))
        elif item.kind == "table" and item.table is not None:
            blocks.append(item.table)
        elif item.kind == "rule":
            blocks.append(Rule())
        i = end
    return blocks


@dataclass
class _OpenList:
    ordered: bool
    start: int
    items: list[list[Block]]


def _lists(items: Sequence[_Item]) -> list[Block]:
    """Nested lists from list paragraphs (each with a depth) and their continuation paragraphs."""
    result: list[Block] = []
    stack: list[_OpenList] = []

    def close_to(depth: int) -> None:
        while len(stack) > depth:
            done = stack.pop()
            block = ListBlock(done.ordered, tuple(tuple(item) for item in done.items), done.start)
            if stack:
                stack[-1].items[-1].append(block)
            else:
                result.append(block)

    for item in items:
        if item.kind == "continue":
            close_to(min(item.level, len(stack)))
            if stack:
                stack[-1].items[-1].append(Paragraph(item.spans))
            else:
                result.append(Paragraph(item.spans))
            continue
        depth = min(item.level, len(stack) + 1)  # Markdown cannot skip a level
        close_to(depth)
        if len(stack) == depth and stack[-1].ordered != item.ordered:
            close_to(depth - 1)
        if len(stack) < depth:
            stack.append(_OpenList(item.ordered, item.number if item.ordered else 1, []))
        stack[-1].items.append([Paragraph(item.spans)] if _plain(item.spans) else [])
    close_to(0)
    return result


# ---------------------------------------------------------------------------------------------
# Small helpers.


def _val(element: BaseOxmlElement | None, tag: str) -> str | None:
    """The w:val of ``element``'s child ``tag``; "" when the child has no w:val; None when absent."""
    if element is None:
        return None
    child = element.find(qn(tag))
    if child is None:
        return None
    value = child.get(qn("w:val"))
    return "" if value is None else str(value)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


def _descend(element: BaseOxmlElement, *tags: str) -> Iterator[BaseOxmlElement]:
    """Children with one of ``tags``, looking through content controls and custom XML wrappers."""
    wanted = {qn(tag) for tag in tags}
    for child in element:
        if child.tag in wanted:
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent")) if child.tag == qn("w:sdt") else child
            if content is not None:
                yield from _descend(content, *tags)


def _cell_alignment(tc: BaseOxmlElement) -> Align:
    found = tc.xpath("./w:p[1]/w:pPr/w:jc/@w:val")
    value = str(found[0]) if found else ""
    if value == "center":
        return "center"
    if value in ("right", "end"):
        return "right"
    return "left" if value in ("left", "start") else None


def _texts(element: BaseOxmlElement, tag: str = qn("w:t")) -> str:
    # Not xpath: only python-docx's own element classes know the "w:" prefix.
    return "".join(t.text or "" for t in element.iter(tag))


def _plain(spans: Iterable[Span]) -> str:
    return " ".join("".join(span.text for span in spans).split())


def _drop_prefix(spans: Inline, length: int) -> Inline:
    kept: list[Span] = []
    for span in spans:
        if length >= len(span.text):
            length -= len(span.text)
            continue
        kept.append(replace(span, text=span.text[length:]) if length else span)
        length = 0
    return tuple(kept)


def _cover_text(item: _Item) -> str:
    if item.table is not None:
        rows = (item.table.header, *item.table.rows)
        return "; ".join(": ".join(_plain(cell) for cell in row if _plain(cell)) for row in rows)
    return _plain(item.spans)
