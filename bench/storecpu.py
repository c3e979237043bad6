"""CPU time per request of the embedded store and of the app, with an optional Go CPU profile.

    python -m bench.storecpu [--only document_view,comments_panel,add_comment] [--requests 20] [--pprof]
                             [--growth [--along comments|sections]]

Wall-clock times on a shared machine measure the other work on it; the CPU time a process spent
does not move with load. This builds the benchmark's dataset (``bench/generate.py``, full size,
without events; ``--reuse`` keeps the store of the last run in ``var/bench/storecpu``), starts the
embedded store and the app (``bench/serve.py``), and for each read operation of ``bench/ops.py``
sends ``--requests`` requests one after the other, reading the store's and the app's CPU time
(``/proc/<pid>/stat``: user + system) before and after, and the store commands and documents
of one request; also of ``add_comment``, the one write it measures (as a commenter, as ``make bench``
does; the comments stay in the dataset). With ``--pprof`` it then takes a Go CPU profile of the
store (``docstore -pprof-addr``) while it keeps sending that request, writes it to
``var/bench/storecpu/<op>.pprof`` and prints its top functions (``go tool pprof -top``).

With ``--growth`` it measures the same CPU figures on the growth run's documents instead (``bench.run.growth``
and ``growth_along_sections``: 10, 100 and 1,000 comments per section on 4 sections; 10, 100 and 400
sections of 10 comments), each in a database of its own, with the ratio to the smallest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
from bson import ObjectId

from bench import generate
from bench.client import Client
from bench.generate import Dataset, DocumentInfo, SectionInfo, Sizes
from bench.ops import Op, comment_op, read_ops
from bench.run import (
    COMMENTERS,
    GROWTH_COMMENTS,
    GROWTH_SECTIONS,
    Plan,
    Served,
    discover,
    drop_database,
    editable_sections,
    graphql_sender,
    growth_targets,
    make_clients,
    round_trips,
    sign_in,
)
from server import docstore, ids

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "storecpu"
READER = "sekretariat@sundhedsdata.example"
GROWTH_SECTIONS_AT = Plan.of(quick=False).growth_sections  # the sections of a document along comments
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/<pid>/stat`` fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_memory_mb(pid: int) -> float:
    """The most resident memory a process has had (``VmHWM`` in ``/proc/<pid>/status``)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _dataset(uri: str, reuse: bool, sizes: Sizes) -> Dataset:
    saved = WORK / "dataset.json"
    if reuse and saved.exists():
        raw = json.loads(saved.read_text())
        documents = [
            DocumentInfo(**{**d, "sections": [SectionInfo(**s) for s in d["sections"]]}) for d in raw.pop("documents")
        ]
        return Dataset(documents=documents, **raw)
    dataset = await generate.generate(uri, generate.DATABASE, sizes, log=print)
    saved.write_text(json.dumps(asdict(dataset), default=str))
    return dataset


async def _cpu_per_request(
    op: Op, app: Served, store: docstore.Docstore, token: str, requests: int
) -> tuple[dict[str, Any], Any, Client]:
    """The store's and the app's CPU time per request of ``op``, its round trips and store commands; with the
    sender and client it used (the caller closes the client)."""
    send, judge = graphql_sender(op)
    client = make_clients(app.url, [token], 1)[0]
    for n in range(2):  # warm the app's caches, as a reader's second visit
        problem = judge(0, await send(client, 0, n))
        if problem:
            await client.aclose()
            raise RuntimeError(f"{op.name}: {problem}")
    store_before, app_before = cpu_seconds(store.process.pid), cpu_seconds(app.process.pid)
    walls = []
    for n in range(requests):
        began = time.perf_counter()
        judge(0, await send(client, 0, n))
        walls.append(time.perf_counter() - began)
    store_cpu = (cpu_seconds(store.process.pid) - store_before) / requests * 1000
    app_cpu = (cpu_seconds(app.process.pid) - app_before) / requests * 1000
    trips, commands = await round_trips(app, send, judge, client)
    row = {
        "name": op.name,
        "store_cpu_ms": round(store_cpu, 1),
        "app_cpu_ms": round(app_cpu, 1),
        # Wall-clock, one client: on a shared machine it measures the other work on it too (indicative).
        "p50_ms": round(statistics.median(walls) * 1000, 1),
        "round_trips": trips,
        "store_peak_mb": round(peak_memory_mb(store.process.pid)),
        "commands": commands,
    }
    return row, send, client


async def measure(args: argparse.Namespace, store: docstore.Docstore, pprof_addr: str) -> list[dict[str, Any]]:
    sizes = Sizes(events=False, rounds=2)
    if args.comments:
        sizes = Sizes(events=False, rounds=2, comments=args.comments)
    dataset = await _dataset(store.uri, args.reuse, sizes)
    app = Served("app", store.uri, generate.DATABASE, WORK / "app" if args.app_profile else None, True).ready()
    rows: list[dict[str, Any]] = []
    try:
        token = await sign_in(app.url, READER)
        targets = await discover(app.url, token, dataset)
        wanted = set(args.only.split(","))
        measured = [(op, token) for op in read_ops(targets) if op.name in wanted]
        if "add_comment" in wanted:  # a write, as a commenter: the dataset keeps the comments (``--reuse``)
            sections = await editable_sections(app.url, token, targets["slug"])
            measured.append((comment_op(sections), await sign_in(app.url, COMMENTERS[0])))
        for op, token in measured:
            row, send, client = await _cpu_per_request(op, app, store, token, args.requests)
            try:
                print(
                    f"{op.name}: store {row['store_cpu_ms']} ms, app {row['app_cpu_ms']} ms CPU per request; "
                    f"store peak memory {row['store_peak_mb']} MB; {row['commands']}"
                )
                if args.app_profile:
                    await _app_profile(op, op.name, client, send, args.requests)
                if args.pprof:
                    row["profile"] = await _profile(op.name, pprof_addr, client, send, args.seconds)
                rows.append(row)
            finally:
                await client.aclose()
    finally:
        app.stop()
    return rows


async def measure_growth(args: argparse.Namespace, store: docstore.Docstore) -> list[dict[str, Any]]:
    """CPU per request of the ``--only`` operations on the growth run's documents (``bench.run.growth`` and
    ``growth_along_sections``): along comments per section (4 sections) and along sections (10 comments
    each), one database per size, one client, as the secretariat."""
    points = [("comments", GROWTH_SECTIONS_AT, c) for c in GROWTH_COMMENTS]
    points += [("sections", s, GROWTH_COMMENTS[0]) for s in GROWTH_SECTIONS]
    points = [p for p in points if args.along in ("both", p[0])]
    wanted = set(args.only.split(","))
    rows: list[dict[str, Any]] = []
    base: dict[tuple[str, str], float] = {}
    for axis, sections, comments in points:
        database = f"udkast_storecpu_growth_s{sections}_c{comments}"
        dataset = await generate.generate_growth(store.uri, database, sections=sections, comments=comments, versions=1)
        app = Served("app", store.uri, database, WORK / "app" if args.app_profile else None, True).ready()
        try:
            token = await sign_in(app.url, READER)
            doc = dataset.documents[0]
            section = ids.encode("Section", ObjectId(doc.sections[0].id))
            targets = growth_targets(doc.slug, sections, section, comments, 1)
            for op in read_ops(targets):
                if op.name not in wanted:
                    continue
                row, send, client = await _cpu_per_request(op, app, store, token, args.requests)
                try:
                    if args.app_profile:
                        await _app_profile(op, f"{op.name}-s{sections}-c{comments}", client, send, args.requests)
                finally:
                    await client.aclose()
                cpu = row["store_cpu_ms"] + row["app_cpu_ms"]
                first = base.setdefault((axis, op.name), cpu)
                row |= {"axis": axis, "sections": sections, "comments_per_section": comments}
                row["ratio"] = round(cpu / first, 2) if first else None
                first_p50 = base.setdefault((axis, f"{op.name} p50"), row["p50_ms"])
                row["p50_ratio"] = round(row["p50_ms"] / first_p50, 2) if first_p50 else None
                rows.append(row)
                print(
                    f"{op.name} along {axis}: {sections} sections x {comments} comments: store {row['store_cpu_ms']} "
                    f"+ app {row['app_cpu_ms']} ms CPU per request (x{row['ratio']}), {row['round_trips']} round "
                    f"trips; p50 {row['p50_ms']} ms wall (x{row['p50_ratio']})"
                )
        finally:
            app.stop()
            await drop_database(store.uri, database)
    return rows


async def _app_profile(op: Op, name: str, client: Client, send: Any, requests: int) -> None:
    """pyinstrument profiles of the app: one request (var/bench/storecpu/app/<name>.txt), and the event loop
    sampled over ``requests`` requests (<name>-loop.txt): one request is too few samples."""
    query, variables = op.request(0, 0)
    await client.post("/graphql", json={"query": query, "variables": variables}, headers={"x-bench-profile": name})
    judge = graphql_sender(op)[1]
    await client.get("/__bench/profile/start")
    for n in range(requests):
        judge(0, await send(client, 0, n))
    await client.get("/__bench/profile/stop", params={"name": f"{name}-loop"})


async def _profile(name: str, pprof_addr: str, client: Client, send: Any, seconds: int) -> str:
    """Profile the store for ``seconds`` while sending the request again and again."""
    target = WORK / f"{name}.pprof"
    done = threading.Event()

    def fetch() -> None:
        with httpx.Client(timeout=seconds + 60) as http:
            response = http.get(f"http://{pprof_addr}/debug/pprof/profile", params={"seconds": seconds})
            target.write_bytes(response.content)
        done.set()

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    n = 0
    while not done.is_set():
        await send(client, 0, n)
        n += 1
    thread.join()
    return f"{n} requests while profiling"


def _top(name: str) -> str:
    """``go tool pprof -top`` of an operation's profile, by own and by cumulative time."""
    go = shutil.which("go") or "/usr/local/go/bin/go"
    target = WORK / f"{name}.pprof"
    tops = [
        subprocess.run(
            [go, "tool", "pprof", "-top", *flags, str(docstore.BINARY), str(target)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for flags in (["-nodecount=25"], ["-cum", "-nodecount=40"])
    ]
    text = f"{tops[0]}\nBy cumulative time:\n{tops[1]}"
    (WORK / f"{name}.txt").write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.storecpu", description=__doc__)
    parser.add_argument(
        "--only", default="document_view,comments_panel", help="comma-separated read operations, and add_comment"
    )
    parser.add_argument("--requests", type=int, default=20, help="requests per operation for the CPU figures")
    parser.add_argument("--comments", type=int, help="comments in the dataset (default: the full run's)")
    parser.add_argument("--pprof", action="store_true", help="also take a Go CPU profile of the store")
    parser.add_argument("--app-profile", action="store_true", help="also profile one request in the app (pyinstrument)")
    parser.add_argument("--seconds", type=int, default=15, help="length of each profile")
    parser.add_argument("--reuse", action="store_true", help="keep the store and dataset of the last run")
    parser.add_argument(
        "--growth", action="store_true", help="measure along comments and sections (the growth run's documents)"
    )
    parser.add_argument(
        "--along", choices=("both", "comments", "sections"), default="both", help="with --growth: which axis"
    )
    args = parser.parse_args(argv)
    data = WORK / "store"
    if not args.reuse and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    pprof_addr = f"127.0.0.1:{_free_port()}"
    store = docstore.start(data, pprof_addr=pprof_addr)
    try:
        rows = asyncio.run(measure_growth(args, store) if args.growth else measure(args, store, pprof_addr))
    finally:
        store.stop()
    for row in rows:
        if "profile" in row:
            print(f"{row['name']} ({row['profile']}):\n{_top(row['name'])}")
    (WORK / "result.json").write_text(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M UTC"), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
