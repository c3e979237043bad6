"""The approval record download: ``/exports/approval-rounds/{roundId}.html``, ``.md``, ``.docx`` or ``.pdf``.

The PDF (PDF/A-2b, for journalisering) is the Word file converted by LibreOffice in a child
process with a time limit (``server.exports.pdf``); without LibreOffice it is a 503 that says so.

Authenticated by the session cookie, like the GraphQL API; a round the caller may not read —
or that does not exist — is a plain 404, so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from server import ids
from server.approvals import record, service
from server.exports import pdf
from server.http import not_found, request_caller, request_language, too_slow
from server.messages import Language, text
from server.store import Store
from server.workers import TooSlow

_MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


async def approval_record(request: Request) -> Response:
    extension = request.path_params["format"]
    round_id = ids.parse(request.path_params["round_id"], "ApprovalRound")
    if extension not in _MEDIA_TYPES or round_id is None:
        return not_found()
    store: Store = request.app.state.store
    caller = await request_caller(request)
    found = await service.approval_record(store, caller, round_id)
    if not isinstance(found, service.ApprovalRecord):
        return not_found()
    language = request_language(request)
    renderers: dict[str, Callable[[service.ApprovalRecord, Language], str | bytes]] = {
        "html": record.render_html,
        "docx": record.render_docx,
        "pdf": record.render_docx,  # converted below
        "md": record.render_markdown,
    }
    renderer = renderers[extension]
    disposition = "inline" if extension == "html" else "attachment"
    try:  # in a worker process, within its deadline (server/workers.py)
        body: str | bytes = await store.workers.run(renderer, found, language)
    except TooSlow:
        return too_slow(request)
    if extension == "pdf":
        # LibreOffice in a child process of its own, with its own time limit (server/exports/pdf.py).
        converted = await pdf.convert(body if isinstance(body, bytes) else body.encode())
        if converted is None:
            return PlainTextResponse(text("pdf_unavailable", language), status_code=503)
        body = converted
    return Response(
        body,
        media_type=_MEDIA_TYPES[extension],
        headers={
            "content-disposition": f'{disposition}; filename="{record.filename(found, extension)}"',
            "cache-control": "private, no-store",
        },
    )


routes: list[Route] = [
    Route("/exports/approval-rounds/{round_id}.{format}", approval_record, methods=["GET"]),
]
