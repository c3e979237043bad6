"""One-click unsubscribe: ``/unsubscribe/{token}``, the link (and ``List-Unsubscribe`` header) of
every message that may be turned off.

``GET`` only shows a page asking to confirm, so a mail scanner that follows links changes nothing;
``POST`` — the page's button, or a mail client's one-click ``List-Unsubscribe=One-Click`` (RFC
8058) — turns the token's kind off for the token's user, without signing in. A tampered or expired
token gets a clear page and changes nothing. The pages are in the user's chosen language (Danish
unless they chose English); a bad link's page in the request's.
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from server.http import request_language
from server.messages import Language, text
from server.notifications import service
from server.notifications.model import Delivery

_MAX_TOKEN = 1000


def _page(language: Language, body: str, status: int = 200) -> HTMLResponse:
    title = html.escape(text("unsubscribe_title", language))
    return HTMLResponse(
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} – Udkast</title>'
        "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;"
        "line-height:1.5}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style></head>"
        f"<body><main><h1>{title}</h1>\n{body}</main></body></html>\n",
        status_code=status,
        headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
    )


def _preferences(language: Language) -> str:
    return f'<p><a href="/notifications">{html.escape(text("unsubscribe_preferences", language))}</a></p>\n'


def _invalid(request: Request) -> HTMLResponse:
    language = request_language(request)
    return _page(language, f"<p>{html.escape(text('unsubscribe_invalid', language))}</p>\n", status=400)


def _language(found: service.Unsubscription) -> Language:
    return "en" if found.language == "en" else "da"


async def unsubscribe_page(request: Request) -> Response:
    token = request.path_params["token"]
    state = request.app.state
    if len(token) > _MAX_TOKEN:
        return _invalid(request)
    found = await service.unsubscription(state.store, state.settings.secret_key, token, state.clock.now())
    if found is None:
        return _invalid(request)
    language = _language(found)
    kind = text(f"notification_kind_{found.kind.value}", language)
    if found.delivery == Delivery.OFF:
        done = text("unsubscribe_done", language, kind=kind, email=found.user.email)
        return _page(language, f"<p>{html.escape(done)}</p>\n{_preferences(language)}")
    question = text("unsubscribe_question", language, kind=kind, email=found.user.email)
    return _page(
        language,
        f"<p>{html.escape(question)}</p>\n"
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{html.escape(text("unsubscribe_button", language))}</button></form>\n'
        + _preferences(language),
    )


async def unsubscribe(request: Request) -> Response:
    token = request.path_params["token"]
    state = request.app.state
    if len(token) > _MAX_TOKEN:
        return _invalid(request)
    done = await service.unsubscribe(state.store, state.settings.secret_key, token, state.clock.now())
    if not isinstance(done, service.Unsubscription):
        return _invalid(request)
    language = _language(done)
    kind = text(f"notification_kind_{done.kind.value}", language)
    said = text("unsubscribe_done", language, kind=kind, email=done.user.email)
    return _page(language, f"<p>{html.escape(said)}</p>\n{_preferences(language)}")


routes: list[Route] = [
    Route("/unsubscribe/{token}", unsubscribe_page, methods=["GET"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["POST"]),
]
