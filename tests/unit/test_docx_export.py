from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from server.exports.docx import MarginComment, Part, TitlePage, build_docx, markdown_into

TITLE_PAGE = TitlePage(
    title="Strategi for digital sundhed 2018-2022",
    subtitle="Udkast 3 — Til høring i regionerne",
    facts=[("Dato", "27. november 2026"), ("Fase", "Høring")],
)
HEADER = "Strategi for digital sundhed 2018-2022 — Udkast 3"

BODY = """Sundhedsvæsenet skal være *sammenhængende*, **trygt** og ~~dyrt~~ effektivt for `alle`.
Læs mere på [sundhed.dk](https://www.sundhed.dk/borger/ "Sundhedsportalen").

### Indsatsområder

- Data deles sikkert
  - mellem regioner
    - og kommuner
      - og almen praksis
- Borgeren har adgang

1. Fælles medicinkort
2. Digitale konsultationer
   1. video
   2. chat
3. Telemedicin

> Vi skal gøre det nemt at være patient.

| Indsats | Ansvarlig | Budget |
|:--|:-:|--:|
| Medicinkort | Regionerne | 12,5 |
| Telemedicin | KL \\| regionerne | 4 |

```
SELECT * FROM borgere;
  -- indrykket
```

Første linje\\
anden linje

---

# For stor overskrift
"""


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _member(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def _body(data: bytes) -> list[Paragraph]:
    """The paragraphs after the title page."""
    paragraphs = _open(data).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.style is not None and p.style.name == "Heading 1")
    return paragraphs[start:]


def _styled(data: bytes) -> list[tuple[str, str]]:
    return [(p.style.name if p.style is not None else "", p.text) for p in _body(data)]


def _export(markdown: str = BODY, *, language: str = "da-DK") -> bytes:
    return build_docx(TITLE_PAGE, [Part("Vision og mål", markdown)], header=HEADER, language=language)


def test_title_page_comes_first_then_a_page_break() -> None:
    document = _open(_export())
    first = document.paragraphs[:2]
    assert [(p.style.name if p.style else "", p.text) for p in first] == [
        ("Title", "Strategi for digital sundhed 2018-2022"),
        ("Subtitle", "Udkast 3 — Til høring i regionerne"),
    ]
    facts = document.tables[0]
    assert [[cell.text for cell in row.cells] for row in facts.rows] == [
        ["Dato", "27. november 2026"],
        ["Fase", "Høring"],
    ]
    page_break = document.paragraphs[2]
    assert page_break._p.xpath('./w:r/w:br[@w:type="page"]')
    assert document.paragraphs[3].style is not None and document.paragraphs[3].style.name == "Heading 1"


def test_header_and_footer_with_page_fields() -> None:
    data = _export()
    section = _open(data).sections[0]
    assert section.header.paragraphs[0].text == HEADER
    assert section.different_first_page_header_footer  # the title page has neither
    footer = section.footer.paragraphs[0]
    assert footer.text == "Side 1 af 1"  # the cached results until Word updates the fields
    instructions = [i.text.strip() for i in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert len(list(footer._p.iter(qn("w:fldChar")))) == 6


def test_language_and_core_properties() -> None:
    data = _export(language="da-DK")
    properties = _open(data).core_properties
    assert properties.title == "Strategi for digital sundhed 2018-2022"
    assert properties.language == "da-DK"
    assert '<w:lang w:val="da-DK"' in _member(data, "word/styles.xml")


def test_headings_inside_a_part_sit_below_section_level() -> None:
    data = build_docx(
        TITLE_PAGE,
        [Part("Vision", "### Delmål\n\n# Stor\n\n#### Lille"), Part("Underafsnit", "## Mellem", level=2)],
        header=HEADER,
    )
    assert _styled(data) == [
        ("Heading 1", "Vision"),
        ("Heading 3", "Delmål"),
        ("Heading 3", "Stor"),
        ("Heading 4", "Lille"),
        ("Heading 2", "Underafsnit"),
        ("Heading 3", "Mellem"),
    ]


def test_nested_lists_use_word_list_styles() -> None:
    styled = _styled(_export())
    lists = [(style, text) for style, text in styled if style.startswith("List")]
    assert lists == [
        ("List Bullet", "Data deles sikkert"),
        ("List Bullet 2", "mellem regioner"),
        ("List Bullet 3", "og kommuner"),
        ("List Bullet 4", "og almen praksis"),
        ("List Bullet", "Borgeren har adgang"),
        ("List Number", "Fælles medicinkort"),
        ("List Number", "Digitale konsultationer"),
        ("List Number 2", "video"),
        ("List Number 2", "chat"),
        ("List Number", "Telemedicin"),
    ]


def test_each_numbered_list_restarts_its_numbering() -> None:
    data = _export("1. a\n2. b\n\nMellem.\n\n3. c\n4. d\n\n- x\n\n  7. y")
    document = _open(data)
    num_ids = [str(n) for p in _body(data) for n in p._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3] != num_ids[4]
    numbering = document.part.numbering_part.element
    starts = [
        numbering.xpath(f'./w:num[@w:numId="{n}"]/w:lvlOverride/w:startOverride/@w:val')[0]
        for n in dict.fromkeys(num_ids)
    ]
    assert starts == ["1", "3", "7"]
    assert len(num_ids) == 5


def test_table_with_header_row_and_alignment() -> None:
    document = _open(_export())
    table = document.tables[1]  # the first is the title page's facts
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Indsats", "Ansvarlig", "Budget"],
        ["Medicinkort", "Regionerne", "12,5"],
        ["Telemedicin", "KL | regionerne", "4"],
    ]
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    alignments = [row.cells[1].paragraphs[0].alignment for row in table.rows]
    assert all(a is not None and a.name == "CENTER" for a in alignments)


def test_quote_code_and_inline_formatting() -> None:
    body = _body(_export())
    by_text = {p.text: p for p in body}
    quote = by_text["Vi skal gøre det nemt at være patient."]
    assert quote.style is not None and quote.style.name == "Quote"
    code = by_text["SELECT * FROM borgere;\n  -- indrykket"]
    assert code.style is not None and code.style.name == "HTML Preformatted"
    intro = body[1]
    runs = {run.text: run for run in intro.runs}
    assert runs["sammenhængende"].italic and runs["trygt"].bold and runs["dyrt"].font.strike
    assert runs["alle"].style is not None and runs["alle"].style.name == "HTML Code"
    assert by_text["Første linje\nanden linje"]._p.xpath("./w:r/w:br")
    assert any(p._p.xpath("./w:pPr/w:pBdr/w:bottom") and not p.text for p in body)  # the thematic break


def test_links_are_real_hyperlinks() -> None:
    data = _export()
    document = _open(data)
    intro = _body(data)[1]
    hyperlinks = intro._p.xpath("./w:hyperlink")
    assert len(hyperlinks) == 1
    relationship = document.part.rels[hyperlinks[0].get(qn("r:id"))]
    assert relationship.is_external
    assert relationship.target_ref == "https://www.sundhed.dk/borger/"
    assert hyperlinks[0].get(qn("w:tooltip")) == "Sundhedsportalen"
    assert "".join(hyperlinks[0].xpath(".//w:t/text()")) == "sundhed.dk"
    assert intro.text.endswith("Læs mere på sundhed.dk.")


def test_unsafe_links_stay_text() -> None:
    data = _export("[klik](javascript:alert(1)) og [fil](file:///etc/passwd)")
    paragraph = _body(data)[1]
    assert not paragraph._p.xpath(".//w:hyperlink")
    assert paragraph.text == "[klik](javascript:alert(1)) og [fil](file:///etc/passwd)"


def test_user_text_is_inserted_as_text() -> None:
    hostile = '<script>alert("x")</script> <w:p/> &amp; {PAGE} \x01\x0b'
    data = build_docx(
        TitlePage(hostile, hostile, [(hostile, hostile)]),
        [Part(hostile, hostile)],
        header=hostile,
    )
    document = _open(data)
    shown = '<script>alert("x")</script> <w:p/> & {PAGE}'  # control characters XML cannot hold are dropped
    assert document.paragraphs[0].text == '<script>alert("x")</script> <w:p/> &amp; {PAGE}'
    assert _body(data)[1].text == shown + " "
    assert "&lt;script&gt;" in _member(data, "word/document.xml")
    assert not _member(data, "word/document.xml").count("<script>")


def test_word_comments_anchor_on_their_passage_or_the_heading() -> None:
    comments = (
        MarginComment("Mette Jensen, KL", "Fælles medicinkort", "Skal *også* omfatte kommunerne."),
        MarginComment("Ole Hansen, Danske Regioner", "en passage der ikke findes", "Hvor står det?"),
        MarginComment("Anna Berg", None, "Godt afsnit."),
    )
    data = build_docx(TITLE_PAGE, [Part("Vision og mål", BODY, comments=comments)], header=HEADER, comments="word")
    document = _open(data)
    assert "word/comments.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    word_comments = list(document.comments)
    assert [(c.author, c.initials) for c in word_comments] == [
        ("Mette Jensen, KL", "MJ"),
        ("Ole Hansen, Danske Regioner", "OH"),
        ("Anna Berg", "AB"),
    ]
    assert word_comments[0].text == "Skal også omfatte kommunerne."
    assert word_comments[0].paragraphs[0]._p.xpath("./w:r/w:annotationRef")
    assert any(run.italic and run.text == "også" for run in word_comments[0].paragraphs[0].runs)
    assert word_comments[1].text == "en passage der ikke findes\nHvor står det?"

    anchored = {int(mark.get(qn("w:id"))): p.text for p in _body(data) for mark in p._p.xpath("./w:commentRangeStart")}
    assert anchored == {0: "Fælles medicinkort", 1: "Vision og mål", 2: "Vision og mål"}


def test_comments_as_a_table_after_the_part() -> None:
    comments = (MarginComment("Mette Jensen, KL", "Fælles medicinkort", "Skal **også** omfatte kommunerne."),)
    data = build_docx(TITLE_PAGE, [Part("Vision", "Tekst.", comments=comments)], header=HEADER, comments="table")
    document = _open(data)
    assert ("Heading 3", "Kommentarer") in _styled(data)
    table = document.tables[-1]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Passage", "Kommentar"],
        ["Fælles medicinkort", "Mette Jensen, KL\nSkal også omfatte kommunerne."],
    ]
    assert "word/comments.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist() or not list(document.comments)


def test_comments_are_left_out_by_default() -> None:
    comments = (MarginComment("Mette Jensen, KL", None, "Ikke med."),)
    data = build_docx(TITLE_PAGE, [Part("Vision", "Tekst.", comments=comments)], header=HEADER)
    document = _open(data)
    assert not list(document.comments)
    assert "Ikke med." not in _member(data, "word/document.xml")
    assert len(document.tables) == 1


def test_markdown_into_appends_to_any_document() -> None:
    document = docx.Document()
    document.add_paragraph("Før")
    markdown_into(document, "Efter med [link](https://kl.dk).\n\n- punkt")
    assert [(p.style.name if p.style else "", p.text) for p in document.paragraphs] == [
        ("Normal", "Før"),
        ("Normal", "Efter med link."),
        ("List Bullet", "punkt"),
    ]
