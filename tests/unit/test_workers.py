"""The worker processes that keep CPU-heavy work off the event loop (server/workers.py)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server import markdown
from server.workers import TooSlow, Workers


def _forever() -> None:
    while True:
        pass


def _pid() -> int:
    return os.getpid()


async def test_work_runs_in_another_process_and_a_stuck_worker_is_stopped_at_its_deadline() -> None:
    workers = Workers(2, seconds=30)
    await workers.start()
    try:
        assert await workers.run(_pid) != os.getpid()
        assert await workers.run(markdown.render, "*hej*") == "<p><em>hej</em></p>\n"
        started = time.perf_counter()
        ticks = 0

        async def ticking() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(ticking())
        with pytest.raises(TooSlow):
            await workers.run(_forever, seconds=1)
        ticker.cancel()
        assert time.perf_counter() - started < 5  # stopped at the deadline, not when it finished
        assert ticks >= 10  # the loop kept running meanwhile
        # The stuck worker was replaced: work goes on.
        assert await workers.run(markdown.render, "**igen**") == "<p><strong>igen</strong></p>\n"
    finally:
        workers.close()


async def test_inline_workers_run_in_this_process() -> None:
    assert await Workers.inline().run(_pid) == os.getpid()


async def test_text_that_makes_the_renderer_quadratic_is_refused_before_it_is_rendered() -> None:
    workers = Workers.inline()
    started = time.perf_counter()
    assert await markdown.render_off_loop(workers, "![" * 10_000) is None
    assert time.perf_counter() - started < 0.1
    links = "Se [rapporten](https://example.dk/rapport) og [bilaget](https://example.dk/bilag). " * 500
    rendered = await markdown.render_off_loop(workers, links)
    assert rendered is not None and rendered.count("<a ") == 1000  # ordinary links are fine


def test_plain_text_from_stored_html_is_the_plain_text_of_the_markdown() -> None:
    body = (
        "# Overskrift\n\nFørste *afsnit* med [link](https://x.dk).\n\n- et\n- to\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert markdown.plain_text_of(markdown.render(body)) == markdown.plain_text(body)


_APP = """
import asyncio, os, sys
from server.workers import Workers

async def main():
    workers = Workers(2)
    await workers.start()
    print(*[await workers.run(os.getpid) for _ in range(4)], flush=True)
    await asyncio.sleep(60)

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_workers_leave_when_the_app_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text(_APP)
    root = Path(__file__).resolve().parents[2]
    app = subprocess.Popen([sys.executable, str(script)], cwd=root, stdout=subprocess.PIPE, text=True)
    assert app.stdout is not None
    pids = {int(p) for p in app.stdout.readline().split()}
    assert pids and app.pid not in pids
    app.kill()  # kill -9: no lifespan, no clean-up
    app.wait()
    app.stdout.close()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in pids if _alive(p)], "worker processes outlived the app"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")
