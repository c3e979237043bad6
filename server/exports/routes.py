"""Download endpoints under ``/exports/``, with the same permission rules as the data they show.

A download is authenticated by the same session cookie as the GraphQL API. Anything the caller
may not read — or that does not exist — is a plain 404, so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids
from server.comments import service as comments_service
from server.exports import report
from server.http import not_found, request_caller, request_language, too_slow
from server.messages import Language
from server.store import Store
from server.workers import TooSlow

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
    renderers: dict[str, Callable[[comments_service.ConsultationReport, Mapping[ObjectId, str], Language], str | bytes]]
    renderers = {"html": report.render_html, "docx": report.render_docx, "md": report.render_markdown}
    renderer = renderers[extension]
    disposition = "inline" if extension == "html" else "attachment"
    try:  # in a worker process, within its deadline: a large report never stalls other requests
        body: str | bytes = await store.workers.run(renderer, found, authors, language)
    except TooSlow:
        return too_slow(request)
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
