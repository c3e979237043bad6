"""What plain HTTP endpoints (downloads) share with the GraphQL context: who is asking."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from server.accounts import service as accounts_service
from server.accounts.model import User
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


def request_language(connection: HTTPConnection) -> Language:
    return language_of(connection.headers.get("accept-language"), connection.cookies.get("lang"))
