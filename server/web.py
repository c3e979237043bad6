"""Downloads and uploads over plain HTTP: the one format switch, file names and refusal → status.

Every route under ``/exports/`` and ``/imports/`` answers through here, so each download gets the
same media types, the same ``Content-Disposition`` (an ASCII ``filename`` for old clients beside
RFC 6266's ``filename*`` with the real name), the same ``cache-control`` and the same answers for
what may not be seen (a plain 404: ids reveal nothing) and for work that passed its deadline.
The renderers stay in their features; a route names its formats and renderers and calls
``render``. Uploads answer a refusal with ``refused``: one mapping from a workflow's failure
(``server.outcomes``) to an HTTP status and a typed JSON error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from server.exports import pdf
from server.http import request_language
from server.messages import Language, text
from server.outcomes import Denied, Failure, Invalid, Missing
from server.workers import TooSlow


@dataclass(frozen=True)
class Format:
    media_type: str
    inline: bool = False  # shown in the browser (printable HTML) rather than saved
    from_word: bool = False  # the Word rendering, converted by LibreOffice (server/exports/pdf.py)


FORMATS: dict[str, Format] = {
    "md": Format("text/markdown; charset=utf-8"),
    "html": Format("text/html; charset=utf-8", inline=True),
    "docx": Format("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": Format("application/pdf", from_word=True),
    "csv": Format("text/csv; charset=utf-8"),
    "json": Format("application/json"),
}

Renderer = Callable[..., str | bytes]


def requested_format(request: Request, offered: Mapping[str, object]) -> str | None:
    """The route's ``{format}`` when the route offers it (a key of ``offered``), else None."""
    extension = request.path_params.get("format")
    return extension if isinstance(extension, str) and extension in offered and extension in FORMATS else None


_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", "ß": "ss"})
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;%]+')


def _safe(name: str) -> str:
    """A file name any system can store: no path separators, quotes or control characters."""
    return re.sub(r"\s+", " ", _UNSAFE.sub("-", name)).strip(" .-")[:120].strip(" .-") or "udkast"


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION))
    return _safe(decomposed.replace("–", "-").replace("—", "-").encode("ascii", "ignore").decode())


def content_disposition(stem: str, extension: str) -> str:
    """``attachment`` (or ``inline`` for HTML) with an ASCII ``filename`` and the real ``filename*``."""
    kind = "inline" if FORMATS[extension].inline else "attachment"
    name = _safe(stem)
    return f"{kind}; filename=\"{_ascii(name)}.{extension}\"; filename*=UTF-8''{quote(f'{name}.{extension}', safe='')}"


def file(body: str | bytes, extension: str, stem: str) -> Response:
    """A download: its media type, its name in words (``stem``) and never kept in a shared cache."""
    return Response(
        body,
        media_type=FORMATS[extension].media_type,
        headers={"content-disposition": content_disposition(stem, extension), "cache-control": "private, no-store"},
    )


async def render(
    request: Request, extension: str, stem: str, renderers: Mapping[str, Renderer], *args: Any
) -> Response:
    """``renderers[extension](*args)`` in a worker process within its deadline, as a download.

    A PDF's renderer is the Word renderer; its result is converted by LibreOffice in a child
    process of its own, with its own time limit, and without LibreOffice the answer says so.
    """
    try:  # in a worker process, within its deadline: a large file never stalls other requests
        body = await request.app.state.store.workers.run(renderers[extension], *args)
    except TooSlow:
        return too_slow(request)
    if FORMATS[extension].from_word:
        converted = await pdf.convert(body if isinstance(body, bytes) else body.encode())
        if converted is None:
            return PlainTextResponse(text("pdf_unavailable", request_language(request)), status_code=503)
        body = converted
    return file(body, extension, stem)


def not_found() -> Response:
    """Every download's answer for what does not exist or may not be seen: ids reveal nothing."""
    return PlainTextResponse("Not found", status_code=404, headers={"cache-control": "no-store"})


def too_slow(connection: HTTPConnection) -> Response:
    """A download whose rendering passed its deadline (``server.workers``): a clear answer, not a hang."""
    message = text("work_too_slow", request_language(connection))
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "TOO_SLOW"}}]},
        status_code=503,
        headers={"cache-control": "no-store", "retry-after": "60"},
    )


def error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """An upload's refusal: ``{"error": {"code", "message", "field"}}`` with its HTTP status."""
    return JSONResponse({"error": {"code": code, "message": message, "field": field}}, status_code=status)


def refused(failure: Failure, language: Language) -> JSONResponse:
    """A workflow's failure as an upload's answer: not signed in 401, denied 403, missing 404, invalid 400."""
    match failure:
        case Denied(refusal) if not refusal.signed_in:
            return error(401, "NOT_SIGNED_IN", text(refusal.key, language, **refusal.params))
        case Denied(refusal):
            return error(403, "FORBIDDEN", text(refusal.key, language, **refusal.params))
        case Missing(what):
            return error(404, "NOT_FOUND", text("not_found", language, what=what))
        case Invalid(field, key, params):
            return error(400, key.upper(), text(key, language, **params), field=field)
