"""Reading a downloaded Word or PDF file as its reader would: LibreOffice renders, poppler reads.

The page images are kept in ``test-artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, as ``pdftotext`` reads it."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for n in range(1, count + 1)
    ]


def words(text: str) -> set[str]:
    """The words of a text as printed, stripped of punctuation: a word broken over two lines is not among them."""
    return {w.strip(".,:;()»«–") for w in text.split()}


def keep_pages(pdf: Path, name: str) -> None:
    """Page images of ``pdf`` as ``test-artifacts/{name}-page-N.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / f"{name}-page")], check=True, timeout=60)


def word_to_pdf(word: bytes, folder: Path, name: str) -> Path:
    """The Word file converted by LibreOffice, as a reader's word processor would print it."""
    source = folder / f"{name}.docx"
    source.write_bytes(word)
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return folder / f"{name}.pdf"
