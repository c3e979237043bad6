"""create_app(): routes, middleware and the lifespan that opens the store.

The one AsyncMongoClient is opened in the lifespan and handed on through ``app.state``; no
module globals. Background tasks (the session sweeper, the closer of
approval rounds past their deadline, the mail sender) run while the app runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from pymongo.errors import PyMongoError
from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from server import db as dbmod
from server.api.context import Context
from server.api.schema import build_schema
from server.api.websocket import IdleClosingHandler
from server.approvals import service as approvals_service
from server.approvals.routes import routes as approval_routes
from server.clock import Clock, SystemClock
from server.consultations import service as consultations_service
from server.events import feed
from server.events.presence_feed import PresenceWatch
from server.events.routes import routes as event_routes
from server.exports.routes import routes as report_routes
from server.exports.snapshot import routes as snapshot_routes
from server.http import SESSION_COOKIE, request_language, request_user
from server.idempotency import IdempotentReplies, idempotency_key
from server.imports.docx import MAX_UPLOAD_BYTES
from server.imports.routes import routes as import_routes
from server.messages import text
from server.notifications.routes import routes as unsubscribe_routes
from server.notifications.sender import Sender
from server.responses import routes as response_routes
from server.settings import Settings
from server.store import Store, ensure_indexes
from server.workers import Workers

log = logging.getLogger("udkast")
FRONTEND = Path(__file__).resolve().parent.parent / "frontend" / "dist"
SWEEP_EVERY_SECONDS = 600
CLOSE_ROUNDS_EVERY_SECONDS = 30
UPLOAD_LIMIT = MAX_UPLOAD_BYTES + 1024
# The upload routes and their body limits; every other request stays within max_body_bytes.
UPLOADS = {"/imports/docx": UPLOAD_LIMIT, response_routes.LETTER_UPLOAD: response_routes.UPLOAD_LIMIT}
# What runs in the worker processes: the renderers of downloads and the Word importer.
WORKER_MODULES = (
    "server.exports.report",
    "server.exports.snapshot",
    "server.approvals.record",
    "server.imports.service",
    "server.drafting.merge",
    "server.drafting.diff",
)


def encode_response(data: object) -> bytes:
    """A GraphQL answer as JSON: orjson (UTF-8, ~30x faster than ``json.dumps`` on a document's
    150 KB outline), or the standard library for what orjson refuses (a lone surrogate, an
    integer beyond 64 bits), so every answer the standard encoder gave is still given."""
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(data, separators=(",", ":")).encode()


class UdkastGraphQL(GraphQL[Context, None]):
    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        # Strawberry's, encoded by encode_response; encode_json (the WebSocket's text frames) stays.
        response = Response(encode_response(response_data), media_type="application/json")
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        return response

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except RecursionError:
            # Nested too deeply for the parser: a bad request (400), like any other malformed JSON.
            raise json.JSONDecodeError("nested too deeply", "", 0) from None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            key = idempotency_key(scope) if scope["type"] == "http" and scope["method"] == "POST" else None
            if key is None:
                await super().__call__(scope, receive, send)
                return
            if not key:
                await _refuse(Request(scope), 400, "INVALID_INPUT", "idempotency_invalid")(scope, receive, send)
                return
            state = scope["app"].state
            replies = IdempotentReplies(state.store.db, state.settings.secret_key)
            language = request_language(Request(scope))
            await replies.run(super().__call__, scope, receive, send, key, state.clock, language)
        except PyMongoError:
            # The session lookup in get_context ran into a store outage: answer like a resolver would.
            if scope["type"] != "http":
                raise
            await _refuse(Request(scope), 503, "STORE_UNAVAILABLE", "store_unavailable")(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        state = request.app.state
        user = await request_user(request)
        return Context(
            request=request,
            response=response,
            store=state.store,
            follower=state.follower,
            presence=state.presence,
            settings=state.settings,
            clock=state.clock,
            user=user,
            session_token=request.cookies.get(SESSION_COOKIE) if user else None,
            language=request_language(request),
        )


class RequestGuard:
    """Body size limit, cross-origin refusal for cookie-authenticated writes, security headers."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.csp = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if request.method not in ("GET", "HEAD", "OPTIONS") and self._cross_origin(request):
            await _refuse(request, 403, "cross_origin")(scope, receive, send)
            return
        # Uploads may be larger (Word imports 20 MB, response letters 10 MB); other requests may not.
        limit = UPLOADS.get(scope["path"], self.settings.max_body_bytes)
        length = request.headers.get("content-length")

        def too_large() -> JSONResponse:
            return _refuse(request, 413, "too_large", "request_too_large", megabytes=-(-limit // 2**20))

        if length is not None and (not length.isdigit() or int(length) > limit):
            await too_large()(scope, receive, send)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        graphiql = self.settings.graphiql and scope["path"] == "/graphql"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"same-origin",
                    b"x-frame-options": b"DENY",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                }
                if not graphiql:
                    extra[b"content-security-policy"] = self.csp.encode()
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in extra.items() if k not in present)
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            await too_large()(scope, receive, send)

    def _cross_origin(self, request: Request) -> bool:
        if SESSION_COOKIE not in request.cookies:
            return False
        origin = request.headers.get("origin") or _origin_of(request.headers.get("referer"))
        if origin is None:
            return False  # not a browser: SameSite=Lax already keeps the cookie off cross-site posts
        own = {self.settings.public_url, f"{request.url.scheme}://{request.headers.get('host', '')}"}
        return origin.rstrip("/") not in own


class _TooLarge(Exception):
    pass


def _origin_of(referer: str | None) -> str | None:
    if not referer:
        return None
    parts = referer.split("/")
    return "/".join(parts[:3]) if len(parts) >= 3 else None


def _refuse(request: Request, status: int, code: str, key: str | None = None, **params: object) -> JSONResponse:
    """A refusal in the request's language, shaped like a GraphQL error of a request that never
    ran (so without ``data``)."""
    message = text(key or code, request_language(request), **params)
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    store: Store = request.app.state.store
    try:
        await asyncio.wait_for(store.db.command("ping"), timeout=3)
    except (PyMongoError, TimeoutError) as error:
        return JSONResponse({"status": "unavailable", "reason": f"store: {type(error).__name__}"}, status_code=503)
    return JSONResponse({"status": "ready"})


async def _sweep_sessions(store: Store, clock: Clock, secret_key: str) -> None:
    while True:
        await asyncio.sleep(SWEEP_EVERY_SECONDS)
        try:
            await store.accounts.sweep_expired(clock.now())
            await IdempotentReplies(store.db, secret_key).sweep(clock.now())
        except PyMongoError:
            log.warning("session sweep failed; will retry")


async def _close_due_rounds(store: Store, clock: Clock) -> None:
    """Close approval rounds and consultations at their deadline even when nobody reads them
    (reads close them too)."""
    while True:
        await asyncio.sleep(CLOSE_ROUNDS_EVERY_SECONDS)
        for what, close in (
            ("approval rounds", approvals_service.close_due_rounds),
            ("consultations", consultations_service.close_due_consultations),
        ):
            try:
                await close(store, clock.now())
            except PyMongoError:
                log.warning("closing due %s failed; will retry", what)
            except Exception:
                log.exception("closing due %s failed; will retry", what)


def _frontend_routes() -> list[Route | Mount]:
    if not (FRONTEND / "index.html").exists():
        return []

    async def index(request: Request) -> Response:
        return FileResponse(FRONTEND / "index.html", headers={"cache-control": "no-cache"})

    class _ImmutableFiles(StaticFiles):
        def file_response(self, *args: Any, **kwargs: Any) -> Response:
            response = super().file_response(*args, **kwargs)
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
            return response

    routes: list[Route | Mount] = []
    if (FRONTEND / "assets").exists():
        routes.append(Mount("/assets", app=_ImmutableFiles(directory=FRONTEND / "assets"), name="assets"))
    for extra in FRONTEND.iterdir():
        if extra.is_file() and extra.name != "index.html":
            routes.append(Route(f"/{extra.name}", lambda r, p=extra: FileResponse(p)))
    routes.append(Route("/{path:path}", index))
    return routes


def create_app(
    settings: Settings,
    *,
    mongodb_uri: str,
    clock: Clock | None = None,
    command_listeners: Sequence[CommandListener] = (),
) -> Starlette:
    clock = clock or SystemClock()
    handler = type("Handler", (IdleClosingHandler,), {"idle_seconds": settings.websocket_idle_seconds})
    graphql = UdkastGraphQL(
        build_schema(introspection=settings.introspection),
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        multipart_uploads_enabled=False,
        max_subscriptions_per_connection=20,
        allowed_origins=(settings.public_url,),
    )
    graphql.graphql_transport_ws_handler_class = handler

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = dbmod.connect(
            mongodb_uri,
            timeout_ms=settings.store_timeout_ms,
            listeners=command_listeners,
            max_connections=settings.store_pool_size,
        )
        database = client[settings.database]
        await ensure_indexes(database)
        # Rendering, Word in and out run in worker processes with a deadline (server/workers.py).
        workers = Workers(settings.worker_processes, settings.work_seconds, preload=WORKER_MODULES)
        await workers.start()
        app.state.store = Store.open(database, settings.secret_key, workers)
        # One follower of the event log for every subscriber of this process (server/events/feed.py).
        app.state.follower = feed.Hub(
            app.state.store.events, grace=dbmod.longest_operation_seconds(settings.store_timeout_ms) + 2
        )
        # One watch of who is on which document, for every presence subscriber of this process.
        app.state.presence = PresenceWatch(app.state.store.presence, clock)
        app.state.settings = settings
        app.state.clock = clock
        sweeper = asyncio.create_task(_sweep_sessions(app.state.store, clock, settings.secret_key))
        closer = asyncio.create_task(_close_due_rounds(app.state.store, clock))
        # Every process sends: a unique-insert claim per message makes one of them do it.
        app.state.sender = Sender(app.state.store, settings, clock)
        mailer = asyncio.create_task(app.state.sender.run())
        try:
            yield
        finally:
            sweeper.cancel()
            closer.cancel()
            mailer.cancel()
            workers.close()
            await client.close()

    routes: list[Route | Mount | WebSocketRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
    ]
    routes.extend(report_routes)
    routes.extend(event_routes)
    routes.extend(snapshot_routes)
    routes.extend(import_routes)
    routes.extend(approval_routes)
    routes.extend(unsubscribe_routes)
    routes.extend(response_routes.routes)
    # Downloads and other feature routes go above this line: the front end's catch-all comes last.
    routes.extend(_frontend_routes())
    return Starlette(
        routes=routes,
        middleware=[Middleware(RequestGuard, settings=settings)],
        lifespan=lifespan,
    )
