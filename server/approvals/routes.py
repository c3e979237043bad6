"""The approval record download: ``/exports/approval-rounds/{roundId}.html``, ``.md`` or ``.docx``.

Authenticated by the session cookie, like the GraphQL API; a round the caller may not read —
or that does not exist — is a plain 404, so ids reveal nothing.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids
from server.approvals import record, service
from server.http import not_found, request_caller, request_language
from server.store import Store

_MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
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
    body: str | bytes
    if extension == "html":
        body, disposition = record.render_html(found, language), "inline"
    elif extension == "docx":
        body, disposition = record.render_docx(found, language), "attachment"
    else:
        body, disposition = record.render_markdown(found, language), "attachment"
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
