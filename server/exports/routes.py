"""Download endpoints under ``/exports/``, with the same permission rules as the data they show.

A download is authenticated by the same session cookie as the GraphQL API. Anything the caller
may not read — or that does not exist — is a plain 404, so ids reveal nothing.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids
from server.comments import service as comments_service
from server.exports import report
from server.http import not_found, request_caller, request_language
from server.store import Store

_MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


async def consultation_report(request: Request) -> Response:
    extension = request.path_params["format"]
    snapshot_id = ids.parse(request.path_params["snapshot_id"], "Snapshot")
    if extension not in _MEDIA_TYPES or snapshot_id is None:
        return not_found()
    store: Store = request.app.state.store
    found = await comments_service.consultation_report(store, await request_caller(request), snapshot_id)
    if not isinstance(found, comments_service.ConsultationReport):
        return not_found()
    author_ids = {c.author_id for s in found.report.sections for g in s.organizations for c in g.comments}
    authors = {uid: user.name for uid, user in (await store.accounts.users_by_ids(author_ids)).items()}
    language = request_language(request)
    body: str | bytes
    if extension == "html":
        body = report.render_html(found, authors, language)
        disposition = "inline"
    elif extension == "docx":
        body = report.render_docx(found, authors, language)
        disposition = "attachment"
    else:
        body = report.render_markdown(found, authors, language)
        disposition = "attachment"
    return Response(
        body,
        media_type=_MEDIA_TYPES[extension],
        headers={
            "content-disposition": f'{disposition}; filename="{report.filename(found, extension)}"',
            "cache-control": "private, no-store",
        },
    )


routes: list[Route] = [
    Route("/exports/consultation-reports/{snapshot_id}.{format}", consultation_report, methods=["GET"]),
]
