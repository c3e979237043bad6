"""The response letter over plain HTTP, as Word import uploads: the raw bytes as the request body.

``POST /responses/letter?consultationId=…&filename=…`` attaches the caller's organisation's letter
(PDF or Word, at most 10 MB) to its response in the making; ``GET /responses/letters/{id}``
downloads a letter for whoever may see it (``service.letter_file``) — a 404 for everyone else.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import ids, web
from server.http import request_caller, request_language
from server.messages import text
from server.responses import model, service
from server.responses.model import ResponseDraft

LETTER_UPLOAD = "/responses/letter"
# The body is read up to a little past the limit, so a larger file is told so in words.
UPLOAD_LIMIT = model.MAX_LETTER_BYTES + 1024 * 1024


async def upload(request: Request) -> Response:
    language = request_language(request)
    caller = await request_caller(request)
    if caller.actor is None:
        return web.error(401, "NOT_SIGNED_IN", text("not_signed_in", language))
    body = await request.body()
    result = await service.attach_letter(
        request.app.state.store,
        caller,
        ids.parse(request.query_params.get("consultationId"), "Consultation"),
        request.query_params.get("filename", ""),
        body,
    )
    if not isinstance(result, ResponseDraft):
        return web.refused(result, language)
    letter = result.letter
    assert letter is not None
    return JSONResponse(
        {
            "letter": {
                "id": ids.encode("ResponseLetter", letter.file_id),
                "filename": letter.filename,
                "size": letter.size,
                "mediaType": letter.media_type,
                "url": service.letter_url(letter),
            }
        }
    )


async def download(request: Request) -> Response:
    found = await service.letter_file(
        request.app.state.store,
        await request_caller(request),
        ids.parse(request.path_params["letter_id"], "ResponseLetter"),
    )
    if found is None:
        return web.not_found()
    letter, data = found
    extension = model.EXTENSIONS[letter.type]
    stem = letter.filename[: -len(extension) - 1]
    return Response(
        data,
        media_type=letter.media_type,
        headers={
            "content-disposition": web.content_disposition(stem, extension),
            "cache-control": "private, no-store",
        },
    )


routes = [
    Route(LETTER_UPLOAD, upload, methods=["POST"]),
    Route("/responses/letters/{letter_id}", download, methods=["GET"]),
]
