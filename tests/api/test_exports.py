"""Downloads of a snapshot as Word, Markdown and printable HTML (issues 4 and 9)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import docx

from server.imports.docx import import_docx
from server.markdown_blocks import normalise_markdown
from tests.api.drafting_support import new_document
from tests.support import KL, REGIONS, SECRETARIAT, Api

AsUser = Callable[[str], Awaitable[Api]]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

SECTIONS = [
    (
        "Borgeren som aktiv partner",
        "Borgerne skal have **overblik** over egne data.\n\n- Sundhedsjournalen\n  - Min Læge\n- *Min Sundhedsplatform*\n\n1. Først\n2. Dernæst\n",
    ),
    (
        "Data skal bruges fuldt ud",
        "| Initiativ | Ansvarlig |\n| --- | --- |\n| Datadeling | SDS |\n| Kvalitet | Regionerne |\n\nSe [Sundhedsdatastyrelsen](https://sundhedsdatastyrelsen.dk).\n",
    ),
    ("Sikkerhed", "> Tillid er forudsætningen.\n\nTekst med <script>alert(1)</script> i.\n"),
]


async def _snapshot(sec: Api, document_id: str) -> str:
    data = await sec.execute(
        "mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) { ... on SnapshotCreated { snapshot { id } } } }",
        {"input": {"documentId": document_id, "label": "Til høring"}},
    )
    return data["createSnapshot"]["snapshot"]["id"]  # type: ignore[no-any-return]


async def test_snapshot_as_word_carries_headings_lists_and_tables_and_round_trips(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, SECTIONS)
    snapshot = await _snapshot(sec, doc["id"])
    response = await sec.http.get(f"/exports/snapshots/{snapshot}.docx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    # Named after the udgave, for old clients in ASCII and for everyone else in words (RFC 6266).
    disposition = response.headers["content-disposition"]
    assert 'filename="Testdokument - Udgave 1 - Til hoering.docx"' in disposition
    assert "filename*=UTF-8''Testdokument%20%E2%80%93%20Udgave%201%20%E2%80%93%20Til%20h%C3%B8ring.docx" in disposition
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "snapshot.docx").write_bytes(response.content)

    word = docx.Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in word.paragraphs]
    assert ("Heading 1", "Borgeren som aktiv partner") in paragraphs
    assert ("List Bullet", "Sundhedsjournalen") in paragraphs and ("List Bullet 2", "Min Læge") in paragraphs
    assert ("List Number", "Først") in paragraphs
    assert any("Udgave 1 – Til høring" in text for _, text in paragraphs)
    assert any("<script>alert(1)</script>" in text for _, text in paragraphs)  # kept as literal text
    facts, table = word.tables[0], word.tables[1]  # the title page's facts, then the section's table
    assert [c.text for c in facts.rows[1].cells] == ["Fase", "Under udarbejdelse"]
    assert [c.text for c in table.rows[1].cells] == ["Datadeling", "SDS"]

    imported = import_docx(response.content)
    assert [s.title for s in imported.sections] == [title for title, _ in SECTIONS]
    for (_, body), section in zip(SECTIONS, imported.sections, strict=True):
        assert section.markdown == normalise_markdown(body, min_heading_level=3)


async def test_snapshot_as_markdown_and_printable_html(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, SECTIONS)
    snapshot = await _snapshot(sec, doc["id"])
    markdown = (await sec.http.get(f"/exports/snapshots/{snapshot}.md")).text
    assert markdown.startswith("# Testdokument\n\n**Udgave 1 – Til høring**")
    assert "## Data skal bruges fuldt ud" in markdown and "| Datadeling | SDS |" in markdown
    page = await sec.http.get(f"/exports/snapshots/{snapshot}.html")
    assert page.headers["content-type"].startswith("text/html")
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "<h2>Sikkerhed</h2>" in page.text and "<table>" in page.text


async def test_snapshot_downloads_follow_the_document_permissions(as_user: AsUser, api: Api) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, SECTIONS, participants=("kl",))
    snapshot = await _snapshot(sec, doc["id"])
    assert (await (await as_user(KL)).http.get(f"/exports/snapshots/{snapshot}.docx")).status_code == 200
    assert (await (await as_user(REGIONS)).http.get(f"/exports/snapshots/{snapshot}.docx")).status_code == 404
    assert (await api.http.get(f"/exports/snapshots/{snapshot}.md")).status_code == 404
    assert (await sec.http.get(f"/exports/snapshots/{snapshot}.pdf")).status_code == 404
    assert (await sec.http.get("/exports/snapshots/snp_nonsense.md")).status_code == 404


async def test_snapshot_as_word_with_open_comments_in_the_margin(as_user: AsUser) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL)
    doc = await new_document(sec, SECTIONS)
    view = await sec.execute("query($id: ID!) { document(id: $id) { sections { id version } } }", {"id": doc["id"]})
    first = view["document"]["sections"][0]
    await kl.execute(
        """mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }""",
        {
            "input": {
                "sectionId": first["id"],
                "version": first["version"],
                "body": "Husk de praktiserende læger.",
                "anchor": {"exact": "overblik", "prefix": "Borgerne skal have ", "suffix": " over egne data."},
            }
        },
    )
    snapshot = await _snapshot(sec, doc["id"])
    as_word = await sec.http.get(f"/exports/snapshots/{snapshot}.docx?comments=word")
    with zipfile.ZipFile(io.BytesIO(as_word.content)) as package:
        assert "word/comments.xml" in package.namelist()
        assert "Husk de praktiserende læger." in package.read("word/comments.xml").decode()
    as_table = docx.Document(
        io.BytesIO((await sec.http.get(f"/exports/snapshots/{snapshot}.docx?comments=table")).content)
    )
    cells = [cell.text for table in as_table.tables for row in table.rows for cell in row.cells]
    assert "overblik" in cells and any("Husk de praktiserende læger." in c for c in cells)
    assert (await sec.http.get(f"/exports/snapshots/{snapshot}.docx?comments=all")).status_code == 400


async def test_first_page_of_a_word_export_renders(as_user: AsUser, tmp_path: Path) -> None:
    """LibreOffice turns the export into a PDF; its first page is kept as a picture for people to look at."""
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, SECTIONS)
    snapshot = await _snapshot(sec, doc["id"])
    source = tmp_path / "udkast.docx"
    source.write_bytes((await sec.http.get(f"/exports/snapshots/{snapshot}.docx")).content)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "udkast.pdf"
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Testdokument" in first_page and "Udgave 1 – Til høring" in first_page
    later = subprocess.run(["pdftotext", "-f", "2", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Borgeren som aktiv partner" in later and "Side 2 af" in later
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "snapshot-page")],
        check=True,
        timeout=60,
    )
    assert (ARTIFACTS / "snapshot-page-1.png").stat().st_size > 1000


async def test_a_margin_comments_passage_reads_as_the_text_does(as_user: AsUser) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL)
    doc = await new_document(sec, [("Forskning", "Samtidig skal forskere\nhave lettere adgang til data.\n")])
    section = doc["sections"][0]
    anchor = {"exact": "forskere\nhave lettere", "prefix": "Samtidig skal ", "suffix": " adgang til data."}
    added = await kl.execute(
        """mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }""",
        {"input": {"sectionId": section, "version": 1, "body": "Hvilke forskere?", "anchor": anchor}},
    )
    assert added["addComment"]["__typename"] == "CommentAdded"
    snapshot = await _snapshot(sec, doc["id"])
    as_table = docx.Document(
        io.BytesIO((await sec.http.get(f"/exports/snapshots/{snapshot}.docx?comments=table")).content)
    )
    cells = [cell.text for table in as_table.tables for row in table.rows for cell in row.cells]
    assert "forskere have lettere" in cells
    assert not any("forskere\nhave" in cell for cell in cells)
