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
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from server.http import request_language
from server.messages import Language, text
from server.notifications import service
from server.notifications.model import Delivery
from server.store import Store

_MAX_TOKEN = 1000
T = TypeVar("T")


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


def _kind(found: service.Unsubscription, language: Language) -> str:
    return text(f"notification_kind_{found.kind.value}", language)


def _done(found: service.Unsubscription) -> HTMLResponse:
    """The page that says this kind of message no longer goes to the address."""
    language = _language(found)
    said = text("unsubscribe_done", language, kind=_kind(found, language), email=found.user.email)
    return _page(language, f"<p>{html.escape(said)}</p>\n{_preferences(language)}")


async def _with_token(request: Request, action: Callable[[Store, str, str, datetime], Awaitable[T]]) -> T | None:
    """What ``action`` answers for the link's token; None for a token too long to be one."""
    token = request.path_params["token"]
    if len(token) > _MAX_TOKEN:
        return None
    state = request.app.state
    return await action(state.store, state.settings.secret_key, token, state.clock.now())


async def unsubscribe_page(request: Request) -> Response:
    found = await _with_token(request, service.unsubscription)
    if found is None:
        return _invalid(request)
    if found.delivery == Delivery.OFF:
        return _done(found)
    language = _language(found)
    question = text("unsubscribe_question", language, kind=_kind(found, language), email=found.user.email)
    return _page(
        language,
        f"<p>{html.escape(question)}</p>\n"
        '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{html.escape(text("unsubscribe_button", language))}</button></form>\n'
        + _preferences(language),
    )


async def unsubscribe(request: Request) -> Response:
    done = await _with_token(request, service.unsubscribe)
    return _done(done) if isinstance(done, service.Unsubscription) else _invalid(request)


routes: list[Route] = [
    Route("/unsubscribe/{token}", unsubscribe_page, methods=["GET"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["POST"]),
]
