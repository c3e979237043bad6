"""Live collaboration: the activity feed, the subscription across app processes, presence (issue 8)."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import websockets
from bson import ObjectId

from server import ids
from server.clock import COPENHAGEN
from server.events.model import Origin
from server.store import Store
from tests.api.drafting_support import new_document, save
from tests.support import KL, REGIONS, SECRETARIAT, Api, RunningApp, start_app

AsUser = Callable[[str], Awaitable[Api]]
SUBSCRIBE = """subscription($documentId: ID!, $afterSeq: Int) {
  documentEvents(documentId: $documentId, afterSeq: $afterSeq) { seq kind entityId organization { slug } data }
}"""


class Subscription:
    """A graphql-transport-ws client for one subscription."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.replace("http://", "ws://") + "/graphql"
        self.token = token

    async def __aenter__(self) -> Subscription:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers={"Cookie": f"udkast_session={self.token}"},
        )
        await self.ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await self.ws.recv())["type"] == "connection_ack"
        return self

    async def subscribe(self, variables: dict[str, Any], query: str = SUBSCRIBE) -> None:
        await self.ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}})
        )

    async def next(self, timeout: float = 10) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        return message  # type: ignore[no-any-return]

    async def events(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        received = []
        while len(received) < count:
            message = await self.next(timeout)
            assert message["type"] == "next", message
            received.append(message["payload"]["data"]["documentEvents"])
        return received

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()


@pytest.fixture(scope="module")
def second_app(app: RunningApp, mongodb_uri: str) -> AsyncIterator[RunningApp]:  # type: ignore[misc]
    """Another app process (its own client and loop) on the same store and database."""
    other = start_app(app.settings, mongodb_uri, app.clock, load_seed=False)
    yield other
    other.stop()


async def test_an_event_written_through_one_process_reaches_a_subscriber_on_another(
    as_user: AsUser, app: RunningApp, second_app: RunningApp
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Første.\n\nAndet.")])
    kl_on_b = Api(second_app.url)
    await kl_on_b.sign_in(KL)
    token = (await as_user(KL)).http.cookies["udkast_session"]
    async with Subscription(app.url, token) as sub:
        await sub.subscribe({"documentId": doc["id"]})
        await asyncio.sleep(0.5)  # let the subscription start following before we write
        for i in range(3):
            result = await save(kl_on_b, doc["sections"][0], 1 + i, f"Version {i + 2}.", title="Afsnit")
            assert result["__typename"] == "SectionSaved"
        received = await sub.events(3)
    assert [e["kind"] for e in received] == ["section.saved"] * 3
    assert [e["data"]["version"] for e in received] == [2, 3, 4]
    assert received[0]["organization"]["slug"] == "kl" and received[0]["entityId"] == doc["sections"][0]
    seqs = [e["seq"] for e in received]
    assert seqs == sorted(seqs)

    # Reconnect from the first event's sequence: the rest arrives again, in order, nothing lost.
    async with Subscription(second_app.url, token) as again:
        await again.subscribe({"documentId": doc["id"], "afterSeq": seqs[0]})
        replay = await again.events(2)
    assert [e["seq"] for e in replay] == seqs[1:]
    await kl_on_b.close()


async def test_subscribers_never_receive_another_organisations_internal_events(
    as_user: AsUser, app: RunningApp, store: Store
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")])
    document_id = ids.parse(doc["id"], "Document")
    regions_org = await store.accounts.organization_by_slug("danske-regioner")
    assert regions_org is not None
    token = (await as_user(KL)).http.cookies["udkast_session"]
    async with Subscription(app.url, token) as sub:
        await sub.subscribe({"documentId": doc["id"]})
        await asyncio.sleep(0.5)
        origin = Origin(None, regions_org.id, "127.0.0.1")
        await store.events.append(
            "comment.drafted",
            origin,
            app.clock.now(),
            document_id=document_id,
            data={"body": "Regionernes interne udkast"},
            audience_organization_id=regions_org.id,
        )
        await save(sec, doc["sections"][0], 1, "Offentlig ændring.", title="Afsnit")
        received = await sub.events(1)
    assert received[0]["kind"] == "section.saved"
    regions = await as_user(REGIONS)
    feed = await regions.execute("query($id: ID!) { events(documentId: $id) { items { kind } } }", {"id": doc["id"]})
    assert "comment.drafted" in [e["kind"] for e in feed["events"]["items"]]
    kl = await as_user(KL)
    feed = await kl.execute("query($id: ID!) { events(documentId: $id) { items { kind } } }", {"id": doc["id"]})
    assert "comment.drafted" not in [e["kind"] for e in feed["events"]["items"]]


async def test_subscribing_to_a_document_one_may_not_read_is_refused(as_user: AsUser, app: RunningApp) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")], participants=("kl",))
    token = (await as_user(REGIONS)).http.cookies["udkast_session"]
    async with Subscription(app.url, token) as sub:
        await sub.subscribe({"documentId": doc["id"]})
        message = await sub.next()
    assert message["type"] in ("error", "next"), message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert errors[0]["message"] == "Dokumentet blev ikke fundet."


async def test_activity_feed_is_paginated_and_filtered(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    kl = await as_user(KL)
    doc = await new_document(sec, [("Afsnit", "Tekst.")])
    for i in range(3):
        await save(kl, doc["sections"][0], 1 + i, f"Tekst {i}.", title="Afsnit")
    query = """query($id: ID!, $before: Int, $kinds: [String!], $org: ID) {
        events(documentId: $id, before: $before, limit: 2, kinds: $kinds, organizationId: $org) {
          items { seq kind organization { slug } actor { name } } nextBefore } }"""
    first = (await sec.execute(query, {"id": doc["id"]}))["events"]
    assert [e["kind"] for e in first["items"]] == ["section.saved", "section.saved"]
    assert first["items"][0]["seq"] > first["items"][1]["seq"]
    second = (await sec.execute(query, {"id": doc["id"], "before": first["nextBefore"]}))["events"]
    assert second["items"][0]["seq"] < first["items"][1]["seq"]
    orgs = await sec.execute("{ organizations { id slug } }")
    kl_id = next(o["id"] for o in orgs["organizations"] if o["slug"] == "kl")
    only_kl = (await sec.execute(query, {"id": doc["id"], "org": kl_id}))["events"]["items"]
    assert {e["organization"]["slug"] for e in only_kl} == {"kl"}
    added = (await sec.execute(query, {"id": doc["id"], "kinds": ["section.added"]}))["events"]["items"]
    assert [e["kind"] for e in added] == ["section.added"]
    regions_only = await new_document(sec, [("Afsnit", "Tekst.")], participants=("danske-regioner",))
    assert (await kl.execute(query, {"id": regions_only["id"]}))["events"] is None


async def test_audit_export_for_the_secretariat_only(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")])
    await save(sec, doc["sections"][0], 1, "Ny tekst.", title="Afsnit")
    csv_response = await sec.http.get(f"/exports/events/{doc['id']}.csv")
    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
    # As Danish Excel opens it: UTF-8 with a byte-order mark, semicolons, names and Danish time.
    assert csv_response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    saved = next(r for r in rows if r["Hændelseskode"] == "section.saved")
    assert saved["Person"] == "Signe Sekretær" and saved["Organisation"] == "Sundhedsdatastyrelsen"
    assert saved["Hændelse"] == "gemte version 2 af afsnittet »Afsnit«."
    utc = datetime.fromisoformat(saved["Tidspunkt (UTC, ISO 8601)"])
    assert saved["Tidspunkt (dansk tid)"] == utc.astimezone(COPENHAGEN).strftime("%d.%m.%Y %H:%M %Z")
    assert [r["Hændelseskode"] for r in rows][:3] == ["document.created", "section.added", "section.saved"]
    as_json = (await sec.http.get(f"/exports/events/{doc['id']}.json")).json()
    assert [e["kind"] for e in as_json["events"]][:3] == ["document.created", "section.added", "section.saved"]
    kl = await as_user(KL)
    assert (await kl.http.get(f"/exports/events/{doc['id']}.csv")).status_code == 404
    assert (await sec.http.get(f"/exports/events/{doc['id']}.xml")).status_code == 404


async def test_presence_shows_who_is_editing_and_expires(as_user: AsUser, app: RunningApp) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")])
    kl, regions = await as_user(KL), await as_user(REGIONS)
    report = """mutation($input: ReportPresenceInput!) { reportPresence(input: $input) { __typename
        ... on PresenceReported { expiresInSeconds } ... on InvalidInput { field } } }"""
    ok = await kl.execute(
        report, {"input": {"documentId": doc["id"], "sectionId": doc["sections"][0], "activity": "EDITING"}}
    )
    assert ok["reportPresence"] == {"__typename": "PresenceReported", "expiresInSeconds": 45}
    bad = await kl.execute(report, {"input": {"documentId": doc["id"], "sectionId": "sec_000000000000000000000000"}})
    assert bad["reportPresence"] == {"__typename": "InvalidInput", "field": "sectionId"}
    query = "query($id: ID!) { presence(documentId: $id) { activity sectionId organization { slug } user { name } } }"
    seen = (await regions.execute(query, {"id": doc["id"]}))["presence"]
    assert [(p["activity"], p["organization"]["slug"], p["sectionId"]) for p in seen] == [
        ("EDITING", "kl", doc["sections"][0])
    ]
    assert (await kl.execute(query, {"id": doc["id"]}))["presence"] == []  # not yourself
    left = await kl.execute("mutation($id: ID!) { leavePresence(documentId: $id) { __typename } }", {"id": doc["id"]})
    assert left["leavePresence"]["__typename"] == "PresenceLeft"
    assert (await regions.execute(query, {"id": doc["id"]}))["presence"] == []
    await kl.execute(report, {"input": {"documentId": doc["id"], "activity": "READING"}})
    assert len((await regions.execute(query, {"id": doc["id"]}))["presence"]) == 1
    app.clock.advance(timedelta(seconds=60))
    assert (await regions.execute(query, {"id": doc["id"]}))["presence"] == []


PRESENCE = """subscription($documentId: ID!) {
  documentPresence(documentId: $documentId) { activity sectionId user { name } organization { shortName } }
}"""
REPORT = "mutation($input: ReportPresenceInput!) { reportPresence(input: $input) { __typename } }"
LEAVE = """mutation($id: ID!, $activity: Activity, $section: ID) {
  leavePresence(documentId: $id, activity: $activity, sectionId: $section) { __typename ... on InvalidInput { field } }
}"""


async def test_an_open_page_is_told_at_once_who_arrives_moves_and_leaves(as_user: AsUser, app: RunningApp) -> None:
    """No save needed, and no wait for the page's own next heartbeat: the list comes as it changes."""
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Vision", "Tekst."), ("Data", "Mere.")])
    vision, data = doc["sections"]
    kl, regions = await as_user(KL), await as_user(REGIONS)
    await regions.execute(REPORT, {"input": {"documentId": doc["id"], "sectionId": data, "activity": "EDITING"}})
    async with Subscription(app.url, regions.http.cookies["udkast_session"]) as sub:
        await sub.subscribe({"documentId": doc["id"]}, PRESENCE)

        async def seen() -> list[dict[str, Any]]:
            message = await sub.next(timeout=5)
            assert message["type"] == "next", message
            return message["payload"]["data"]["documentPresence"]  # type: ignore[no-any-return]

        assert await seen() == []  # the subscriber's own editing is not news to itself
        await kl.execute(REPORT, {"input": {"documentId": doc["id"], "sectionId": vision, "activity": "EDITING"}})
        assert await seen() == [
            {
                "activity": "EDITING",
                "sectionId": vision,
                "user": {"name": "Karen Kommune"},
                "organization": {"shortName": "KL"},
            }
        ]
        # A heartbeat that changes nothing sends nothing; a move to another section does.
        await kl.execute(REPORT, {"input": {"documentId": doc["id"], "sectionId": vision, "activity": "EDITING"}})
        await kl.execute(REPORT, {"input": {"documentId": doc["id"], "sectionId": data, "activity": "EDITING"}})
        assert [(p["activity"], p["sectionId"]) for p in await seen()] == [("EDITING", data)]
        # The editor closes and the reader opens: a late »leave« of the editor keeps the reader's report.
        await kl.execute(REPORT, {"input": {"documentId": doc["id"], "activity": "READING"}})
        left = await kl.execute(LEAVE, {"id": doc["id"], "activity": "EDITING", "section": data})
        assert left["leavePresence"]["__typename"] == "PresenceLeft"
        assert [(p["activity"], p["sectionId"]) for p in await seen()] == [("READING", None)]
        bad = await kl.execute(LEAVE, {"id": doc["id"], "activity": "EDITING", "section": "sec_x"})
        assert bad["leavePresence"] == {"__typename": "InvalidInput", "field": "sectionId"}
        # Closing the tab: gone at once.
        await kl.execute(LEAVE, {"id": doc["id"]})
        assert await seen() == []
        # A page that goes away without a word: gone when its report expires.
        await kl.execute(REPORT, {"input": {"documentId": doc["id"], "activity": "READING"}})
        assert len(await seen()) == 1
        app.clock.advance(timedelta(seconds=60))
        await regions.execute(REPORT, {"input": {"documentId": doc["id"], "sectionId": data, "activity": "EDITING"}})
        assert await seen() == []


async def test_many_presence_followers_of_a_process_cost_one_read_a_second(as_user: AsUser, app: RunningApp) -> None:
    """Six open pages on two documents: one watch reads the presence of both, not one read per page."""
    sec = await as_user(SECRETARIAT)
    docs = [await new_document(sec, [("Afsnit", "Tekst.")]) for _ in range(2)]
    token = (await as_user(REGIONS)).http.cookies["udkast_session"]
    pages = [Subscription(app.url, token) for _ in range(6)]
    try:
        for i, page in enumerate(pages):
            await page.__aenter__()
            await page.subscribe({"documentId": docs[i % 2]["id"]}, PRESENCE)
            assert (await page.next())["payload"]["data"]["documentPresence"] == []
        assert app.counter is not None
        app.counter.targets.clear()
        await asyncio.sleep(3.2)
        reads = app.counter.targets.count("find presence")
        assert 2 <= reads <= 4, app.counter.targets
    finally:
        for page in pages:
            await page.__aexit__()


async def test_following_presence_of_a_document_one_may_not_read_is_refused(as_user: AsUser, app: RunningApp) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")], participants=("kl",))
    token = (await as_user(REGIONS)).http.cookies["udkast_session"]
    async with Subscription(app.url, token) as sub:
        await sub.subscribe({"documentId": doc["id"]}, PRESENCE)
        message = await sub.next()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_idle_websocket_connections_are_closed(app: RunningApp, mongodb_uri: str) -> None:
    """A connection with no subscription and no message is closed by the server; one in use stays open."""
    from dataclasses import replace

    idle_app = start_app(replace(app.settings, websocket_idle_seconds=1), mongodb_uri, app.clock, load_seed=False)
    try:
        api = Api(idle_app.url)
        await api.sign_in(KL)
        async with Subscription(idle_app.url, api.http.cookies["udkast_session"]) as sub:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(sub.ws.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4000
        sec = Api(idle_app.url)
        await sec.sign_in(SECRETARIAT)
        doc = await new_document(sec, [("Afsnit", "Tekst.")])
        async with Subscription(idle_app.url, api.http.cookies["udkast_session"]) as busy:
            await busy.subscribe({"documentId": doc["id"]})
            await asyncio.sleep(2.5)  # longer than the idle limit, but with a subscription running
            await busy.ws.send(json.dumps({"type": "ping"}))
            assert (await busy.next())["type"] == "pong"
        await sec.close()
        await api.close()
    finally:
        idle_app.stop()


async def test_many_subscribers_of_a_process_cost_one_read_of_the_log_per_change(
    as_user: AsUser, app: RunningApp
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Første.")])
    token = (await as_user(KL)).http.cookies["udkast_session"]
    subscriptions = [Subscription(app.url, token) for _ in range(6)]
    for sub in subscriptions:
        await sub.__aenter__()
        await sub.subscribe({"documentId": doc["id"]})
    try:
        await asyncio.sleep(0.8)  # all following
        assert app.counter is not None
        app.counter.targets.clear()
        await asyncio.sleep(1.0)
        # Nobody writes: the process only looks at the sequence counter, by _id.
        assert "find events" not in app.counter.targets
        assert "find counters" in app.counter.targets
        app.counter.targets.clear()
        result = await save(sec, doc["sections"][0], 1, "Anden.", title="Afsnit")
        assert result["__typename"] == "SectionSaved"
        for sub in subscriptions:
            assert [e["kind"] for e in await sub.events(1)] == ["section.saved"]
        # Six subscribers, one change: the log is read once or twice (a read may land mid-write), not six times.
        assert 1 <= app.counter.targets.count("find events") <= 2, app.counter.targets
    finally:
        for sub in subscriptions:
            await sub.__aexit__()


async def test_a_subscriber_resuming_while_others_follow_gets_the_past_then_the_present(
    as_user: AsUser, app: RunningApp
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Første.")])
    token = (await as_user(KL)).http.cookies["udkast_session"]
    async with Subscription(app.url, token) as first:
        await first.subscribe({"documentId": doc["id"]})
        await asyncio.sleep(0.5)
        await save(sec, doc["sections"][0], 1, "Anden.", title="Afsnit")
        await save(sec, doc["sections"][0], 2, "Tredje.", title="Afsnit")
        seen = await first.events(2)
        async with Subscription(app.url, token) as late:
            await late.subscribe({"documentId": doc["id"], "afterSeq": seen[0]["seq"]})
            past = await late.events(1)
            await save(sec, doc["sections"][0], 3, "Fjerde.", title="Afsnit")
            present = await late.events(1)
        assert [e["data"]["version"] for e in await first.events(1)] == [4]
    assert [e["seq"] for e in past] == [seen[1]["seq"]]
    assert [e["data"]["version"] for e in present] == [4]


@pytest.mark.parametrize("others_following", [True, False], ids=["others-following", "first-follower"])
async def test_an_event_whose_insert_lags_behind_a_later_one_still_arrives_in_order(
    as_user: AsUser, app: RunningApp, store: Store, others_following: bool
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Første.")])
    document_id = ids.parse(doc["id"], "Document")
    token = (await as_user(KL)).http.cookies["udkast_session"]

    def event(seq: int) -> dict[str, Any]:
        return {
            "_id": ObjectId(),
            "seq": seq,
            "kind": "section.saved",
            "at": app.clock.now(),
            "actor_id": None,
            "organization_id": None,
            "document_id": document_id,
            "entity_type": None,
            "entity_id": None,
            "data": {"version": seq},
            "client_address": None,
            "audience_organization_id": None,
        }

    async with contextlib.AsyncExitStack() as stack:
        following = None
        if others_following:  # the process's follower is running already
            following = await stack.enter_async_context(Subscription(app.url, token))
            await following.subscribe({"documentId": doc["id"]})
            await asyncio.sleep(0.5)
        start = await store.events.last_seq()
        # Two writers drew start+1 and start+2; the second insert lands first.
        await store.db["counters"].update_one({"_id": "events"}, {"$set": {"seq": start + 2}})
        await store.db["events"].insert_one(event(start + 2))
        resuming = await stack.enter_async_context(Subscription(app.url, token))
        await resuming.subscribe({"documentId": doc["id"], "afterSeq": start})
        await asyncio.sleep(1.0)
        await store.db["events"].insert_one(event(start + 1))  # the slow insert
        assert [e["seq"] for e in await resuming.events(2)] == [start + 1, start + 2]
        if following is not None:
            assert [e["seq"] for e in await following.events(2)] == [start + 1, start + 2]
