"""kill -9 the app in the middle of a storm, restart it, check and repair: nothing acknowledged is lost."""

from __future__ import annotations

import asyncio
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from server import db as dbmod
from server.store import Store
from tests.api.drafting_support import new_document
from tests.reliability.support import (
    FIGURES,
    Acks,
    commenter,
    contiguity_problems,
    initial_body,
    lost_comments,
    lost_saves,
    oid,
    saver,
    saves_without_event,
    scale,
)
from tests.support import DEMO_PASSWORD, KL, KL_COMMENTER, REGIONS, SDS, SECRETARIAT, Api, free_port


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


def _serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--seed-demo"],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    url = f"http://127.0.0.1:{env['PORT']}/readyz"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the app did not start:\n{log.read_text()}")


async def test_kill_9_during_storm_loses_no_acknowledged_write(mongodb_uri: str, tmp_path: Path) -> None:
    cycles, clients, rounds = scale(1, 3), scale(10, 30), scale(8, 25)
    port = free_port()
    env = {
        "MONGODB_URI": mongodb_uri,
        "DATABASE": f"udkast_crash_{secrets.token_hex(4)}",
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "SIGNIN_ADDRESS_LIMIT": "10000",
    }
    log = tmp_path / "serve.log"
    process = _serve(env, log)
    # Without SMTP_URL, mail goes to the Maildir under DATA_DIR, and the banner says so.
    assert f"Maildir {(tmp_path / 'mail').resolve()}" in log.read_text()
    url = f"http://127.0.0.1:{port}"
    sessions: dict[str, str] = {}
    for email in (SECRETARIAT, SDS, KL, REGIONS, KL_COMMENTER):
        api = Api(url)
        await api.sign_in(email)
        sessions[email] = api.http.cookies["udkast_session"]
        await api.close()
    secretariat = Api(url)
    secretariat.http.cookies.set("udkast_session", sessions[SECRETARIAT])
    document = await new_document(secretariat, [(f"Tema {n}", initial_body()) for n in range(2)])
    await secretariat.close()

    total = Acks()
    try:
        for cycle in range(cycles):
            apis, logs, work = [], [], []
            for client in range(clients):
                email = KL_COMMENTER if client % 4 == 3 else (SECRETARIAT, SDS, KL, REGIONS)[client % 4]
                api = Api(url)
                api.http.cookies.set("udkast_session", sessions[email])
                acks = Acks()
                apis.append(api)
                logs.append(acks)
                seed = cycle * 1000 + client
                if email == KL_COMMENTER:
                    work.append(commenter(api, acks, client, document["id"], document["sections"], rounds, seed))
                else:
                    work.append(saver(api, acks, client, document["sections"], rounds, seed))
            storm = asyncio.gather(*work)
            # Let the storm build up, then kill the app while requests are in flight.
            while sum(len(a.saves) for a in logs) < clients and not storm.done():
                await asyncio.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            FIGURES["crash: kill -9 of the app during a storm"] += 1
            await storm
            for api in apis:
                await api.close()
            for acks in logs:
                total.merge(acks)
            # Restart, then check: it finds nothing, or it repairs and then finds nothing.
            process = _serve(env, log)
            checked = _cli(["check"], env)
            if checked.returncode != 0:
                # A crash between two writes leaves derived data behind: a head, or open-comment counts.
                found = checked.stdout.splitlines()
                assert found and all("lags" in line or "counts stale" in line for line in found), checked.stdout
                FIGURES["crash: lagging heads repaired by check"] += checked.stdout.count("lags")
                FIGURES["crash: stale comment counts recounted by check"] += checked.stdout.count("counts stale")
                assert _cli(["check", "--repair"], env).returncode == 0
                checked = _cli(["check"], env)
            assert checked.returncode == 0 and "nothing to repair" in checked.stdout, checked.stdout
    finally:
        process.kill()
        process.wait()

    assert total.saves, "the app was killed before it acknowledged anything"
    client = dbmod.connect(mongodb_uri)
    try:
        store = Store.open(client[env["DATABASE"]], env["SECRET_KEY"])
        section_ids = [oid(s) for s in document["sections"]]
        assert await contiguity_problems(store.db, section_ids) == []
        assert await lost_saves(store.db, total.saves) == []
        assert await saves_without_event(store.db, total.saves) == []
        assert await lost_comments(store.db, total) == []
    finally:
        await client.close()
    FIGURES["crash: requests"] += total.requests
    FIGURES["crash: acknowledged writes checked"] += len(total.saves) + len(total.comments)
    FIGURES["faults injected"] += cycles
