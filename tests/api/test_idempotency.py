"""Idempotent mutations: a retried request with the same key writes nothing new (issue 11)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from server import ids
from server.store import Store
from tests.api.drafting_support import SAVE, new_document
from tests.support import KL, SECRETARIAT, Api

AsUser = Callable[[str], Awaitable[Api]]


async def _count_versions(store: Store, section_id: str) -> int:
    oid = ids.parse(section_id, "Section")
    assert oid is not None
    return len(await store.drafting.versions(oid, limit=1000))


async def test_a_retry_returns_the_first_result_and_writes_nothing(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Første tekst.")])
    body = {
        "query": SAVE,
        "variables": {
            "input": {"sectionId": doc["sections"][0], "baseVersion": 1, "title": "Afsnit", "body": "Anden tekst."}
        },
    }
    headers = {"idempotency-key": "gem-afsnit-1"}
    first = await sec.http.post("/graphql", json=body, headers=headers)
    again = await sec.http.post("/graphql", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["data"]["saveSection"]["version"]["number"] == 2
    assert again.headers.get("idempotent-replayed") == "true"
    assert await _count_versions(store, doc["sections"][0]) == 2
    events = await store.events.for_entity(ids.parse(doc["sections"][0], "Section"), kinds=["section.saved"])
    assert len(events) == 1


async def test_the_same_key_with_another_payload_is_refused(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Første tekst.")])
    headers = {"idempotency-key": "gem-afsnit-2"}

    def body(text: str) -> dict[str, object]:
        return {
            "query": SAVE,
            "variables": {
                "input": {"sectionId": doc["sections"][0], "baseVersion": 1, "title": "Afsnit", "body": text}
            },
        }

    assert (await sec.http.post("/graphql", json=body("To."), headers=headers)).status_code == 200
    refused = await sec.http.post("/graphql", json=body("Tre."), headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert refused.json()["errors"][0]["message"] == "Idempotensnøglen er allerede brugt til en anden forespørgsel."
    assert await _count_versions(store, doc["sections"][0]) == 2


async def test_keys_belong_to_a_session_and_replies_are_stored_encrypted(as_user: AsUser, store: Store) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL)
    doc = await new_document(sec, [("Afsnit", "Første tekst.")])
    headers = {"idempotency-key": "delt-noegle"}

    def body(text: str, base: int) -> dict[str, object]:
        return {
            "query": SAVE,
            "variables": {
                "input": {"sectionId": doc["sections"][0], "baseVersion": base, "title": "Afsnit", "body": text}
            },
        }

    one = await sec.http.post("/graphql", json=body("Hemmelig formulering.", 1), headers=headers)
    two = await kl.http.post("/graphql", json=body("Kommunernes formulering.", 2), headers=headers)
    assert one.json()["data"]["saveSection"]["version"]["number"] == 2
    assert two.json()["data"]["saveSection"]["version"]["number"] == 3
    stored = [doc async for doc in store.db["idempotency"].find({})]
    assert stored and all(b"Hemmelig" not in bytes(d["reply"] or b"") for d in stored)


async def test_an_invalid_key_is_refused(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    response = await sec.http.post(
        "/graphql", json={"query": "{ viewer { id } }"}, headers={"idempotency-key": "x" * 201}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
