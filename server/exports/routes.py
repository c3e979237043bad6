"""The consultation report download: ``/exports/consultation-reports/{snapshotId}.html``, ``.md`` or ``.docx``.

Authenticated by the session cookie, with the same permission rules as the report in the API;
formats, file names and the 404 for what may not be seen are ``server.web``'s.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids, web
from server.comments import service as comments_service
from server.exports import report
from server.http import request_caller, request_language
from server.store import Store

REPORT_RENDERERS: dict[str, web.Renderer] = {
    "html": report.render_html,
    "md": report.render_markdown,
    "docx": report.render_docx,
}


async def consultation_report(request: Request) -> Response:
    extension = web.requested_format(request, REPORT_RENDERERS)
    snapshot_id = ids.parse(request.path_params["snapshot_id"], "Snapshot")
    if extension is None or snapshot_id is None:
        return web.not_found()
    store: Store = request.app.state.store
    found = await comments_service.consultation_report(store, await request_caller(request), snapshot_id)
    if not isinstance(found, comments_service.ConsultationReport):
        return web.not_found()
    author_ids = {c.author_id for s in found.report.sections for g in s.organizations for c in g.comments}
    authors = {uid: user.name for uid, user in (await store.accounts.users_by_ids(author_ids)).items()}
    language = request_language(request)
    return await web.render(request, extension, report.filename(found), REPORT_RENDERERS, found, authors, language)


routes: list[Route] = [
    Route("/exports/consultation-reports/{snapshot_id}.{format}", consultation_report, methods=["GET"]),
]
