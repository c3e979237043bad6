"""Bad input through every text field and every id field of every mutation, and hostile query shapes.

Every answer is a typed result (never an error, a 5xx or a traceback); NUL characters, which the
store cannot hold, are ``InvalidInput``; whatever is rendered to HTML — in ``html`` fields and in
the HTML exports — carries no markup from the user.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from server.store import Store
from tests.api.drafting_support import new_document, org_ids
from tests.reliability.corpus import (
    BASELINES,
    SCHEMA,
    World,
    corpus,
    html_strings,
    leaf_paths,
    members,
    operation,
    unsafe_html,
    with_value,
)
from tests.reliability.support import FIGURES, SOAK, oid
from tests.support import DEMO_PASSWORD, KL_COMMENTER, SDS, SECRETARIAT, Api, RunningApp

MUTATIONS = sorted(SCHEMA.mutation_type.fields)  # type: ignore[union-attr]
TEXT_FIELDS = [(m, path) for m in MUTATIONS for path, _ in leaf_paths(SCHEMA.mutation_type.fields[m], "String")]  # type: ignore[union-attr]
ID_FIELDS = [(m, path, many) for m in MUTATIONS for path, many in leaf_paths(SCHEMA.mutation_type.fields[m], "ID")]  # type: ignore[union-attr]
BAD_IDS = [
    "",
    "sec_",
    "sec_zzzzzzzzzzzzzzzzzzzzzzzz",
    "doc_000000000000000000000000",
    "000000000000000000000000",
    "x" * 10_000,
    "../../etc/passwd",
    '{"$ne": null}',
    "sec_65a1'; DROP --",
    "før\x00efter",
]
REFUSALS = {"NotSignedIn", "Forbidden", "NotFound", "InvalidInput", "VersionConflict", "InvalidCredentials"} | {
    "TooManyAttempts"
}
NEVER_STORED = {("signIn", ("email",)), ("signIn", ("password",)), ("acceptInvitation", ("input", "token"))}


def test_every_mutation_has_a_baseline() -> None:
    assert set(MUTATIONS) - set(BASELINES) == set(), "add a valid request for it to tests/reliability/corpus.py"


@pytest.fixture(scope="module")
async def world(sandbox: RunningApp) -> AsyncIterator[World]:
    apis = {"anonymous": Api(sandbox.url), "secretariat": Api(sandbox.url), "sds": Api(sandbox.url)}
    await apis["secretariat"].sign_in(SECRETARIAT)
    await apis["sds"].sign_in(SDS)
    secretariat = apis["secretariat"]
    slugs = ["kl", "danske-regioner", "sum", "plo", "sundhedsdatastyrelsen", "region-nordjylland"]
    orgs = dict(zip(slugs, await org_ids(secretariat, *slugs), strict=True))
    document = await new_document(
        secretariat,
        [
            ("Hoved", "Første stykke om data og sundhed.\n\nAndet stykke om screening."),
            ("Reserve", "Et afsnit at flytte."),
            ("Forslag", "Et afsnit der tager imod forslag."),
        ],
        participants=("kl", "danske-regioner", "sum", "plo"),
    )
    main, spare, proposals = document["sections"]
    comment = await apis["sds"].execute(
        "mutation($i: AddCommentInput!) { addComment(input: $i) { ... on CommentAdded { comment { id } } } }",
        {"i": {"sectionId": main, "version": 1, "body": "Styregruppens bemærkning."}},
    )
    users = await secretariat.execute("{ users { id email } }")
    user = next(u["id"] for u in users["users"] if u["email"] == KL_COMMENTER)
    w = World(
        sandbox.clock, apis, orgs, document["id"], main, spare, proposals,
        comment["addComment"]["comment"]["id"], "", "", user,
    )  # fmt: skip
    w.proposal = await w.new_proposal()
    w.round = await w.open_round(await w.snapshot())
    yield w
    for api in apis.values():
        await api.close()


async def send(w: World, mutation: str, variables: dict[str, Any], success: str) -> dict[str, Any]:
    api = w.apis[BASELINES[mutation].actor]
    response = await api.http.post(
        "/graphql",
        content=json.dumps({"query": operation(mutation, success), "variables": variables}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, (mutation, response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    payload = response.json()
    assert not payload.get("errors"), (mutation, variables, payload)
    result: dict[str, Any] = payload["data"][mutation]
    assert result["__typename"] in members(mutation), result
    return result


@pytest.mark.parametrize(("mutation", "path"), TEXT_FIELDS, ids=[f"{m}.{'.'.join(p)}" for m, p in TEXT_FIELDS])
async def test_corpus_through_every_text_field(mutation: str, path: tuple[str, ...], world: World) -> None:
    baseline = BASELINES[mutation]
    tried = 0
    for name, value in corpus(not SOAK, TEXT_FIELDS.index((mutation, path))):
        variables = with_value(await baseline.prepare(world, next(world.counter)), path, value)
        result = await send(world, mutation, variables, baseline.success)
        tried += 1
        if name == "nul" and (mutation, path) not in NEVER_STORED:
            assert result["__typename"] == "InvalidInput", (mutation, path, result)
        if name == "oversized":
            assert result["__typename"] not in members(mutation) - REFUSALS, (mutation, path, "took 200,001 characters")
        for html in html_strings(result):
            assert unsafe_html(html) == [], (mutation, path, name, html)
        if mutation == "openApprovalRound" and "round" in result:
            world.rounds.append(result["round"]["id"])
    FIGURES["bad input: values tried in text fields"] += tried
    FIGURES["bad input: text fields covered"] += 1


@pytest.mark.parametrize(("mutation", "path", "many"), ID_FIELDS, ids=[f"{m}.{'.'.join(p)}" for m, p, _ in ID_FIELDS])
async def test_malformed_ids_in_every_id_field(mutation: str, path: tuple[str, ...], many: bool, world: World) -> None:
    baseline = BASELINES[mutation]
    bad_ids = BAD_IDS if SOAK else BAD_IDS[::3]
    for bad in bad_ids:
        variables = with_value(await baseline.prepare(world, next(world.counter)), path, [bad] if many else bad)
        result = await send(world, mutation, variables, baseline.success)
        assert result["__typename"] in {"NotFound", "InvalidInput", "Forbidden", "PresenceReported"}, (
            path,
            bad,
            result,
        )
    FIGURES["bad input: malformed ids tried"] += len(bad_ids)


async def test_exports_escape_what_the_corpus_wrote(world: World, sandbox_store: Store) -> None:
    """The consultation report and the approval records, as HTML, hold no markup from the corpus."""
    secretariat = world.apis["secretariat"]
    snapshot = await world.snapshot()
    report = await secretariat.http.get(f"/exports/consultation-reports/{snapshot}.html")
    assert report.status_code == 200
    assert unsafe_html(report.text, page=True) == []
    rounds = world.rounds[-5:] + [world.round]
    for round_id in rounds:
        record = await secretariat.http.get(f"/exports/approval-rounds/{round_id}.html")
        assert record.status_code == 200, round_id
        assert unsafe_html(record.text, page=True) == [], round_id
    # The corpus did reach the store: the exports were not checked against empty data.
    comments = await sandbox_store.db["comments"].count_documents({"document_id": oid(world.document)})
    assert comments > 5
    FIGURES["bad input: HTML exports checked"] += 1 + len(rounds)


# Hostile query shapes.


async def _timed(api: Api, body: str) -> tuple[int, dict[str, Any] | str, float]:
    # A connection of its own: a request that ends in a server error may leave its connection closed.
    own = Api(api.url)
    own.http.cookies = api.http.cookies
    started = time.monotonic()
    try:
        response = await own.http.post("/graphql", content=body, headers={"content-type": "application/json"})
    finally:
        await own.close()
    elapsed = time.monotonic() - started
    try:
        return response.status_code, response.json(), elapsed
    except ValueError:
        return response.status_code, response.text, elapsed


def _fragments(levels: int) -> str:
    """Each fragment spreads the one before twice: 2^levels fields if expanded naively."""
    first = "fragment F0 on Query { viewer { id name } organizations { id } }"
    rest = " ".join(f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels))
    return f"{first} {rest} {{ ...F{levels - 1} }}"


SHAPES = {
    "too deep": "{ documents { " + "sections { document { " * 8 + "id" + " } }" * 8 + " } }",
    "alias bomb": "{ " + " ".join(f"a{i}: viewer {{ id }}" for i in range(40)) + " }",
    "alias flood": "{ " + " ".join(f"a{i}: organizations {{ id }}" for i in range(3000)) + " }",
    "field flood": "{ " + "viewer { id } " * 3000 + "}",
    "directive flood": "{ viewer " + "@include(if: true) " * 2000 + "{ id } }",
    "cyclic fragments": "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }",
    "unknown field": "{ viewer { password passwordHash } }",
    "introspection probe": '{ __type(name: "User") { fields { name } } }',
}


@pytest.mark.parametrize("shape", list(SHAPES))
async def test_hostile_query_shapes_are_refused_quickly(shape: str, world: World) -> None:
    status, payload, elapsed = await _timed(world.apis["secretariat"], json.dumps({"query": SHAPES[shape]}))
    assert status < 500 and elapsed < 2, (status, elapsed)
    assert isinstance(payload, dict) and "Traceback" not in json.dumps(payload)
    if shape != "introspection probe":
        assert payload["errors"] and not payload.get("data"), payload
    FIGURES["bad input: hostile query shapes"] += 1


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("oversized body", json.dumps({"query": "{ viewer { id } }", "pad": "x" * 2_000_000}), 413),
        ("batch of 50", json.dumps([{"query": "{ viewer { id } }"}] * 50), 400),
        ("not JSON", "{not json", 400),
        ("query not a string", json.dumps({"query": {"$ne": 1}}), 400),
        ("variables not an object", json.dumps({"query": "{ viewer { id } }", "variables": [1]}), 400),
        (
            "operation name an object",
            json.dumps({"query": "query A { viewer { id } }", "operationName": {"$ne": 1}}),
            400,
        ),
    ],
)
async def test_malformed_requests_get_4xx(name: str, body: str, status: int, world: World) -> None:
    got, _, elapsed = await _timed(world.apis["secretariat"], body)
    assert got == status and elapsed < 2
    FIGURES["bad input: malformed requests"] += 1


async def test_fragment_bomb_is_refused_quickly(world: World) -> None:
    # 18 levels take most of a second; 40 levels (a 2 KB request) stall the whole app for hours.
    status, payload, elapsed = await _timed(world.apis["secretariat"], json.dumps({"query": _fragments(18)}))
    assert status < 500 and elapsed < 0.3, f"{elapsed:.1f} s for an 18-level fragment bomb"


async def test_deeply_nested_json_is_a_4xx(world: World) -> None:
    body = '{"query": "{ viewer { id } }", "variables": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    status, _, _ = await _timed(world.apis["secretariat"], body)
    assert 400 <= status < 500, status


async def test_subscription_over_http_is_refused_clearly(world: World) -> None:
    query = f'subscription {{ documentEvents(documentId: "{world.document}") {{ id }} }}'
    status, payload, _ = await _timed(world.apis["secretariat"], json.dumps({"query": query}))
    assert status < 500 and isinstance(payload, (dict, str))
    codes = (
        [(e.get("extensions") or {}).get("code") for e in payload.get("errors", [])]
        if isinstance(payload, dict)
        else []
    )
    assert "INTERNAL" not in codes, payload


async def test_lone_surrogate_is_invalid_input(world: World) -> None:
    variables = with_value(
        await BASELINES["saveSection"].prepare(world, next(world.counter)), ("input", "body"), "a\ud800b"
    )
    body = json.dumps({"query": operation("saveSection", ""), "variables": variables})  # ensure_ascii: "\\ud800"
    response = await world.apis["secretariat"].http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    payload = response.json()
    assert not payload.get("errors"), payload
    assert payload["data"]["saveSection"]["__typename"] == "InvalidInput"


async def test_sign_in_with_nul_and_oversized_values_is_typed(world: World) -> None:
    for email, password in [("a\x00@x.dk", DEMO_PASSWORD), (SECRETARIAT, "x" * 200_001), ("x" * 200_001, "y")]:
        result = await send(world, "signIn", {"email": email, "password": password}, "")
        assert result["__typename"] in {"InvalidInput", "InvalidCredentials", "TooManyAttempts"}
