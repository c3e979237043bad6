"""Serve the app (or the floor) for the benchmark in a process of its own.

    python -m bench.serve app|floor --uri URI --database DB --port PORT [--profile-dir DIR]

Each runs under uvicorn on loopback, with a pymongo ``CommandListener`` on its client. Two extra
paths, answered before the app sees the request, let the load driver count store round trips:
``/__bench/reset`` and ``/__bench/commands`` — the commands that requests sent, not those of the
app's background work (the mail sender, deadline closers, the event follower), which would
otherwise be counted into whichever request they coincide with; ``/__bench/commands?all=1``
counts every command the process sent (the store's work while nobody asks). A request carrying
``x-bench-profile: NAME`` is profiled with pyinstrument and written to ``DIR/NAME.txt``;
``/__bench/profile/start`` and ``/__bench/profile/stop?name=…`` profile the whole event loop while
the driver applies load.
The load driver runs in another process, so the app has the interpreter to itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import uvicorn
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.generate import PASSWORD, SECRET_KEY

READY = "bench ready"


# Set while the app answers a request: pymongo calls the listener in the task that sends the
# command, so a command sent on behalf of a request sees it (tasks a request starts inherit it).
IN_REQUEST: contextvars.ContextVar[bool] = contextvars.ContextVar("in_request", default=False)


def counting_requests(app: ASGIApp) -> ASGIApp:
    """The app, marking the store commands each HTTP request sends (and what it starts) as the
    request's (``IN_REQUEST``) — the lifespan is not marked, so the background work it starts stays apart.
    The benchmark's probe and the test suite's round-trip counts both rest on it."""

    async def marked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            IN_REQUEST.set(True)
        await app(scope, receive, send)

    return marked


class CommandCounter(CommandListener):
    """Store round trips by command and collection since the last reset: those sent for requests,
    and all of them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.commands: Counter[str] = Counter()
        self.everything: Counter[str] = Counter()

    def started(self, event: CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        name = f"{event.command_name} {target}" if isinstance(target, str) else event.command_name
        with self.lock:
            self.everything[name] += 1
            if IN_REQUEST.get():
                self.commands[name] += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def take(self, *, everything: bool = False) -> dict[str, int]:
        with self.lock:
            found = dict(self.everything if everything else self.commands)
            self.commands.clear()
            self.everything.clear()
        return found


async def _json(send: Send, payload: Any, status: int = 200) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Instrumented:
    """The served app, plus the benchmark's counting and profiling paths."""

    def __init__(self, app: ASGIApp, counter: CommandCounter, profile_dir: Path | None) -> None:
        self.app = counting_requests(app)
        self.counter = counter
        self.profile_dir = profile_dir
        self.loop_profiler: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/__bench/"):
            await self._bench(scope, send)
            return
        name = None
        if scope["type"] == "http" and self.profile_dir is not None:
            name = dict(scope["headers"]).get(b"x-bench-profile", b"").decode() or None
        if name is None:
            await self.app(scope, receive, send)
            return
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="enabled")
        profiler.start()
        try:
            await self.app(scope, receive, send)
        finally:
            profiler.stop()
            self._write(name, profiler)

    def _write(self, name: str, profiler: Any) -> None:
        assert self.profile_dir is not None
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        tree = profiler.output_text(unicode=True, color=False)
        flat = profiler.output_text(unicode=True, color=False, flat=True)
        (self.profile_dir / f"{safe}.txt").write_text(f"{tree}\n\nBy function (self time):\n{flat}")

    async def _bench(self, scope: Scope, send: Send) -> None:
        path = scope["path"]
        if path == "/__bench/reset":
            self.counter.take()
            await _json(send, {"ok": True})
        elif path == "/__bench/commands":
            await _json(send, self.counter.take(everything=b"all=1" in scope["query_string"]))
        elif path == "/__bench/profile/start" and self.profile_dir is not None:
            from pyinstrument import Profiler

            # Not async-aware: samples whatever the event loop's thread runs, across all requests.
            self.loop_profiler = Profiler(interval=0.001, async_mode="disabled")
            self.loop_profiler.start()
            await _json(send, {"ok": True})
        elif path == "/__bench/profile/stop" and self.loop_profiler is not None:
            query = dict(p.split("=", 1) for p in scope["query_string"].decode().split("&") if "=" in p)
            self.loop_profiler.stop()
            self._write(query.get("name", "loop"), self.loop_profiler)
            self.loop_profiler = None
            await _json(send, {"ok": True})
        else:
            await _json(send, {"error": "unknown"}, 404)


def build(mode: str, uri: str, database: str, port: int, counter: CommandCounter, embedded: bool) -> ASGIApp:
    from server.settings import Settings

    # As `make run` has it: no MONGODB_URI means the embedded store, and its connection limit
    # (STORE_CONNECTIONS overrides it, as it does for the app: for trials of the limit).
    pool = os.environ.get("STORE_CONNECTIONS")
    connections = int(pool) if pool else Settings(mongodb_uri=None if embedded else uri).store_pool_size
    if mode == "floor":
        from bench.floor import create_floor

        return create_floor(uri, database, SECRET_KEY, listeners=[counter], max_connections=connections)
    from server.app import create_app

    settings = Settings(
        mongodb_uri=None if embedded else uri,
        database=database,
        port=port,
        public_url=f"http://127.0.0.1:{port}",
        secret_key=SECRET_KEY,
        demo_password=PASSWORD,
        # Sign-in is benchmarked with correct passwords only; these limits count failures.
        signin_account_limit=5,
        signin_address_limit=30,
        store_connections=connections,
    )
    return create_app(settings, mongodb_uri=uri, command_listeners=[counter])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("mode", choices=["app", "floor"])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--profile-dir", type=Path)
    parser.add_argument("--embedded", action="store_true", help="the store is the embedded one")
    args = parser.parse_args(argv)
    counter = CommandCounter()
    built = build(args.mode, args.uri, args.database, args.port, counter, args.embedded)
    app = Instrumented(built, counter, args.profile_dir)
    # As `make run` serves (uvicorn.run): uvloop and httptools when installed, no access log.
    config = uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.05)
        print(f"{READY} {args.port}", flush=True)
        await task

    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
