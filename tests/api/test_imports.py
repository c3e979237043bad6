"""Importing Word files through the upload endpoint and the CLI (issue 9)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import docx

from tests.api.drafting_support import new_document
from tests.support import KL, SECRETARIAT, Api, RunningApp

AsUser = Callable[[str], Awaitable[Api]]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _word_file() -> bytes:
    """A Word file as people make them: title, headings, nested lists, a table, emphasis."""
    document = docx.Document()
    document.add_paragraph("Strategi for sundhedsdata", style="Title")
    document.add_paragraph("Borgeren som aktiv partner", style="Heading 1")
    intro = document.add_paragraph("Borgerne skal have ")
    intro.add_run("overblik").bold = True
    intro.add_run(" over egne data.")
    document.add_paragraph("Sundhedsjournalen", style="List Bullet")
    document.add_paragraph("Min Læge", style="List Bullet 2")
    document.add_paragraph("Digital post", style="List Bullet")
    document.add_paragraph("Data og deling", style="Heading 1")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, [("Initiativ", "Ansvarlig"), ("Datadeling", "SDS")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def test_a_word_file_becomes_a_new_document(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    response = await sec.http.post(
        "/imports/docx?title=Importeret+strategi", content=_word_file(), headers={"content-type": DOCX}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["created"] == ["Borgeren som aktiv partner", "Data og deling"]
    assert result["losses"] == []
    view = await sec.execute(
        "query($slug: String!) { document(slug: $slug) { title sections { title body html } } }",
        {"slug": result["document"]["slug"]},
    )
    document = view["document"]
    assert document["title"] == "Importeret strategi"
    first, second = document["sections"]
    assert "**overblik**" in first["body"] and "<ul>" in first["html"] and "Min Læge" in first["html"]
    assert "<table>" in second["html"] and "Datadeling" in second["html"]


async def test_a_word_file_proposes_new_versions_of_matching_sections(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Borgeren som aktiv partner", "Gammel tekst."), ("Andet", "Uændret.")])
    response = await sec.http.post(f"/imports/docx?documentId={doc['id']}", content=_word_file())
    result = response.json()
    assert result["updated"] == ["Borgeren som aktiv partner"]
    assert result["created"] == ["Data og deling"]
    view = await sec.execute(
        "query($id: ID!) { document(id: $id) { sections { title version versions { summary } } } }", {"id": doc["id"]}
    )
    sections = {s["title"]: s for s in view["document"]["sections"]}
    assert sections["Borgeren som aktiv partner"]["version"] == 2
    assert sections["Borgeren som aktiv partner"]["versions"][0]["summary"] == "Importeret fra Word"
    assert sections["Andet"]["version"] == 1


async def test_what_was_not_carried_over_is_told_in_the_readers_language(as_user: AsUser) -> None:
    document = docx.Document()
    document.add_paragraph("Vision", style="Heading 1")
    document.add_paragraph("Vigtigt: ").add_run("understreget").underline = True
    buffer = io.BytesIO()
    document.save(buffer)
    sec = await as_user(SECRETARIAT)
    losses = {}
    for language in ("da", "en"):
        response = await sec.http.post(
            "/imports/docx", content=buffer.getvalue(), headers={"content-type": DOCX, "accept-language": language}
        )
        assert response.status_code == 200, response.text
        losses[language] = response.json()["losses"]
    assert losses == {
        "da": ["Understregning er ikke overført (Markdown har ingen understregning) (i afsnittet «Vision»)."],
        "en": ["Underlining is not carried over (Markdown has no underline) (in the section «Vision»)."],
    }


async def test_bad_uploads_are_refused_with_a_clear_message(as_user: AsUser, api: Api) -> None:
    sec = await as_user(SECRETARIAT)
    not_docx = await sec.http.post("/imports/docx", content=b"%PDF-1.4 not a word file")
    assert not_docx.status_code == 400
    assert not_docx.json()["error"]["field"] == "file" and not_docx.json()["error"]["message"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (60 * 1024 * 1024))
    refused = await sec.http.post("/imports/docx", content=bomb.getvalue())
    assert refused.status_code == 400
    too_big = await sec.http.post("/imports/docx", content=b"0" * (21 * 1024 * 1024))
    assert too_big.status_code == 413
    kl = await as_user(KL)
    assert (await kl.http.post("/imports/docx", content=_word_file())).status_code == 403
    assert (await api.http.post("/imports/docx", content=_word_file())).status_code == 401


def test_import_docx_from_the_command_line(app: RunningApp, mongodb_uri: str, tmp_path: Path) -> None:
    path = tmp_path / "strategi.docx"
    path.write_bytes(_word_file())
    env = {
        **os.environ,
        "MONGODB_URI": mongodb_uri,
        "DATABASE": app.settings.database,
        "SECRET_KEY": app.settings.secret_key,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "import-docx",
            str(path),
            "--as",
            SECRETARIAT,
            "--title",
            "Fra kommandolinjen",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 new sections" in result.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "server", "import-docx", str(path), "--as", KL],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
