"""What the tests share: a test clock, a running app on a real socket, a GraphQL client."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

from bench.serve import IN_REQUEST, counting_requests
from server import db as dbmod
from server.app import create_app
from server.seed import seed
from server.settings import Settings
from server.store import Store, ensure_indexes

DEMO_PASSWORD = "udkast-test-demo"
SECRETARIAT = "sekretariat@sundhedsdata.example"
SDS = "styregruppe@sundhedsdata.example"
KL = "styregruppe@kl.example"
REGIONS = "styregruppe@regioner.example"
SUM = "styregruppe@sum.example"
KL_COMMENTER = "kommentar@kl.example"
REGIONS_COMMENTER = "kommentar@regioner.example"
PLO_COMMENTER = "kommentar@plo.example"


class ManualClock:
    """A clock the tests move by hand, so deadline logic is tested without sleeping."""

    def __init__(self) -> None:
        moment = datetime.now(UTC)
        self._now = moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningApp:
    url: str
    settings: Settings
    clock: ManualClock
    server: uvicorn.Server
    thread: threading.Thread
    counter: CommandCounter | None = None

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


class CommandCounter(CommandListener):
    """Counts the store round trips the app makes (pymongo command monitoring).

    It also keeps one example of every query shape the app sends (``shapes``: the collection and
    the filter with its values left out → the command and a filter of that shape), for the
    index-use test (tests/store/test_index_use.py).
    """

    def __init__(self) -> None:
        self.commands: list[str] = []
        self.targets: list[str] = []  # "find comments": the command and the collection it names
        # The same, for the commands sent while serving a request (the app's background work apart).
        self.request_targets: list[str] = []
        self.shapes: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.returned: dict[str, int] = {}  # collection → documents the store returned (find, getMore)

    def started(self, event: CommandStartedEvent) -> None:
        self.commands.append(event.command_name)
        target = event.command.get(event.command_name)
        self.targets.append(f"{event.command_name} {target}" if isinstance(target, str) else event.command_name)
        if IN_REQUEST.get():
            self.request_targets.append(self.targets[-1])
        if isinstance(target, str):
            for query in _filters(event.command_name, event.command):
                self.shapes.setdefault((target, query_shape(query)), (event.command_name, query))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        cursor = event.reply.get("cursor")
        if isinstance(cursor, dict) and isinstance(cursor.get("ns"), str):
            batch = cursor.get("firstBatch", cursor.get("nextBatch", []))
            collection = cursor["ns"].split(".", 1)[-1]
            self.returned[collection] = self.returned.get(collection, 0) + len(batch)

    def failed(self, event: CommandFailedEvent) -> None:
        pass


def _filters(name: str, command: Any) -> list[dict[str, Any]]:
    """The filters a store command selects its documents with (those FerretDB can push down)."""
    match name:
        case "find":
            return [dict(command.get("filter") or {})]
        case "count" | "distinct" | "findAndModify":
            return [dict(command.get("query") or {})]
        case "update":
            return [dict(u["q"]) for u in command.get("updates", [])]
        case "delete":
            return [dict(d["q"]) for d in command.get("deletes", [])]
        case "aggregate":
            stages = command.get("pipeline") or [{}]
            return [dict(stages[0].get("$match") or {})]
    return []


def query_shape(query: Any) -> str:
    """A filter with its values left out: ``{document_id: ?, status: {$in: [?]}}``."""
    if isinstance(query, dict):
        return "{" + ", ".join(f"{key}: {query_shape(value)}" for key, value in query.items()) + "}"
    if isinstance(query, list):
        return "[" + ", ".join(sorted({query_shape(value) for value in query})) + "]"
    return "?"


def start_app(
    settings: Settings,
    mongodb_uri: str,
    clock: ManualClock,
    *,
    load_seed: bool,
    counter: CommandCounter | None = None,
) -> RunningApp:
    """Serve the real app with uvicorn on a free loopback port, in a thread with its own loop."""
    port = free_port()
    settings = Settings(**{**settings.__dict__, "port": port, "public_url": f"http://127.0.0.1:{port}"})
    config = uvicorn.Config(
        counting_requests(
            create_app(settings, mongodb_uri=mongodb_uri, clock=clock, command_listeners=[counter] if counter else ())
        ),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)

    def run() -> None:
        async def main() -> None:
            if load_seed:
                client = dbmod.connect(mongodb_uri)
                database = client[settings.database]
                await ensure_indexes(database)
                await seed(
                    Store.open(database, settings.secret_key),
                    clock.now(),
                    demo=True,
                    demo_password=settings.demo_password,
                )
                await client.close()
            await server.serve()

        asyncio.run(main())

    thread = threading.Thread(target=run, name="udkast-app", daemon=True)
    thread.start()
    deadline = datetime.now(UTC) + timedelta(seconds=60)
    while not server.started:
        if not thread.is_alive() or datetime.now(UTC) > deadline:
            raise RuntimeError("the app did not start")
        threading.Event().wait(0.05)
    return RunningApp(f"http://127.0.0.1:{port}", settings, clock, server, thread, counter)


class GraphQLError(AssertionError):
    pass


@dataclass
class Api:
    """A GraphQL client over HTTP with its own cookie jar (one per simulated user)."""

    url: str
    http: httpx.AsyncClient = field(init=False)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.http = httpx.AsyncClient(base_url=self.url, timeout=30, headers=self.headers)

    async def raw(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a query that must succeed without GraphQL errors."""
        response = await self.raw(query, variables)
        payload = response.json()
        if response.status_code != 200 or payload.get("errors"):
            raise GraphQLError(f"{response.status_code}: {payload}")
        return payload["data"]  # type: ignore[no-any-return]

    async def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
        data = await self.execute(
            """mutation($email: String!, $password: String!) {
                signIn(email: $email, password: $password) {
                  __typename ... on SignedIn { user { id name roles organization { id slug } } }
                  ... on UserError { message }
                }
            }""",
            {"email": email, "password": password},
        )
        result = data["signIn"]
        if result["__typename"] != "SignedIn":
            raise GraphQLError(f"sign-in as {email} failed: {result}")
        return result["user"]  # type: ignore[no-any-return]

    async def close(self) -> None:
        await self.http.aclose()


SUBMISSION_PREVIEW = "query($id: ID!) { document(id: $id) { submissionPreview { count } } }"


async def drafts_to_send(api: Api, document_id: str) -> int:
    """How many comments submitting the caller's organisation's drafts would send now (the preview's
    count, which ``submitOrganisationComments`` takes as its confirmation)."""
    data = await api.execute(SUBMISSION_PREVIEW, {"id": document_id})
    preview = data["document"]["submissionPreview"] if data["document"] else None
    return int(preview["count"]) if preview else 0
