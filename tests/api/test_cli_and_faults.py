"""The command line, the seed's idempotence, start-up refusals and a store outage (issue 2)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from server import db as dbmod
from server import docstore
from server.settings import Settings
from server.store import Store
from tests.support import DEMO_PASSWORD, SECRETARIAT, Api, ManualClock, free_port, start_app


def _run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_invalid_setting_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    result = _run(["serve"], {"PORT": "otte-tusind", "DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["udkast: Invalid setting PORT='otte-tusind': must be a whole number."]
    mail = _run(["serve"], {"SMTP_URL": "imap://mail.example.dk", "DATA_DIR": str(tmp_path)})
    assert mail.returncode == 2
    assert mail.stderr.strip().splitlines() == [
        "udkast: Invalid setting SMTP_URL: use smtp://[user:password@]host[:port] or smtps://…"
    ]


def test_seed_is_idempotent_and_users_cli(mongodb_uri: str, tmp_path: Path) -> None:
    env = {"MONGODB_URI": mongodb_uri, "DATABASE": "udkast_cli_test", "DATA_DIR": str(tmp_path)}
    first = _run(["seed"], env)
    assert first.returncode == 0 and "2 new documents, 0 new accounts" in first.stdout
    again = _run(["seed", "--demo"], env)
    assert "0 new documents, 8 new accounts" in again.stdout
    third = _run(["seed", "--demo"], env)
    assert "0 new documents, 0 new accounts" in third.stdout
    created = _run(
        [
            "users",
            "create",
            "--email",
            "forste@sds.example",
            "--name",
            "Første Sekretær",
            "--organization",
            "sundhedsdatastyrelsen",
            "--roles",
            "SECRETARIAT,EDITOR",
            "--password",
            "Et langt og godt kodeord 2026",
        ],
        env,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    weak = _run(
        [
            "users",
            "create",
            "--email",
            "svag@sds.example",
            "--name",
            "Svag",
            "--organization",
            "sum",
            "--roles",
            "READER",
            "--password",
            "kort",
        ],
        env,
    )
    assert weak.returncode == 2 and "at least 12" in weak.stdout
    listed = _run(["users", "list"], env)
    assert "forste@sds.example\tFørste Sekretær\tsundhedsdatastyrelsen\tEDITOR,SECRETARIAT\tactive" in listed.stdout
    assert _run(["users", "deactivate", "--email", "forste@sds.example"], env).returncode == 0
    assert (
        "forste@sds.example\tFørste Sekretær\tsundhedsdatastyrelsen\tEDITOR,SECRETARIAT\tinactive"
        in _run(["users", "list"], env).stdout
    )
    reset = _run(
        ["users", "reset-password", "--email", "kommentar@plo.example", "--password", "Nyt langt kodeord 2026"], env
    )
    assert reset.returncode == 0


async def test_reset_password_ends_the_accounts_sessions(mongodb_uri: str, tmp_path: Path) -> None:
    env = {"MONGODB_URI": mongodb_uri, "DATABASE": "udkast_cli_reset", "DATA_DIR": str(tmp_path)}
    assert _run(["seed", "--demo"], env).returncode == 0
    client = dbmod.connect(mongodb_uri)
    try:
        store = Store.open(client["udkast_cli_reset"], "s" * 48)
        found = await store.accounts.credentials("kommentar@plo.example")
        other = await store.accounts.credentials("kommentar@kl.example")
        assert found is not None and other is not None
        now = datetime.now(UTC)
        await store.accounts.create_session("stjaalet-session", found[0].id, now, now + timedelta(hours=1))
        await store.accounts.create_session("en-andens-session", other[0].id, now, now + timedelta(hours=1))
        reset = _run(
            ["users", "reset-password", "--email", "kommentar@plo.example", "--password", "Nyt langt kodeord 2026"],
            env,
        )
        assert reset.returncode == 0 and "sessions are ended" in reset.stdout
        assert await store.accounts.session("stjaalet-session") is None
        assert await store.accounts.session("en-andens-session") is not None  # only that account's
    finally:
        await client.close()


@pytest.mark.parametrize("command", [["serve", "--seed-demo"], ["seed", "--demo"]])
def test_the_demo_seed_is_refused_in_production(command: list[str], mongodb_uri: str, tmp_path: Path) -> None:
    env = {
        "ENVIRONMENT": "production",
        "MONGODB_URI": mongodb_uri,
        "DATABASE": "udkast_cli_production",
        "SECRET_KEY": "p" * 48,
        "DATA_DIR": str(tmp_path),
        "PORT": str(free_port()),
    }
    result = _run(command, env, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "udkast: the demo seed creates accounts with a known password and is refused when ENVIRONMENT=production."
    ]
    users = _run(["users", "list"], env, timeout=30)
    assert "sundhedsdata.example" not in users.stdout


async def test_store_outage_fails_fast_and_recovers_without_restart(tmp_path: Path) -> None:
    port = free_port()
    store = docstore.start(tmp_path / "outage", port=port)
    settings = Settings(
        database="udkast_outage",
        data_dir=tmp_path,
        secret_key="s" * 48,
        demo_password=DEMO_PASSWORD,
        store_timeout_ms=1500,
    )
    app = start_app(settings, store.uri, ManualClock(), load_seed=True)
    api = Api(app.url)
    try:
        await api.sign_in(SECRETARIAT)
        before = await api.execute("{ documents { slug } }")
        assert len(before["documents"]) == 2
        store.stop()

        started = time.monotonic()
        ready = await api.http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
        payload = (await api.raw("{ documents { slug } }")).json()
        elapsed = time.monotonic() - started
        assert payload["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert payload["errors"][0]["message"] == "Databasen svarer ikke lige nu. Prøv igen om lidt."
        assert elapsed < 8  # both answers within the configured time-outs, not a hang

        store = docstore.start(tmp_path / "outage", port=port)
        for _ in range(50):
            try:
                if (await api.http.get("/readyz")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
        assert (await api.http.get("/readyz")).status_code == 200
        assert await api.execute("{ documents { slug } }") == before
    finally:
        await api.close()
        app.stop()
        store.stop()
