from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph

import server.imports.docx as importer
from server.exports.docx import MarginComment, Part, TitlePage, build_docx
from server.imports.docx import DocxRejected, ImportedSection, import_docx
from server.markdown_blocks import normalise_markdown

# ---------------------------------------------------------------------------------------------
# Building Word files the way Word users do.


def _save(document: Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r><w:rPr><w:u w:val="single"/></w:rPr>'
            f"<w:t>{text}</w:t></w:r></w:hyperlink>"
        )
    )


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def _multilevel_list(document: Document) -> str:
    """A Word-style list: one definition, levels chosen by w:ilvl (1. / bullet)."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document: Document, text: str, num_id: str, ilvl: int) -> None:
    paragraph = document.add_paragraph(text, style="List Paragraph")
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _real_world_document() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Skabelon"
    document.add_paragraph("Sammenhængende sundhed 2030", style="Title")
    document.add_paragraph("Denne strategi er udarbejdet af regionerne og KL i fællesskab.")

    document.add_heading("Vision", level=1)
    vision = document.add_paragraph("Borgerne skal opleve ")
    vision.add_run("én samlet indsats ").bold = True  # Word users often make the space bold too
    vision.add_run("på tværs, uanset hvor de ")
    vision.add_run("møder").italic = True
    vision.add_run(" sundhedsvæsenet.")
    document.add_paragraph("2030. Det er målåret, og *stjerner* er bare stjerner.")

    document.add_heading("Mål for 2030", level=2)
    document.add_paragraph("Færre genindlæggelser", style="List Number")
    document.add_paragraph("Opfølgning inden for 48 timer", style="List Number 2")
    document.add_paragraph("Fælles medicinliste", style="List Number 2")
    document.add_paragraph("Bedre data", style="List Number")
    document.add_paragraph("Parterne er:")
    document.add_paragraph("Regionerne", style="List Bullet")
    document.add_paragraph("Region Hovedstaden", style="List Bullet 2")
    document.add_paragraph("Kommunerne", style="List Bullet")
    document.add_paragraph("Indsatserne er:")
    num_id = _multilevel_list(document)
    _numbered(document, "Styrket forebyggelse", num_id, 0)
    _numbered(document, "rygestop", num_id, 1)
    _numbered(document, "motion", num_id, 1)
    _numbered(document, "Tidlig opsporing", num_id, 0)

    document.add_heading("Økonomi", level=3)
    table = document.add_table(rows=3, cols=3, style="Table Grid")
    for row, values in zip(
        table.rows,
        [
            ("Indsats", "Ansvarlig", "Budget (mio. kr.)"),
            ("Opfølgning", "KL | regionerne", "12,5"),
            ("Data", "Regionerne", "4"),
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
        row.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    link = document.add_paragraph("Læs mere på ")
    _hyperlink(link, "https://www.sundhed.dk/", "sundhed.dk")
    link.add_run(".")
    figure = document.add_paragraph("Figur 1 viser organiseringen. ")
    figure.add_run().add_picture(io.BytesIO(_png()))
    figure._p.xpath(".//wp:docPr")[0].set("descr", "Organisationsdiagram")

    document.add_heading("Handling", level=1)
    document.add_paragraph("Vi skal gøre det nemt at være patient.", style="Quote")
    budget = document.add_paragraph("Budgettet er ")
    budget.add_run("foreløbigt").font.strike = True
    budget.add_run(" vedtaget.")
    return _save(document)


def test_a_real_world_document_imports_with_nothing_lost_but_the_image() -> None:
    result = import_docx(_real_world_document())
    assert result.title == "Sammenhængende sundhed 2030"
    assert result.sections == [
        ImportedSection("Indledning", "Denne strategi er udarbejdet af regionerne og KL i fællesskab."),
        ImportedSection(
            "Vision",
            "Borgerne skal opleve **én samlet indsats** på tværs, uanset hvor de *møder* sundhedsvæsenet.\n\n"
            "2030\\. Det er målåret, og \\*stjerner\\* er bare stjerner.",
        ),
        ImportedSection(
            "Mål for 2030",
            "1. Færre genindlæggelser\n"
            "   1. Opfølgning inden for 48 timer\n"
            "   2. Fælles medicinliste\n"
            "2. Bedre data\n\n"
            "Parterne er:\n\n"
            "- Regionerne\n"
            "  - Region Hovedstaden\n"
            "- Kommunerne\n\n"
            "Indsatserne er:\n\n"
            "1. Styrket forebyggelse\n"
            "   - rygestop\n"
            "   - motion\n"
            "2. Tidlig opsporing\n\n"
            "### Økonomi\n\n"
            "| Indsats | Ansvarlig | Budget (mio. kr.) |\n"
            "| --- | --- | ---: |\n"
            "| Opfølgning | KL \\| regionerne | 12,5 |\n"
            "| Data | Regionerne | 4 |\n\n"
            "Læs mere på [sundhed.dk](https://www.sundhed.dk/).\n\n"
            "Figur 1 viser organiseringen.",
        ),
        ImportedSection(
            "Handling", "> Vi skal gøre det nemt at være patient.\n\nBudgettet er ~~foreløbigt~~ vedtaget."
        ),
    ]
    assert result.losses == ["Et billede er ikke importeret: «Organisationsdiagram» (i afsnittet «Mål for 2030»)."]


def test_everything_unsupported_is_named_in_losses() -> None:
    document = docx.Document()
    toc = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        "</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Indhold 1</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(0, toc)
    document.add_heading("Afsnit", level=1)
    tracked = document.add_paragraph("Tekst ")
    tracked._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="A"><w:r><w:t>indsat </w:t></w:r></w:ins>'))
    tracked._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="A"><w:r><w:delText>slettet </w:delText></w:r></w:del>')
    )
    tracked.add_run("her.")
    styled = document.add_paragraph("Vigtigt: ")
    styled.add_run("understreget").underline = True
    hidden = styled.add_run(" skjult")
    hidden.font.hidden = True
    styled.add_run(" og ")
    styled._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))
    document.add_comment(styled.runs[0], text="Hvorfor?", author="B")
    box = document.add_paragraph("Se boksen")
    box._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox>'
            "<w:txbxContent><w:p><w:r><w:t>Boks-tekst</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )
    links = document.add_paragraph()
    links._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w")} w:anchor="_Toc1"><w:r><w:t>se afsnit 2</w:t></w:r></w:hyperlink>')
    )
    r_id = links.part.relate_to("javascript:alert(1)", RT.HYPERLINK, is_external=True)
    links._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r><w:t> og klik</w:t></w:r></w:hyperlink>')
    )
    document.styles.add_style("Faktaboks", 1)
    document.add_paragraph("Fakta om sundhed.", style="Faktaboks")
    merged = document.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Samlet"
    merged.cell(1, 0).text = "a"
    merged.cell(1, 1).text = "b"

    result = import_docx(_save(document))
    assert result.sections == [
        ImportedSection(
            "Afsnit",
            "Tekst indsat her.\n\nVigtigt: understreget og\n\nSe boksen\n\nse afsnit 2 og klik\n\n"
            "Fakta om sundhed.\n\n| Samlet |  |\n| --- | --- |\n| a | b |",
        )
    ]
    assert result.losses == [
        "Dokumentet indeholder sporede ændringer; de er importeret, som om alle var accepteret.",
        "Indholdsfortegnelsen er udeladt; den dannes igen ved eksport til Word.",
        "En kommentar i Word-filen er ikke importeret (i afsnittet «Afsnit»).",
        "Understregning er ikke overført (Markdown har ingen understregning) (i afsnittet «Afsnit»).",
        "Skjult tekst er udeladt (i afsnittet «Afsnit»).",
        "En fodnote er ikke importeret (i afsnittet «Afsnit»).",
        "En tekstboks er ikke importeret: «Boks-tekst» (i afsnittet «Afsnit»).",
        "En henvisning til et sted i dokumentet er importeret som almindelig tekst (i afsnittet «Afsnit»).",
        "Et link med en adresse, der ikke er tilladt, er importeret som almindelig tekst: «javascript:alert(1)» "
        "(i afsnittet «Afsnit»).",
        "En flettet tabelcelle er delt op; indholdet står i den første celle (i afsnittet «Afsnit»).",
        "Typografier er ikke overført; teksten er importeret som almindelige afsnit: «faktaboks».",
    ]


def test_text_before_the_first_heading_and_heading_levels() -> None:
    document = docx.Document()
    document.core_properties.title = "Fra egenskaberne"
    document.add_paragraph("Indledende tekst.")
    document.add_heading("Første", level=1)
    document.add_heading("Detalje", level=3)
    document.add_paragraph("Brødtekst.")
    document.add_heading("Andet", level=2)
    document.add_heading("Dybt", level=8)
    result = import_docx(_save(document))
    assert result.title == "Fra egenskaberne"
    assert [(s.title, s.markdown) for s in result.sections] == [
        ("Indledning", "Indledende tekst."),
        ("Første", "### Detalje\n\nBrødtekst."),
        ("Andet", "###### Dybt"),
    ]
    assert result.losses == ["Overskrifter på niveau 7-9 er importeret som niveau 6 (i afsnittet «Andet»)."]


def test_ordered_lists_continue_their_numbering_as_word_shows_it() -> None:
    document = docx.Document()
    document.add_heading("Mål", level=1)
    document.add_paragraph("et", style="List Number")
    document.add_paragraph("to", style="List Number")
    document.add_paragraph("Afbrudt af tekst.")
    document.add_paragraph("tre", style="List Number")
    result = import_docx(_save(document))
    assert result.sections[0].markdown == "1. et\n2. to\n\nAfbrudt af tekst.\n\n3. tre"


# ---------------------------------------------------------------------------------------------
# Refusals.


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refusal(data: bytes) -> DocxRejected:
    with pytest.raises(DocxRejected) as raised:
        import_docx(data)
    assert raised.value.message("da") and raised.value.message("en")
    return raised.value


def test_refuses_files_over_20_mb() -> None:
    assert "20 MB" in _refusal(b"\0" * (20 * 1024 * 1024 + 1)).message("da")


def test_refuses_what_is_not_a_docx() -> None:
    assert "ikke et Word-dokument" in _refusal(bytes(range(256)) * 40).message("da")
    assert "ikke et Word-dokument" in _refusal(_zip({})).message("da")
    assert "ikke et Word-dokument" in _refusal(_zip({"[Content_Types].xml": b"<Types/>", "a.txt": b"x"})).message("da")


def test_refuses_a_zip_bomb_before_parsing() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "pakkes ud" in _refusal(bomb).message("da")


def test_refuses_a_zip_that_unpacks_to_too_much(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_UNCOMPRESSED_BYTES", 10_000)
    assert "too much data" in _refusal(_real_world_document()).message("en")


def test_refuses_corrupt_xml() -> None:
    with zipfile.ZipFile(io.BytesIO(_real_world_document())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:-200]
    assert "beskadiget" in _refusal(_zip(members)).message("da")


# ---------------------------------------------------------------------------------------------
# Round trip: export, import, and get the same sections back.

STRATEGY = [
    Part(
        "Indledning og baggrund",
        """Regionerne, kommunerne og staten har siden 2018 arbejdet sammen om **digital sundhed**.
Strategien bygger videre på erfaringerne fra _Sundhed.dk_ og på ~~gamle~~ nye fælles løsninger.

Målet er et sundhedsvæsen, hvor borgeren oplever én sammenhængende indsats — også når
ansvaret skifter mellem sektorer. Se [sundhed.dk](https://www.sundhed.dk/ "Den fælles portal") og
<https://www.kl.dk>.

### Hvad er nyt?

* Fælles **sprog** for data
* Fokus på *ældre og kronikere*
    * herunder borgere med KOL
    * og borgere med diabetes
        1. type 1
        2. type 2
* Tekst med \\*stjerner\\* og _understregninger_ i ord_med_understreg""",
    ),
    Part(
        "Vision",
        """> Borgeren skal kun fortælle sin historie én gang.
>
> Det er løftet til alle i Danmark.

Visionen omsættes til fem mål, der måles årligt. Ansvaret ligger hos parterne i fællesskab,
og fremdriften følges i den nationale bestyrelse.""",
    ),
    Part(
        "Mål og indsatser",
        """1. Færre genindlæggelser af ældre
2. Kortere ventetid på genoptræning
   - måles i kalenderdage
   - opgøres pr. kommune
3. Flere digitale konsultationer

Indsatserne finansieres således:

| Indsats | Ansvarlig | Budget (mio. kr.) |
|:--------|:---------:|------------------:|
| Fælles medicinkort | Regionerne | 12,5 |
| Telemedicin | KL \\| regionerne | 40 |
| Data&shy;deling | *Alle* | `n/a` |

#### Tidsplan

5. Forår 2026: høring
6. Sommer 2026: vedtagelse""",
        level=2,
    ),
    Part(
        "Teknisk bilag",
        """Integrationen bruger et simpelt kald:

```json
{"borger": "0101011234", "samtykke": true}
```

Koden `GET /api/v1/borger` returnerer data.\\
Hård linjeskift ovenfor, og en tabulator\there.

---

Sidste afsnit med æøå ÆØÅ og «citationstegn».""",
    ),
]


def test_round_trip_gives_back_the_same_sections() -> None:
    title_page = TitlePage("Strategi for digital sundhed 2018-2022", "Udkast 3", [("Dato", "27. november 2026")])
    data = build_docx(title_page, STRATEGY, header="Strategi for digital sundhed — Udkast 3")
    result = import_docx(data)
    assert result.title == "Strategi for digital sundhed 2018-2022"
    assert [(s.title, s.markdown) for s in result.sections] == [
        (part.heading, normalise_markdown(part.markdown, min_heading_level=3)) for part in STRATEGY
    ]
    assert result.losses == [
        "Forsidens øvrige indhold er ikke importeret som et afsnit: «Udkast 3; Dato: 27. november 2026»."
    ]


def test_round_trip_with_word_comments_notes_the_comments() -> None:
    parts = [
        Part(p.heading, p.markdown, p.level, (MarginComment("Mette Jensen, KL", "Visionen", "Skarpere, tak."),))
        for p in STRATEGY
    ]
    result = import_docx(build_docx(TitlePage("Strategi", None, []), parts, header="h", comments="word"))
    assert [s.markdown for s in result.sections] == [normalise_markdown(p.markdown, min_heading_level=3) for p in parts]
    assert result.losses == [
        "4 kommentarer i Word-filen er ikke importeret"
        " (i afsnittene «Indledning og baggrund», «Vision», «Mål og indsatser» m.fl.)."
    ]
    english = import_docx(build_docx(TitlePage("Strategi", None, []), parts, header="h", comments="word"), "en")
    assert english.losses == [
        "4 comments in the Word file are not imported"
        " (in the sections «Indledning og baggrund», «Vision», «Mål og indsatser» and others)."
    ]


def test_normalisation_is_stable() -> None:
    for part in STRATEGY:
        once = normalise_markdown(part.markdown)
        assert normalise_markdown(once) == once


@pytest.mark.parametrize(
    ("markdown", "normalised"),
    [
        ("* a\n* b", "- a\n- b"),
        ("- a\n\n- b", "- a\n- b"),
        ("3. a\n7. b", "3. a\n4. b"),
        ("- a\n\n  mere\n- b", "- a\n\n  mere\n\n- b"),
        ("_x_ og __y__", "*x* og **y**"),
        ("**a** **b**", "**a b**"),
        ("**fed **tekst", "\\*\\*fed \\*\\*tekst"),
        ("blød\nlinje", "blød linje"),
        ("hård  \nlinje", "hård\\\nlinje"),
        ("Setext\n===", "# Setext"),
        ("## Titel ##", "## Titel"),
        ("```python\nx = 1\n```", "```\nx = 1\n```"),
        ("    indrykket", "```\nindrykket\n```"),
        ("|a|b|\n|-|:-:|\n|1|2|", "| a | b |\n| --- | :---: |\n| 1 | 2 |"),
        ("![kort](https://x.dk/k.png)", "[kort](https://x.dk/k.png)"),
        ("<https://kl.dk>", "[https://kl.dk](https://kl.dk)"),
        ("\\*ikke\\* <b>fed</b> & [x]", "\\*ikke\\* \\<b>fed\\</b> & \\[x\\]"),
        ("1\\. ikke en liste", "1\\. ikke en liste"),
        ("***", "---"),
    ],
)
def test_normalisation_rules(markdown: str, normalised: str) -> None:
    assert normalise_markdown(markdown) == normalised
