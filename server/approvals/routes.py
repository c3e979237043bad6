"""The approval record download: ``/exports/approval-rounds/{roundId}.html``, ``.md``, ``.docx`` or ``.pdf``.

The PDF (PDF/A-2b, for journalisering) is the Word file converted by LibreOffice in a child
process with a time limit (``server.exports.pdf``); without LibreOffice it is a 503 that says so.

Authenticated by the session cookie, like the GraphQL API; a round the caller may not read —
or that does not exist — is a plain 404, so ids reveal nothing.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids, web
from server.approvals import record, service
from server.http import request_caller, request_language
from server.store import Store

RENDERERS: dict[str, web.Renderer] = {
    "html": record.render_html,
    "md": record.render_markdown,
    "docx": record.render_docx,
    "pdf": record.render_docx,  # converted by LibreOffice (server.web.render)
}


async def approval_record(request: Request) -> Response:
    extension = web.requested_format(request, RENDERERS)
    round_id = ids.parse(request.path_params["round_id"], "ApprovalRound")
    if extension is None or round_id is None:
        return web.not_found()
    store: Store = request.app.state.store
    found = await service.approval_record(store, await request_caller(request), round_id)
    if not isinstance(found, service.ApprovalRecord):
        return web.not_found()
    return await web.render(request, extension, record.filename(found), RENDERERS, found, request_language(request))


routes: list[Route] = [
    Route("/exports/approval-rounds/{round_id}.{format}", approval_record, methods=["GET"]),
]
