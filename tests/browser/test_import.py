"""Word in: the secretariat imports a Word file as a new document, then a new version of it."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path

import docx
from playwright.async_api import FilePayload, expect

from tests.browser.ui import Ui
from tests.support import SECRETARIAT

NewUi = Callable[..., Awaitable[Ui]]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _png() -> bytes:
    """A 1×1 white PNG, for an image the import cannot carry over."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def _word_file(path: Path, *, vision: str) -> Path:
    """Headings, emphasis, a bulleted list, a table and an image, as a real Word file."""
    document = docx.Document()
    document.add_heading("Vision", level=1)
    paragraph = document.add_paragraph("Borgerne skal have ")
    paragraph.add_run(vision).bold = True
    paragraph.add_run(" adgang til egne sundhedsdata.")
    document.add_paragraph("Fælles login", style="List Bullet")
    document.add_paragraph("Samtykke på ét sted", style="List Bullet")
    document.add_heading("Tidsplan", level=1)
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("Dato", "Aktivitet"), ("7. september", "Seminar"))):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_picture(io.BytesIO(_png()))
    document.save(str(path))
    return path


async def test_the_secretariat_imports_a_word_file_and_then_a_new_version(new_ui: NewUi, tmp_path: Path) -> None:
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open("/")
    panel = page.get_by_role("region", name="Importér fra Word")
    file_input = panel.get_by_label("Word-fil (.docx)")

    # Errors stay at the field: no file, then a file that is not a Word document.
    await panel.get_by_role("button", name="Importér").click()
    await expect(panel.get_by_role("alert")).to_contain_text("Vælg en Word-fil")
    await expect(file_input).to_have_attribute("aria-invalid", "true")
    not_word: FilePayload = {"name": "notat.docx", "mimeType": DOCX, "buffer": b"ikke en Word-fil"}
    await file_input.set_input_files(not_word)
    await panel.get_by_role("button", name="Importér").click()
    await expect(panel.locator(".field__error")).to_contain_text("Word")
    await ui.check("import-error")

    # A real Word file: two sections created, the image named as not carried over.
    await file_input.set_input_files(_word_file(tmp_path / "strategi.docx", vision="let"))
    await panel.get_by_label("Dokumentets titel (valgfri)").fill("Strategi importeret i browseren")
    await panel.get_by_role("button", name="Importér").click()
    result = panel.get_by_role("status")
    await expect(result).to_contain_text("Word-filen er importeret som et nyt dokument med 2 afsnit.")
    await expect(result.get_by_role("list", name="Nye afsnit (2)").get_by_role("listitem")).to_have_text(
        ["Vision", "Tidsplan"]
    )
    losses = result.get_by_role("list", name="Ikke overført fra Word-filen")
    await expect(losses).to_contain_text("Et billede er ikke importeret")
    await expect(losses).to_contain_text("Tidsplan")
    await expect(
        page.get_by_role("link", name="Strategi importeret i browseren")
    ).to_be_visible()  # the overview is refreshed
    await ui.check("import-result")

    # The new document reads as the Word file did.
    await result.get_by_role("link", name="Åbn dokumentet").click()
    await ui.settled()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Strategi importeret i browseren")
    vision = page.get_by_role("region", name="Vision")
    await expect(vision.locator("strong")).to_have_text("let")
    await expect(vision.locator(".prose li")).to_have_text(["Fælles login", "Samtykke på ét sted"])
    await expect(page.get_by_role("region", name="Tidsplan").get_by_role("cell", name="Seminar")).to_be_visible()
    await ui.check("imported-document")

    # A revised Word file becomes a new version of »Vision«; »Tidsplan« is unchanged.
    await page.get_by_role("navigation", name="Dokumentets sider").get_by_role("link", name="Indstillinger").click()
    await ui.settled()
    again = page.get_by_role("region", name="Importér ny version fra Word")
    await again.get_by_label("Word-fil (.docx)").set_input_files(_word_file(tmp_path / "strategi-2.docx", vision="nem"))
    await again.get_by_role("button", name="Importér").click()
    revised = again.get_by_role("status")
    await expect(revised).to_contain_text("1 ny version, 0 nye afsnit og 1 uændret afsnit")
    await expect(revised.get_by_role("list", name="Ny version af (1)")).to_have_text("Vision")
    await expect(revised.get_by_role("list", name="Uændrede afsnit (1)")).to_have_text("Tidsplan")
    await ui.check("import-new-version")
    await page.get_by_role("navigation", name="Dokumentets sider").get_by_role("link", name="Læs").click()
    await ui.settled()
    await expect(page.get_by_role("region", name="Vision").locator("strong")).to_have_text("nem")
