"""What plain HTTP endpoints (downloads) share with the GraphQL context: who is asking."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, PlainTextResponse, Response

from server.accounts import service as accounts_service
from server.accounts.model import Actor, User
from server.caller import Caller
from server.clock import Clock
from server.messages import Language, language_of, text
from server.store import Store

SESSION_COOKIE = "udkast_session"


async def request_user(connection: HTTPConnection) -> User | None:
    """The active user of the request's session cookie, or None."""
    token = connection.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 128:
        return None
    state = connection.app.state
    store: Store = state.store
    clock: Clock = state.clock
    policy = accounts_service.SessionPolicy(state.settings)
    return await accounts_service.session_user(store.accounts, policy, token, clock.now())


async def request_caller(connection: HTTPConnection) -> Caller:
    """The request as the workflows see their caller: the session's actor, address and now."""
    user = await request_user(connection)
    client = connection.client.host if connection.client else None
    return Caller(Actor.of(user) if user else None, client, connection.app.state.clock.now())


def not_found() -> Response:
    """Every download's answer for what does not exist or may not be seen: ids reveal nothing."""
    return PlainTextResponse("Not found", status_code=404, headers={"cache-control": "no-store"})


def too_slow(connection: HTTPConnection) -> Response:
    """A download whose rendering passed its deadline (``server.workers``): a clear answer, not a hang."""
    message = text("work_too_slow", request_language(connection))
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "TOO_SLOW"}}]},
        status_code=503,
        headers={"cache-control": "no-store", "retry-after": "60"},
    )


def request_language(connection: HTTPConnection) -> Language:
    return language_of(connection.headers.get("accept-language"), connection.cookies.get("lang"))
