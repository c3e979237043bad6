"""32 clients at once against each store connection limit: how long the slowest waits, and CPU.

    python -m bench.pooltrial [--limits 2,4,8,16] [--rounds 6] [--passes 2]

The benchmark's dataset (``bench/generate.py``, full size, without events) in a fresh embedded
store; then, for each limit, the app (``bench/serve.py`` with ``STORE_CONNECTIONS``) and 32 clients
at once, each sending ``--rounds`` requests one after the other of one operation of a mix: the
outline, the busiest section's comments, adding a comment. Per limit: requests per second, p50,
p95 and the slowest request, and the app's and the store's CPU time per request
(``/proc/<pid>/stat``, which other work on the machine does not move). Later passes run the limits
in the reverse order, so that a change in the machine's load does not favour one. Results:
``bench/results/trial-pool-32-clients.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import time
from typing import Any

import httpx

from bench import generate
from bench.generate import Sizes
from bench.ops import comment_op, read_ops
from bench.run import COMMENTERS, Served, discover, editable_sections, graphql_sender, percentile, sign_in
from bench.storecpu import READER, WORK, cpu_seconds
from server import docstore
from server.http import SESSION_COOKIE

CLIENTS = 32


async def _cell(store: docstore.Docstore, dataset: generate.Dataset, limit: int, rounds: int) -> str:
    os.environ["STORE_CONNECTIONS"] = str(limit)  # bench.serve reads it, as for `make bench`
    app = Served("app", store.uri, generate.DATABASE, None, True).ready()
    try:
        reader, commenter = await sign_in(app.url, READER), await sign_in(app.url, COMMENTERS[0])
        targets = await discover(app.url, reader, dataset)
        ops = {op.name: op for op in read_ops(targets)}
        sections = await editable_sections(app.url, reader, targets["slug"])
        mix = [
            (graphql_sender(ops["document_outline"]), reader),
            (graphql_sender(ops["comments_panel"]), reader),
            (graphql_sender(comment_op(sections)), commenter),
        ]
        latencies: list[float] = []
        errors = 0

        async def client(i: int, requests: int) -> None:
            nonlocal errors
            (send, judge), token = mix[i % len(mix)]
            async with httpx.AsyncClient(base_url=app.url, cookies={SESSION_COOKIE: token}, timeout=120) as c:
                for n in range(requests):
                    began = time.monotonic()
                    try:
                        problem: Any = judge(i, await send(c, i, n))
                    except httpx.HTTPError as error:
                        problem = str(error)
                    latencies.append(time.monotonic() - began)
                    errors += problem is not None

        await asyncio.gather(*(client(i, 1) for i in range(len(mix))))  # warm: versions, sessions
        latencies.clear()
        app_cpu, store_cpu, began = cpu_seconds(app.process.pid), cpu_seconds(store.process.pid), time.monotonic()
        await asyncio.gather(*(client(i, rounds) for i in range(CLIENTS)))
        app_cpu = cpu_seconds(app.process.pid) - app_cpu
        store_cpu = cpu_seconds(store.process.pid) - store_cpu
        wall = time.monotonic() - began
    finally:
        app.stop()
    ms = sorted(1000 * x for x in latencies)
    n = len(ms)
    return (
        f"limit {limit:>2}: {n / wall:5.1f} req/s, p50 {percentile(ms, 50):7.0f} ms, p95 {percentile(ms, 95):7.0f} ms, "
        f"max {ms[-1]:7.0f} ms, errors {errors}; CPU per request app {1000 * app_cpu / n:.0f} ms, "
        f"store {1000 * store_cpu / n:.0f} ms; load {os.getloadavg()[0]:.1f}"
    )


async def _run(limits: list[int], rounds: int, passes: int) -> None:
    target = WORK / "pooltrial"
    shutil.rmtree(target, ignore_errors=True)
    store = docstore.start(target)
    try:
        dataset = await generate.generate(store.uri, generate.DATABASE, Sizes(events=False, rounds=2), log=print)
        for number in range(passes):
            print(f"pass {number + 1}", flush=True)
            for limit in limits if number % 2 == 0 else list(reversed(limits)):
                print(await _cell(store, dataset, limit, rounds), flush=True)
    finally:
        store.stop()
        shutil.rmtree(target, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pooltrial", description=__doc__.split("\n")[0])
    parser.add_argument("--limits", default="2,4,8,16", help="store connection limits to try")
    parser.add_argument("--rounds", type=int, default=6, help="requests per client")
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args(argv)
    asyncio.run(_run([int(x) for x in args.limits.split(",")], args.rounds, args.passes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
