"""CPU-heavy work off the event loop, in worker processes, each call with a deadline.

Rendering long Markdown, reading a Word upload and writing a Word file are pure functions that
can take seconds on hostile (or just large) input. Run on the event loop, they stall every other
request; run in a thread, they still hold the GIL and cannot be stopped. So they run in a small
pool of worker processes, opened in the app's lifespan: a call that passes its deadline has its
worker killed and replaced, and the caller gets ``TooSlow`` to answer with a clear message.

Outside the app (the CLI, the seed) ``Workers.inline()`` runs the same functions in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_SECONDS = 15.0
STARTUP_SECONDS = 60.0


class TooSlow(Exception):
    """The work passed its deadline; its worker was stopped."""


def _start_worker(app_pid: int) -> None:
    # Heavy work runs at a lower priority than the app and the store: on a busy machine, requests
    # that need a moment of CPU get it before a long render does.
    with contextlib.suppress(OSError):
        os.nice(10)
    # A worker waits on a queue it holds both ends of, so it would outlive an app that was killed
    # (kill -9): it leaves when the app is gone.
    threading.Thread(target=_leave_with, args=(app_pid,), name="udkast-worker-watch", daemon=True).start()


def _leave_with(app_pid: int) -> None:
    while True:
        time.sleep(1)
        try:
            os.kill(app_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass


def _ready(modules: tuple[str, ...]) -> bool:
    # Imports what the work needs once in each worker, so that no call's deadline pays for it.
    for name in modules:
        importlib.import_module(name)
    return True


class Workers:
    def __init__(self, processes: int, seconds: float = DEFAULT_SECONDS, preload: tuple[str, ...] = ()) -> None:
        """``preload``: the modules whose functions will run here, imported before any work."""
        self.processes = processes
        self.seconds = seconds
        self.preload = ("server.markdown", *preload)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def inline(cls) -> Workers:
        """Run every call in this process (for the CLI and the seed: nobody else is waiting)."""
        return cls(0)

    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver: a clean process to fork from, never a copy of this one's threads and sockets.
        context = multiprocessing.get_context("forkserver")
        # Workers are forked from a server process that has imported these (once it runs, the list
        # is fixed): a worker started after a stuck one was stopped is ready at once.
        context.set_forkserver_preload(list(self.preload))
        return ProcessPoolExecutor(
            self.processes, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        )

    async def start(self) -> None:
        """Open the pool and wait until its workers are ready (in the lifespan, before serving)."""
        if not self.processes:
            return
        pool = await self._open()
        # Starting processes under load can take a while: that is not the work's time.
        await asyncio.gather(
            *(self._call(pool, _ready, (self.preload,), STARTUP_SECONDS) for _ in range(self.processes))
        )

    async def _open(self) -> ProcessPoolExecutor:
        async with self._lock:
            if self._pool is None:
                self._pool = self._new_pool()
            return self._pool

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            _kill(pool)

    async def run(self, work: Callable[..., T], *args: Any, seconds: float | None = None) -> T:
        """``work(*args)`` in a worker, or ``TooSlow`` after ``seconds`` (default: the pool's)."""
        if not self.processes:
            return work(*args)
        for attempt in range(2):
            if self._pool is None:
                await self.start()  # the first call, or the first after a stuck worker was stopped
            pool = self._pool or await self._open()
            try:
                return await self._call(pool, work, args, seconds if seconds is not None else self.seconds)
            except BrokenProcessPool:
                # Another call's worker was stopped while this one was queued or running: once more.
                if attempt:
                    raise
                await self._replace(pool)
        raise AssertionError("unreachable")

    async def _call(
        self, pool: ProcessPoolExecutor, work: Callable[..., T], args: tuple[Any, ...], seconds: float
    ) -> T:
        future = asyncio.get_running_loop().run_in_executor(pool, work, *args)
        try:
            return await asyncio.wait_for(future, seconds)
        except TimeoutError:
            await self._replace(pool)
            raise TooSlow from None

    async def _replace(self, pool: ProcessPoolExecutor) -> None:
        async with self._lock:
            if self._pool is pool:
                log.warning("a worker passed its deadline; replacing the worker pool")
                self._pool = None
                _kill(pool)


def _kill(pool: ProcessPoolExecutor) -> None:
    # A worker stuck in a computation never returns to read a shutdown request: stop it.
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
