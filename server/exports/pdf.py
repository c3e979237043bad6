"""Word → PDF/A-2b with LibreOffice, in its own process, with a time limit.

The conversion is CPU-heavy and slow to start (a few seconds), so it never runs in the app's
process: ``soffice --headless`` converts in a child process that is awaited without blocking
the event loop, killed when it overruns its time limit, and given a profile directory of its
own (two LibreOffices sharing one profile wait on each other's lock). One conversion runs at a
time per app process; more wait their turn. LibreOffice's PDF export writes PDF/A-2b when asked
(``SelectPdfVersion`` 2), the archival form a case-handling system files.

When LibreOffice is not installed (``make run`` does not install it; ``make browser`` does),
``convert`` returns None and the download says so.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

TIME_LIMIT_SECONDS = 90.0
_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
_one_at_a_time = asyncio.Semaphore(1)


def available() -> bool:
    return shutil.which("soffice") is not None


async def convert(docx: bytes, *, time_limit: float = TIME_LIMIT_SECONDS) -> bytes | None:
    """The Word file as PDF/A-2b, or None when LibreOffice is missing, fails or overruns."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    async with _one_at_a_time:
        with tempfile.TemporaryDirectory(prefix="udkast-pdf-") as work:
            folder = Path(work)
            source = folder / "record.docx"
            source.write_bytes(docx)
            process = await asyncio.create_subprocess_exec(
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--convert-to",
                _FILTER,
                "--outdir",
                str(folder),
                str(source),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            try:
                await asyncio.wait_for(process.wait(), time_limit)
            except TimeoutError:
                process.kill()
                await process.wait()
                return None
            result = folder / "record.pdf"
            if process.returncode != 0 or not result.exists():
                return None
            return result.read_bytes()
