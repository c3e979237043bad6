"""What plain HTTP endpoints share with the GraphQL context: who is asking, in which language.

The answers of downloads and uploads (formats, file names, refusals) are in ``server.web``.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from server.accounts import service as accounts_service
from server.accounts.model import Actor, User
from server.caller import Caller
from server.clock import Clock
from server.messages import Language, language_of
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


def request_language(connection: HTTPConnection) -> Language:
    return language_of(connection.headers.get("accept-language"), connection.cookies.get("lang"))
