"""POST /imports/docx: upload a Word file (the raw bytes as the request body).

Without ``documentId`` it creates a new document; with it, the file's sections become new
versions of the document's sections with the same titles (new sections for the rest). The
answer lists what was created, updated and could not be carried over.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import ids, web
from server.accounts.model import Actor
from server.caller import Caller
from server.http import request_language, request_user
from server.imports import service
from server.imports.docx import MAX_UPLOAD_BYTES
from server.messages import text


async def upload(request: Request) -> Response:
    language = request_language(request)
    user = await request_user(request)
    if user is None:
        return web.error(401, "NOT_SIGNED_IN", text("not_signed_in", language))
    body = await request.body()
    if len(body) > MAX_UPLOAD_BYTES:
        return web.error(413, "TOO_LARGE", text("docx_too_large", language))
    caller = Caller(Actor.of(user), request.client.host if request.client else None, request.app.state.clock.now())
    store = request.app.state.store
    document_id = request.query_params.get("documentId")
    if document_id:
        result = await service.import_into_document(
            store, caller, ids.parse(document_id, "Document"), body, language=language
        )
    else:
        title = request.query_params.get("title") or None
        result = await service.import_new_document(store, caller, body, title=title, language=language)
    if not isinstance(result, service.ImportReport):
        return web.refused(result, language)
    return JSONResponse(
        {
            "document": {
                "id": ids.encode("Document", result.document.id),
                "slug": result.document.slug,
                "title": result.document.title,
            },
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "conflicts": result.conflicts,
            "losses": result.losses,
        }
    )


routes = [Route("/imports/docx", upload, methods=["POST"])]
