"""CPU time per request of the embedded store and of the app, with an optional Go CPU profile.

    python -m bench.storecpu [--only document_view,comments_panel] [--requests 20] [--pprof]

Wall-clock times on a shared machine measure the other work on it; the CPU time a process spent
does not move with load. This builds the benchmark's dataset (``bench/generate.py``, full size,
without events; ``--reuse`` keeps the store of the last run in ``var/bench/storecpu``), starts the
embedded store and the app (``bench/serve.py``), and for each read operation of ``bench/ops.py``
sends ``--requests`` requests one after the other, reading the store's and the app's CPU time
(``/proc/<pid>/stat``: user + system) before and after, and the store commands and documents
of one request. With ``--pprof`` it then takes a Go CPU profile of the store
(``docstore -pprof-addr``) while it keeps sending that request, writes it to
``var/bench/storecpu/<op>.pprof`` and prints its top functions (``go tool pprof -top``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from bench import generate
from bench.generate import Dataset, DocumentInfo, SectionInfo, Sizes
from bench.ops import read_ops
from bench.run import Served, discover, graphql_sender, make_clients, round_trips, sign_in
from server import docstore

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "storecpu"
READER = "sekretariat@sundhedsdata.example"
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
        for op in read_ops(targets):
            if op.name not in wanted:
                continue
            send, judge = graphql_sender(op)
            client = make_clients(app.url, [token], 1)[0]
            try:
                for n in range(2):  # warm the app's caches, as a reader's second visit
                    problem = judge(0, await send(client, 0, n))
                    if problem:
                        raise RuntimeError(f"{op.name}: {problem}")
                store_before, app_before = cpu_seconds(store.process.pid), cpu_seconds(app.process.pid)
                for n in range(args.requests):
                    judge(0, await send(client, 0, n))
                store_cpu = (cpu_seconds(store.process.pid) - store_before) / args.requests * 1000
                app_cpu = (cpu_seconds(app.process.pid) - app_before) / args.requests * 1000
                trips, commands = await round_trips(app, send, judge, client)
                row = {
                    "name": op.name,
                    "store_cpu_ms": round(store_cpu, 1),
                    "app_cpu_ms": round(app_cpu, 1),
                    "round_trips": trips,
                    "store_peak_mb": round(peak_memory_mb(store.process.pid)),
                    "commands": commands,
                }
                print(
                    f"{op.name}: store {row['store_cpu_ms']} ms, app {row['app_cpu_ms']} ms CPU per request; "
                    f"store peak memory {row['store_peak_mb']} MB; {commands}"
                )
                if args.app_profile:  # pyinstrument, one request: var/bench/storecpu/app/<op>.txt
                    query, variables = op.request(0, 0)
                    body = {"query": query, "variables": variables}
                    await client.post("/graphql", json=body, headers={"x-bench-profile": op.name})
                if args.pprof:
                    row["profile"] = await _profile(op.name, pprof_addr, client, send, args.seconds)
                rows.append(row)
            finally:
                await client.aclose()
    finally:
        app.stop()
    return rows


async def _profile(name: str, pprof_addr: str, client: httpx.AsyncClient, send: Any, seconds: int) -> str:
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
    parser.add_argument("--only", default="document_view,comments_panel", help="comma-separated read operations")
    parser.add_argument("--requests", type=int, default=20, help="requests per operation for the CPU figures")
    parser.add_argument("--comments", type=int, help="comments in the dataset (default: the full run's)")
    parser.add_argument("--pprof", action="store_true", help="also take a Go CPU profile of the store")
    parser.add_argument("--app-profile", action="store_true", help="also profile one request in the app (pyinstrument)")
    parser.add_argument("--seconds", type=int, default=15, help="length of each profile")
    parser.add_argument("--reuse", action="store_true", help="keep the store and dataset of the last run")
    args = parser.parse_args(argv)
    data = WORK / "store"
    if not args.reuse and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    pprof_addr = f"127.0.0.1:{_free_port()}"
    store = docstore.start(data, pprof_addr=pprof_addr)
    try:
        rows = asyncio.run(measure(args, store, pprof_addr))
    finally:
        store.stop()
    for row in rows:
        if "profile" in row:
            print(f"{row['name']} ({row['profile']}):\n{_top(row['name'])}")
    (WORK / "result.json").write_text(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M UTC"), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
