"""The consultation report downloads: ``.html``, ``.md``, ``.docx`` and ``.pdf`` of
``/exports/consultations/{consultationId}`` and of ``/exports/consultation-reports/{snapshotId}``
(the newest consultation on that snapshot).

Authenticated by the session cookie, with the same permission rules as the report in the API;
formats, file names, the PDF (PDF/A-2b, the Word file converted by LibreOffice) and the 404 for
what may not be seen are ``server.web``'s. ``?names=1`` names the person behind each entry
besides the organisation (the secretariat's choice; a reader of the report may see them anyway).
"""

from __future__ import annotations

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids, web
from server.consultations import report as compiled
from server.exports import report
from server.http import request_caller, request_language
from server.store import Store

REPORT_RENDERERS: dict[str, web.Renderer] = {
    "html": report.render_html,
    "md": report.render_markdown,
    "docx": report.render_docx,
    "pdf": report.render_docx,  # converted by LibreOffice (server.web.render)
}


async def _report(
    request: Request, *, snapshot_id: ObjectId | None = None, consultation_id: ObjectId | None = None
) -> Response:
    extension = web.requested_format(request, REPORT_RENDERERS)
    if extension is None or (snapshot_id is None and consultation_id is None):
        return web.not_found()  # a malformed id
    store: Store = request.app.state.store
    with_names = request.query_params.get("names") in {"1", "true"}
    found = await compiled.consultation_report(
        store,
        await request_caller(request),
        snapshot_id=snapshot_id,
        consultation_id=consultation_id,
        with_names=with_names,
    )
    if not isinstance(found, compiled.ConsultationReport):
        return web.not_found()
    language = request_language(request)
    return await web.render(request, extension, report.filename(found), REPORT_RENDERERS, found, language)


async def snapshot_report(request: Request) -> Response:
    return await _report(request, snapshot_id=ids.parse(request.path_params["snapshot_id"], "Snapshot"))


async def consultation_report(request: Request) -> Response:
    consultation_id = ids.parse(request.path_params["consultation_id"], "Consultation")
    return await _report(request, consultation_id=consultation_id)


routes: list[Route] = [
    Route("/exports/consultation-reports/{snapshot_id}.{format}", snapshot_report, methods=["GET"]),
    Route("/exports/consultations/{consultation_id}.{format}", consultation_report, methods=["GET"]),
]
