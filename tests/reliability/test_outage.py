"""The store dies in the middle of traffic: requests fail fast and clearly, the app recovers by itself.

(tests/api/test_cli_and_faults.py has the quiet form: one request during an outage. This one
keeps clients writing through the outage and checks every acknowledgement afterwards.)
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from server import db as dbmod
from server import docstore
from server.drafting.service import check_heads
from server.settings import Settings
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
from tests.support import DEMO_PASSWORD, KL, KL_COMMENTER, SDS, SECRETARIAT, Api, ManualClock, free_port, start_app

TIMEOUT_MS = 1500
# A refused request made a few store calls in a row; each gives up after the server-selection time-out.
WORST_ANSWER_SECONDS = 4 * TIMEOUT_MS / 1000 + 2


async def _keep_writing(
    api: Api, acks: Acks, client: int, sections: list[str], document: str, stop: asyncio.Event
) -> None:
    batch = 0
    while not stop.is_set():
        if client % 4 == 3:
            await commenter(api, acks, client, document, sections, 3, seed=client * 100 + batch)
        else:
            await saver(api, acks, client, sections, 2, seed=client * 100 + batch)
        batch += 1


async def test_store_outage_mid_traffic_fails_fast_and_recovers(tmp_path: Path) -> None:
    outages, clients = scale(1, 3), scale(8, 24)
    port = free_port()
    store = docstore.start(tmp_path / "store", port=port)
    settings = Settings(
        database="udkast_outage_storm",
        data_dir=tmp_path,
        secret_key="o" * 48,
        demo_password=DEMO_PASSWORD,
        store_timeout_ms=TIMEOUT_MS,
        signin_address_limit=10_000,
    )
    app = start_app(settings, store.uri, ManualClock(), load_seed=True)
    sessions = {}
    for email in (SECRETARIAT, SDS, KL, KL_COMMENTER):
        api = Api(app.url)
        await api.sign_in(email)
        sessions[email] = api.http.cookies["udkast_session"]
        await api.close()
    secretariat = Api(app.url)
    secretariat.http.cookies.set("udkast_session", sessions[SECRETARIAT])
    document = await new_document(secretariat, [(f"Tema {n}", initial_body()) for n in range(2)])

    apis: list[Api] = []
    through: list[Acks] = []
    try:
        for _ in range(outages):
            # 1. Traffic, then the store dies as a crash would, with requests in flight; traffic goes on.
            stop = asyncio.Event()
            logs = [Acks() for _ in range(clients)]
            tasks = []
            for client in range(clients):
                email = KL_COMMENTER if client % 4 == 3 else (SECRETARIAT, SDS, KL)[client % 3]
                api = Api(app.url)
                api.http.cookies.set("udkast_session", sessions[email])
                apis.append(api)
                tasks.append(
                    asyncio.create_task(
                        _keep_writing(api, logs[client], client, document["sections"], document["id"], stop)
                    )
                )
            await asyncio.sleep(scale(1, 3))
            store.kill()
            FIGURES["outage: store killed mid-traffic"] += 1
            FIGURES["faults injected"] += 1
            await asyncio.sleep(scale(3, 6))
            stop.set()
            await asyncio.gather(*tasks)
            through.extend(logs)
            # 2. The store comes back on the same port; the app recovers without a restart.
            store = docstore.start(tmp_path / "store", port=port)
            started = time.monotonic()
            while (await secretariat.http.get("/readyz")).status_code != 200:
                assert time.monotonic() - started < 30, "the app did not notice the store was back"
                await asyncio.sleep(0.2)
            FIGURES["outage: seconds until ready again"] = max(
                FIGURES["outage: seconds until ready again"], round(time.monotonic() - started + 0.5)
            )
        # 3. After the last outage: everyone writes again, successfully.
        stop = asyncio.Event()
        after = [Acks() for _ in range(clients)]
        tasks = [
            asyncio.create_task(
                _keep_writing(apis[-clients + c], after[c], c, document["sections"], document["id"], stop)
            )
            for c in range(clients)
        ]
        await asyncio.sleep(scale(1, 3))
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        for api in apis:
            await api.close()
        await secretariat.close()

    down = Acks()
    for acks in through:
        down.merge(acks)
    errors = {k: v for k, v in down.outcomes.items() if k.startswith(("http:", "transport:"))}
    # Clear errors only: a 503 or a GraphQL error coded STORE_UNAVAILABLE, never INTERNAL or a dropped connection.
    unclear = {k: v for k, v in errors.items() if not k.endswith(":STORE_UNAVAILABLE")}
    assert errors and unclear == {}, down.outcomes
    assert down.slowest_failure < WORST_ANSWER_SECONDS, f"an error took {down.slowest_failure:.1f} s to arrive"
    recovered = Acks()
    for acks in after:
        recovered.merge(acks)
    assert recovered.saves and not [k for k in recovered.outcomes if k.startswith(("http:", "transport:"))]

    everything = Acks()
    for acks in through + after:
        everything.merge(acks)
    client = dbmod.connect(store.uri)
    try:
        db_store = Store.open(client[settings.database], settings.secret_key)
        section_ids = [oid(s) for s in document["sections"]]
        repaired = [r for r in await check_heads(db_store, repair=True) if r.section_id in section_ids]
        assert [r for r in await check_heads(db_store, repair=False) if r.section_id in section_ids] == []
        assert await contiguity_problems(db_store.db, section_ids) == []
        assert await lost_saves(db_store.db, everything.saves) == []
        assert await saves_without_event(db_store.db, everything.saves) == []
        assert await lost_comments(db_store.db, everything) == []
    finally:
        await client.close()
        app.stop()
        store.stop()
    FIGURES["outage: requests"] += everything.requests
    FIGURES["outage: requests refused with STORE_UNAVAILABLE"] += sum(errors.values())
    FIGURES["outage: acknowledged writes checked"] += len(everything.saves) + len(everything.comments)
    FIGURES["outage: heads rolled forward by check"] += len(repaired)
    FIGURES["outage: slowest refusal (ms)"] = max(
        FIGURES["outage: slowest refusal (ms)"], int(down.slowest_failure * 1000)
    )
