"""``make bench``: how fast Udkast is, how it grows, and against what floor.

    python -m bench.run            # the full run (about 10–15 minutes on 2 cores)
    python -m bench.run --quick    # a small dataset and few requests (under 3 minutes)
    python -m bench.run --profile  # also profile one request of each read with pyinstrument

1. Builds the dataset (``bench/generate.py``) into a fresh embedded store in ``var/bench/run``,
   or into the database ``udkast_bench`` of ``MONGODB_URI`` when that is set.
2. Starts the app and the floor (``bench/serve.py``, ``bench/floor.py``) in processes of their
   own on loopback ports, and drives them over HTTP with 1, 8 and 32 concurrent clients: each
   cell stops starting requests after a bounded number or time. Reads run side by side with their
   floor; every operation's store round trips are counted for one request on its own.
3. Growth: the document view and the comments panel on documents whose sections have
   10 / 100 / 1,000 comments and 1 / 50 / 500 versions, each in a database of its own.
4. Writes ``bench/results/latest.json`` and ``latest.md`` (``--output NAME`` for another name).

Nothing here asserts on time: it reports figures and ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pymongo
import websockets
from bson import ObjectId

from bench import generate, report
from bench.client import Client, ClientError, Reply
from bench.generate import PASSWORD, Sizes
from bench.ops import SECTIONS_FOR_EDITING, Op, comment_op, decision_op, read_ops, save_op, sign_in_op
from bench.serve import READY
from server import db as dbmod
from server import docstore, ids

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
SESSION_COOKIE = "udkast_session"
LEVELS = (1, 8, 32)
GROWTH_COMMENTS = (10, 100, 1000)
GROWTH_VERSIONS = (1, 50, 500)
GROWTH_SECTIONS = (10, 100, 400)

READERS = [
    "sekretariat@sundhedsdata.example",
    "styregruppe@kl.example",
    "kommentar@kl.example",
    "styregruppe@regioner.example",
    "kommentar@regioner.example",
    "styregruppe@sum.example",
    "kommentar@plo.example",
    "styregruppe@sundhedsdata.example",
]
EDITORS = READERS[0:1] + [e for e in READERS if e.startswith("styregruppe@")]
COMMENTERS = [e for e in READERS if e.startswith("kommentar@")]


@dataclass(frozen=True)
class Plan:
    quick: bool
    sizes: Sizes
    seconds: float  # per cell: no new requests after this
    requests: int  # per cell: at most this many
    warmup: int
    growth_sections: int
    growth_requests: int
    growth_seconds: float

    @classmethod
    def of(cls, quick: bool) -> Plan:
        if quick:
            return cls(True, Sizes.quick(), 1.0, 12, 1, 2, 2, 1.0)
        return cls(False, Sizes(), 6.0, 300, 2, 4, 10, 6.0)


# Processes


class Served:
    """``bench.serve`` in a child process that dies with us; ``ready()`` waits until it listens."""

    def __init__(self, mode: str, uri: str, database: str, profile_dir: Path | None, embedded: bool) -> None:
        from server.docstore import _die_with_parent

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.mode = mode
        command = [sys.executable, "-m", "bench.serve", mode, "--uri", uri, "--database", database]
        command += ["--port", str(self.port)]
        if embedded:
            command += ["--embedded"]
        if profile_dir is not None:
            command += ["--profile-dir", str(profile_dir)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, text=True, preexec_fn=_die_with_parent
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def ready(self, timeout: float = 120) -> Served:
        assert self.process.stdout is not None
        stdout = self.process.stdout
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not line or not line[0].startswith(READY):
            self.stop()
            raise RuntimeError(f"bench.serve {self.mode} did not start")
        return self

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


# Measuring


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(latencies: list[float], errors: int, wall: float, samples: list[str]) -> dict[str, Any]:
    return {
        "requests": len(latencies) + errors,
        "errors": errors,
        "throughput": round(len(latencies) / wall, 2) if wall > 0 else 0.0,
        "p50": round(percentile(latencies, 50), 1),
        "p95": round(percentile(latencies, 95), 1),
        "p99": round(percentile(latencies, 99), 1),
        "seconds": round(wall, 2),
        **({"error_samples": samples[:3]} if samples else {}),
    }


async def cell(
    clients: list[Client],
    send: Any,
    judge: Any,
    *,
    requests: int,
    seconds: float,
) -> dict[str, Any]:
    """Run ``len(clients)`` clients until ``requests`` have started or ``seconds`` have passed."""
    latencies: list[float] = []
    samples: list[str] = []
    errors = 0
    started = 0
    begin = time.perf_counter()
    deadline = begin + seconds

    async def worker(i: int) -> None:
        nonlocal started, errors
        n = 0
        while started < requests and (n == 0 or time.perf_counter() < deadline):
            # Every client starts at once; a small request budget can end a cell before all have.
            started += 1
            n += 1
            t0 = time.perf_counter()
            try:
                response = await send(clients[i], i, started)
                problem = judge(i, response)
            except ClientError as error:
                problem = str(error)
            elapsed = (time.perf_counter() - t0) * 1000
            if problem:
                errors += 1
                samples.append(problem[:300])
            else:
                latencies.append(elapsed)

    await asyncio.gather(*(worker(i) for i in range(len(clients))))
    return summary(latencies, errors, time.perf_counter() - begin, samples)


def graphql_sender(op: Op) -> tuple[Any, Any]:
    async def send(client: Client, i: int, n: int) -> Reply:
        query, variables = op.request(i, n)
        if op.role == "anonymous":
            client.cookies.clear()  # each sign-in starts without a session, like a new browser
        return await client.post("/graphql", json={"query": query, "variables": variables})

    def judge(i: int, response: Reply) -> str | None:
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.text[:200]}"
        payload = response.json()  # the whole answer, parsed (orjson), as for the floor
        if payload.get("errors"):
            return f"errors: {payload['errors'][0].get('message')}"
        problem = op.check(payload["data"])
        if problem is None and op.after is not None:
            op.after(i, payload["data"])
        return problem

    return send, judge


def floor_sender(op: Op) -> tuple[Any, Any]:
    assert op.floor is not None
    path_of = op.floor

    async def send(client: Client, i: int, n: int) -> Reply:
        return await client.get(path_of(i))

    def judge(i: int, response: Reply) -> str | None:
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.text[:200]}"
        response.json()  # the whole answer, parsed, as the app's are
        return None

    return send, judge


async def round_trips(served: Served, send: Any, judge: Any, client: Client) -> tuple[int, dict[str, int]]:
    """The store commands of one request on its own (which must succeed)."""
    async with httpx.AsyncClient(base_url=served.url, timeout=600) as control:
        await control.get("/__bench/reset")
        problem = judge(0, await send(client, 0, 10_000))
        commands: dict[str, int] = (await control.get("/__bench/commands")).json()
    if problem:
        raise RuntimeError(f"the round-trip probe failed: {problem}")
    return sum(commands.values()), commands


def make_clients(url: str, tokens: Sequence[str | None], count: int) -> list[Client]:
    """``count`` clients, each on a connection of its own with a session of ``tokens`` in turn."""
    clients = []
    for i in range(count):
        token = tokens[i % len(tokens)]
        clients.append(Client(url, cookies={SESSION_COOKIE: token} if token else None, timeout=120))
    return clients


async def sign_in(url: str, email: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={
                "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { __typename } }",
                "variables": {"e": email, "p": PASSWORD},
            },
        )
        if response.json()["data"]["signIn"]["__typename"] != "SignedIn":
            raise RuntimeError(f"could not sign in as {email}: {response.text}")
        return response.cookies[SESSION_COOKIE]


async def measure_op(
    store_uri: str,
    op: Op,
    app: Served,
    floor: Served | None,
    tokens: Sequence[str | None],
    plan: Plan,
    log: Any,
    profile: bool,
) -> dict[str, Any]:
    send, judge = graphql_sender(op)
    result: dict[str, Any] = {"name": op.name, "title": op.title, "levels": []}
    probe = make_clients(app.url, tokens, 1)[0]
    try:
        for n in range(plan.warmup):
            judge(0, await send(probe, 0, n))
        try:
            result["round_trips"], result["commands"] = await round_trips(app, send, judge, probe)
        except RuntimeError as error:
            result["round_trips"], result["round_trips_error"] = None, str(error)[:300]
        if profile and not op.write:
            query, variables = op.request(0, 0)
            await probe.post(
                "/graphql", json={"query": query, "variables": variables}, headers={"x-bench-profile": op.name}
            )
    finally:
        await probe.aclose()
    floor_send = floor_judge = None
    if floor is not None and op.floor is not None:
        floor_send, floor_judge = floor_sender(op)
        fprobe = make_clients(floor.url, tokens, 1)[0]
        try:
            for n in range(plan.warmup):
                await floor_send(fprobe, 0, n)
            result["floor_round_trips"], result["floor_commands"] = await round_trips(
                floor, floor_send, floor_judge, fprobe
            )
        finally:
            await fprobe.aclose()
    saturated = floor_saturated = False
    for level in LEVELS:
        row: dict[str, Any] = {"clients": level}
        if saturated:
            row["skipped"] = "saturated: with fewer clients most requests failed or p95 reached 10 s"
        else:
            clients = make_clients(app.url, tokens, level)
            try:
                row.update(await cell(clients, send, judge, requests=plan.requests, seconds=plan.seconds))
            finally:
                await asyncio.gather(*(c.aclose() for c in clients))
            saturated = _saturated(row)
            if row["errors"]:
                await settle_store(store_uri, log)
        if floor_send is not None and floor is not None:
            if floor_saturated:
                row["floor"] = {"skipped": "saturated"}
            else:
                fclients = make_clients(floor.url, tokens, level)
                try:
                    row["floor"] = await cell(
                        fclients, floor_send, floor_judge, requests=plan.requests, seconds=plan.seconds
                    )
                finally:
                    await asyncio.gather(*(c.aclose() for c in fclients))
                f = row["floor"]
                floor_saturated = _saturated(f)
                if f["errors"]:
                    await settle_store(store_uri, log)
                if "skipped" not in row:
                    row["ratio_p50"] = round(row["p50"] / f["p50"], 2) if f["p50"] and row["p50"] else None
                    row["ratio_p95"] = round(row["p95"] / f["p95"], 2) if f["p95"] and row["p95"] else None
        result["levels"].append(row)
        log(
            f"  {op.name:20} {level:>2} clients: {_line(row)}"
            + (f" | floor {_line(row['floor'])}" if "floor" in row else "")
        )
    if op.outcomes:
        result["outcomes"] = dict(op.outcomes)
    return result


# Past this, requests run into the app's store time-out (socketTimeoutMS 10 s) with more clients.
SATURATED_MS = 10_000


def _saturated(row: dict[str, Any]) -> bool:
    """Whether more clients can only fail: most requests failed, or p95 reached the store time-out."""
    return bool(row["errors"] * 2 > row["requests"] or row["p95"] >= SATURATED_MS)


def _line(row: dict[str, Any]) -> str:
    if "skipped" in row:
        return str(row["skipped"])
    return f"{row['throughput']:>7} req/s  p50 {row['p50']:>8} ms  p95 {row['p95']:>8} ms  errors {row['errors']}"


async def settle_store(uri: str, log: Any, limit: float = 60) -> None:
    """After failed requests, wait until the store has worked off what they left queued.

    A request that gave up (the app's store time-out) leaves its queries running in the store;
    the next cell must not pay for them. Waits until a small read answers quickly three times.
    """
    began = time.monotonic()
    quick = 0
    client = dbmod.connect(uri, timeout_ms=int(limit * 1000))
    try:
        while quick < 3 and time.monotonic() - began < limit:
            t0 = time.monotonic()
            await client[generate.DATABASE]["organizations"].find_one({"slug": "kl"})
            quick = quick + 1 if time.monotonic() - t0 < 0.05 else 0
            await asyncio.sleep(0.2)
    finally:
        await client.close()
    log(f"    (waited {time.monotonic() - began:.1f} s for the store to settle)")


# Targets in the dataset


async def discover(url: str, token: str, dataset: generate.Dataset) -> dict[str, Any]:
    doc = dataset.documents[0]
    hot = max(doc.sections, key=lambda s: s.versions)
    busy = max(doc.sections, key=lambda s: s.comments)
    async with httpx.AsyncClient(base_url=url, cookies={SESSION_COOKIE: token}, timeout=120) as client:
        query = """query($id: ID!) { node(id: $id) { ... on Snapshot { sections { section { id } number } } } }"""
        snapshot_id = ids.encode("Snapshot", ObjectId(doc.consultation_snapshot_id))
        reply = (await client.post("/graphql", json={"query": query, "variables": {"id": snapshot_id}})).json()
        frozen = {v["section"]["id"]: v["number"] for v in reply["data"]["node"]["sections"]}
    hot_id = ids.encode("Section", ObjectId(hot.id))
    return {
        "slug": doc.slug,
        "document_id": ids.encode("Document", ObjectId(doc.id)),
        "sections": len(doc.sections),
        "document_comments": sum(s.comments for s in doc.sections),
        "hot_section": hot_id,
        "hot_versions": hot.versions,
        "diff_from": frozen.get(hot_id, max(1, hot.versions - 1)),
        "diff_to": hot.versions,
        "busy_section": ids.encode("Section", ObjectId(busy.id)),
        "busy_comments": busy.comments,
        "snapshot_id": snapshot_id,
    }


async def editable_sections(url: str, token: str, slug: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url, cookies={SESSION_COOKIE: token}, timeout=120) as client:
        reply = (
            await client.post("/graphql", json={"query": SECTIONS_FOR_EDITING, "variables": {"slug": slug}})
        ).json()
    return list(reply["data"]["document"]["sections"])


# The machine and the store


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                memory_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": model,
        "python": platform.python_version(),
        "pymongo": pymongo.version,
        "strawberry": version("strawberry-graphql"),
        "uvicorn": version("uvicorn"),
    }


async def store_kind(uri: str, embedded: bool, *, stock: bool = False) -> dict[str, Any]:
    client = dbmod.connect(uri)
    try:
        info = await client.admin.command("buildInfo")
    finally:
        await client.close()
    if "ferretdbVersion" in info or embedded:
        ferret = info.get("ferretdbVersion")
        if not ferret or ferret == "unknown":
            ferret = _ferretdb_from_go_mod()
        build = "as published" if stock else "with Udkast's patch: filters pushed down to indexes"
        kind = f"embedded FerretDB {ferret} (SQLite backend, {build})" if embedded else f"FerretDB {ferret}"
        return {"kind": kind, "ferretdb": ferret, "reports_mongodb": info.get("version")}
    return {"kind": f"MongoDB {info.get('version')}", "mongodb": info.get("version")}


def _ferretdb_from_go_mod() -> str:
    for line in (ROOT / "tools" / "docstore" / "go.mod").read_text().splitlines():
        if "github.com/FerretDB/FerretDB " in line:
            return line.split()[-1]
    return "?"


# Growth


GROWTH_OPS = ("document_view", "reader_suggestions", "document_outline", "comments_panel")


def growth_targets(slug: str, sections: int, section: str, comments: int, versions: int) -> dict[str, Any]:
    """What the read operations ask for in a growth dataset: its first section is the busy one."""
    return {
        "slug": slug,
        "sections": sections,
        "hot_section": section,
        "busy_section": section,
        "hot_versions": versions,
        "busy_comments": comments,
        "diff_from": 1,
        "diff_to": versions,
        "document_comments": comments * sections,
        "document_id": "",
        "snapshot_id": "",
    }


async def growth(uri: str, plan: Plan, log: Any, embedded: bool) -> dict[str, Any]:
    """Each size in a database of its own (the embedded store scans whole collections)."""
    points = [(c, GROWTH_VERSIONS[0]) for c in GROWTH_COMMENTS] + [(GROWTH_COMMENTS[0], v) for v in GROWTH_VERSIONS[1:]]
    datasets = {}
    for comments, versions in points:
        database = f"udkast_bench_growth_c{comments}_v{versions}"
        datasets[(comments, versions)] = await generate.generate_growth(
            uri, database, sections=plan.growth_sections, comments=comments, versions=versions
        )
    log(f"  built {len(points)} databases in {sum(d.seconds for d in datasets.values()):.1f} s")
    apps = {key: Served("app", uri, d.database, None, embedded) for key, d in datasets.items()}
    measured: dict[tuple[int, int], dict[str, Any]] = {}
    try:
        for app in apps.values():
            app.ready()
        for (comments, versions), dataset in datasets.items():
            app = apps[(comments, versions)]
            token = await sign_in(app.url, "sekretariat@sundhedsdata.example")
            doc = dataset.documents[0]
            section = ids.encode("Section", ObjectId(doc.sections[0].id))
            targets = growth_targets(doc.slug, len(doc.sections), section, comments, versions)
            point: dict[str, Any] = {"comments": comments, "versions": versions, "seconds_to_build": dataset.seconds}
            for op in read_ops(targets):
                if op.name not in GROWTH_OPS:
                    continue
                send, judge = graphql_sender(op)
                client = make_clients(app.url, [token], 1)[0]
                try:
                    for n in range(2):
                        judge(0, await send(client, 0, n))
                    rt, _ = await round_trips(app, send, judge, client)
                    row = await cell([client], send, judge, requests=plan.growth_requests, seconds=plan.growth_seconds)
                finally:
                    await client.aclose()
                point[op.name] = {"round_trips": rt, **row}
            app.stop()
            measured[(comments, versions)] = point
            log(
                f"  growth {comments:>4} comments, {versions:>3} versions per section: "
                + ", ".join(f"{n} p50 {point[n]['p50']} ms ({point[n]['round_trips']} round trips)" for n in GROWTH_OPS)
            )
    finally:
        for app in apps.values():
            app.stop()
        for dataset in datasets.values():
            await drop_database(uri, dataset.database)

    def axis(keys: list[tuple[int, int]]) -> list[dict[str, Any]]:
        base = measured[keys[0]]
        rows = []
        for key in keys:
            point = dict(measured[key])
            for name in GROWTH_OPS:
                b = base[name]["p50"]
                point[name] = {**point[name], "ratio_p50": round(point[name]["p50"] / b, 2) if b else None}
            rows.append(point)
        return rows

    return {
        "sections": plan.growth_sections,
        "comments": axis([(c, GROWTH_VERSIONS[0]) for c in GROWTH_COMMENTS]),
        "versions": axis([(GROWTH_COMMENTS[0], v) for v in GROWTH_VERSIONS]),
    }


SECTIONS_OPS = ("document_view", "save_section", "add_comment")


async def growth_along_sections(uri: str, plan: Plan, log: Any, embedded: bool) -> list[dict[str, Any]]:
    """The reader page, a save and a comment on documents of 10, 100 and 400 sections
    (10 comments and 1 version each), each in a database of its own."""
    rows: list[dict[str, Any]] = []
    for count in GROWTH_SECTIONS:
        database = f"udkast_bench_growth_s{count}"
        dataset = await generate.generate_growth(
            uri, database, sections=count, comments=GROWTH_COMMENTS[0], versions=GROWTH_VERSIONS[0]
        )
        app = Served("app", uri, dataset.database, None, embedded)
        try:
            app.ready()
            doc = dataset.documents[0]
            editor, commenter = await sign_in(app.url, EDITORS[0]), await sign_in(app.url, COMMENTERS[0])
            sections = await editable_sections(app.url, editor, doc.slug)
            targets = {"slug": doc.slug, "sections": count, "hot_section": sections[0]["id"], "busy_section": ""}
            targets |= {"hot_versions": 1, "busy_comments": 0, "diff_from": 1, "diff_to": 1, "document_id": ""}
            targets |= {"document_comments": GROWTH_COMMENTS[0] * count, "snapshot_id": ""}
            view = next(op for op in read_ops(targets) if op.name == "document_view")
            row: dict[str, Any] = {"sections": count, "seconds_to_build": dataset.seconds}
            for op, token in ((view, editor), (save_op(sections[:1]), editor), (comment_op(sections[:1]), commenter)):
                send, judge = graphql_sender(op)
                client = make_clients(app.url, [token], 1)[0]
                try:
                    for n in range(2):
                        problem = judge(0, await send(client, 0, n))
                        if problem:
                            raise RuntimeError(f"{op.name} at {count} sections: {problem}")
                    rt, _ = await round_trips(app, send, judge, client)
                    requests, seconds = plan.growth_requests, plan.growth_seconds
                    cells = await cell([client], send, judge, requests=requests, seconds=seconds)
                finally:
                    await client.aclose()
                row[op.name] = {"round_trips": rt, **cells}
            rows.append(row)
            log(
                f"  growth {count:>4} sections: "
                + ", ".join(f"{n} p50 {row[n]['p50']} ms ({row[n]['round_trips']} round trips)" for n in SECTIONS_OPS)
            )
        finally:
            app.stop()
            await drop_database(uri, dataset.database)
    for row in rows:
        for name in SECTIONS_OPS:
            base = rows[0][name]["p50"]
            row[name]["ratio_p50"] = round(row[name]["p50"] / base, 2) if base else None
    return rows


async def drop_database(uri: str, database: str) -> None:
    client = dbmod.connect(uri)
    try:
        await client.drop_database(database)
    finally:
        await client.close()


# The run


async def run(args: argparse.Namespace, uri: str, embedded: bool, log: Any) -> dict[str, Any]:
    sizes = generate.sizes_from(args)
    plan = Plan(**{**asdict(Plan.of(args.quick)), "sizes": sizes})
    began = time.monotonic()
    load_start = [round(x, 2) for x in os.getloadavg()]
    log(f"Building the dataset ({'quick' if plan.quick else 'full'}): {asdict(sizes)}")
    dataset = await generate.generate(uri, generate.DATABASE, sizes, log=log)
    log(f"  built in {dataset.seconds} s: {dataset.counts}")
    profile_dir = WORK / "profiles" if args.profile else None
    if profile_dir is not None and profile_dir.exists():
        shutil.rmtree(profile_dir)
    app = Served("app", uri, generate.DATABASE, profile_dir, embedded)
    floor = Served("floor", uri, generate.DATABASE, None, embedded)
    app.ready()
    floor.ready()
    operations: list[dict[str, Any]] = []
    notes = list(dataset.notes)
    try:
        tokens = {email: await sign_in(app.url, email) for email in READERS}
        targets = await discover(app.url, tokens[READERS[0]], dataset)
        readers = [tokens[e] for e in READERS]
        log(f"Reads ({'/'.join(map(str, LEVELS))} clients, ≤{plan.requests} requests or {plan.seconds} s per cell):")
        only = set(args.only.split(",")) if args.only else None

        def wanted(name: str) -> bool:
            return only is None or name in only

        for op in read_ops(targets):
            if not wanted(op.name):
                continue
            operations.append(await measure_op(uri, op, app, floor, list(readers), plan, log, args.profile))
        followed = None
        if wanted("followers"):
            log(f"Readers following the document ({FOLLOWERS} subscriptions):")
            outline = next(op for op in read_ops(targets) if op.name == "document_outline")
            followed = await follow_cost(app, outline, readers, targets["document_id"], plan)
            log(f"  store commands/s while nobody writes: {followed['idle_without']} → {followed['idle_with']}")
        log("Writes:")
        if wanted("add_comment"):
            comment_sections = await editable_sections(app.url, tokens[READERS[0]], targets["slug"])
            commenters = [tokens[e] for e in COMMENTERS]
            op = comment_op(comment_sections)
            operations.append(await measure_op(uri, op, app, None, commenters, plan, log, False))
        if wanted("save_section"):
            save_sections = await editable_sections(app.url, tokens[READERS[0]], dataset.documents[-1].slug)
            editors = [tokens[e] for e in EDITORS]
            operations.append(await measure_op(uri, save_op(save_sections), app, None, editors, plan, log, False))
        if dataset.open_round is None:
            notes.append("record decision: not measured — the dataset has no open approval round (--rounds 0)")
        elif wanted("record_decision"):
            deciders = dataset.open_round["deciders"]
            decider_tokens: list[str | None] = [await sign_in(app.url, d["email"]) for d in deciders]
            orgs = [ids.encode("Organization", ObjectId(d["organization_id"])) for d in deciders]
            op = decision_op(ids.encode("ApprovalRound", ObjectId(dataset.open_round["id"])), orgs)
            operations.append(await measure_op(uri, op, app, None, decider_tokens, plan, log, False))
        if wanted("sign_in"):
            emails = await _all_emails(uri)
            operations.append(await measure_op(uri, sign_in_op(emails, PASSWORD), app, None, [None], plan, log, False))
    finally:
        app.stop()
        floor.stop()
    grown = None
    if not args.no_growth:
        log("Growth (1 client):")
        grown = await growth(uri, plan, log, embedded)
        grown["along_sections"] = await growth_along_sections(uri, plan, log, embedded)
    return {
        "meta": {
            "mode": "quick" if plan.quick else "full",
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "store": await store_kind(uri, embedded, stock=args.stock_store),
            "dataset": {"sizes": asdict(sizes), "counts": dataset.counts, "seconds_to_build": dataset.seconds},
            "targets": targets,
            "plan": {"levels": list(LEVELS), "requests_per_cell": plan.requests, "seconds_per_cell": plan.seconds},
            "seconds": round(time.monotonic() - began, 1),
            "load_average": {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]},
            "notes": notes,
        },
        "operations": operations,
        "followers": followed,
        "growth": grown,
    }


FOLLOWERS = 16
FOLLOW_QUERY = """subscription($documentId: ID!) { documentEvents(documentId: $documentId) { seq kind } }"""


@contextlib.asynccontextmanager
async def following(url: str, tokens: Sequence[str | None], document_id: str, count: int) -> AsyncIterator[None]:
    """``count`` readers with the document open: each a WebSocket subscription to its events, as the UI has."""
    sockets = []
    try:
        for i in range(count):
            ws = await websockets.connect(
                url.replace("http://", "ws://") + "/graphql",
                subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
                additional_headers={"Cookie": f"{SESSION_COOKIE}={tokens[i % len(tokens)]}"},
            )
            sockets.append(ws)
            await ws.send(json.dumps({"type": "connection_init"}))
            await ws.recv()
            payload = {"query": FOLLOW_QUERY, "variables": {"documentId": document_id}}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        await asyncio.sleep(2)  # every subscription following
        yield
    finally:
        for ws in sockets:
            await ws.close()


async def follow_cost(
    app: Served, op: Op, tokens: Sequence[str | None], document_id: str, plan: Plan
) -> dict[str, Any]:
    """What readers keeping the document open cost: the store's work while nobody writes, and the
    document outline's latency with and without them (same run, side by side)."""
    send, judge = graphql_sender(op)
    result: dict[str, Any] = {"followers": FOLLOWERS}
    async with httpx.AsyncClient(base_url=app.url) as control:

        async def idle_commands(seconds: float) -> dict[str, float]:
            await control.get("/__bench/reset")
            await asyncio.sleep(seconds)
            taken: dict[str, int] = (await control.get("/__bench/commands?all=1")).json()
            return {name: round(n / seconds, 1) for name, n in sorted(taken.items())}

        result["idle_without"] = await idle_commands(5)
        for label in ("without", "with"):
            rows = []
            context = (
                following(app.url, tokens, document_id, FOLLOWERS) if label == "with" else contextlib.nullcontext()
            )
            async with context:
                if label == "with":
                    result["idle_with"] = await idle_commands(5)
                for level in (1, 8):
                    clients = make_clients(app.url, tokens, level)
                    try:
                        rows.append(
                            {
                                "clients": level,
                                **await cell(clients, send, judge, requests=plan.requests, seconds=plan.seconds),
                            }
                        )
                    finally:
                        await asyncio.gather(*(c.aclose() for c in clients))
            result[label] = rows
    return result


async def _all_emails(uri: str) -> list[str]:
    client = dbmod.connect(uri)
    try:
        return sorted([u["email"] async for u in client[generate.DATABASE]["users"].find({}, {"email": 1})])
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Udkast's benchmark")
    parser.add_argument("--quick", action="store_true", help="small dataset, few requests (< 3 minutes)")
    parser.add_argument("--profile", action="store_true", help="profile one request of each read (var/bench/profiles)")
    parser.add_argument("--output", default="latest", help="name of the result files in bench/results")
    parser.add_argument("--keep", action="store_true", help="leave the embedded store's files in var/bench/run")
    for name in ("documents", "sections", "max-versions", "comments", "organizations", "rounds"):
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument("--no-events", action="store_true")
    parser.add_argument("--only", help="comma-separated operation names to run (default: all)")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth part")
    parser.add_argument(
        "--stock-store", action="store_true", help="the embedded store as FerretDB publishes it, without our patch"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)

    uri = os.environ.get("MONGODB_URI")
    store_process = None
    if not uri:
        target = WORK / "run"
        if target.exists():
            shutil.rmtree(target)
        store_process = docstore.start(target, stock=args.stock_store)
        uri = store_process.uri
    try:
        results = asyncio.run(run(args, uri, store_process is not None, log))
    finally:
        if store_process:
            store_process.stop()
            if not args.keep:
                shutil.rmtree(WORK / "run", ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.output}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    (RESULTS / f"{args.output}.md").write_text(report.markdown(results))
    log(f"Wrote bench/results/{args.output}.json and .md")
    print()
    print(report.markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
