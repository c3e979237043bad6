"""Schema-driven fuzzing: schemathesis (GraphQL mode) generates operations from schema/schema.graphql.

Every generated query and mutation goes to ``/graphql`` with a signed-in secretariat session
(the role that reaches the most code). No answer may be a 5xx, leak a traceback, or carry an
execution error other than the masked forms; a masked ``INTERNAL`` error is a resolver that
crashed, so it fails too. NoSQL operator objects in place of scalars are refused by GraphQL
validation and write nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from server.store import Store
from tests.reliability.support import FIGURES, ROOT, scale
from tests.support import DEMO_PASSWORD, SECRETARIAT, RunningApp

schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(st.datetimes().map(datetime.isoformat), st.text(max_size=30)).map(nodes.String),
)
schemathesis.graphql.scalar("Date", st.one_of(st.dates().map(date.isoformat), st.text(max_size=12)).map(nodes.String))
schemathesis.graphql.scalar("JSON", st.just(nodes.String("{}")))

SCHEMA = schemathesis.graphql.from_path(ROOT / "schema" / "schema.graphql")
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
EXAMPLES = scale(4, 32)
MASKED = {"INTERNAL": {"Uventet fejl.", "Unexpected error."}}
# Refusals answered in `errors` on purpose (``server.api.errors.Refused``): a code, and a message in words.
REFUSED = {"BAD_CURSOR", "DIFF_TOO_COMPLEX"}
LEAKS = ("Traceback", 'File "/', "pymongo", "bson.", "site-packages")


def _sign_in(http: httpx.Client) -> None:
    response = http.post(
        "/graphql",
        json={
            "query": "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { __typename } }",
            "variables": {"e": SECRETARIAT, "p": DEMO_PASSWORD},
        },
    )
    assert response.json()["data"]["signIn"]["__typename"] == "SignedIn"


@pytest.fixture(scope="module")
def http(sandbox: RunningApp) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=30) as client:
        _sign_in(client)
        yield client


def problems_in(response: httpx.Response) -> list[str]:
    """What is wrong with one answer: a 5xx, leaked internals, or an execution error not masked as expected."""
    found = []
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    found += [f"leaks {leak!r}" for leak in LEAKS if leak in response.text]
    try:
        payload: dict[str, Any] = response.json()
    except ValueError:
        return [*found, f"not JSON: {response.text[:200]!r}"]
    for error in payload.get("errors") or []:
        if "path" not in error:
            continue  # a syntax, validation or limit error: reported before anything runs
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL":
            found.append(f"a resolver crashed (masked INTERNAL) at {error['path']}")
        elif code in REFUSED:
            if not error.get("message"):
                found.append(f"a refusal without a message: {error}")
        elif code not in MASKED and code != "STORE_UNAVAILABLE":
            found.append(f"unmasked execution error: {error}")
    return found


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_generated_operations_get_clean_answers(label: str, http: httpx.Client, sandbox: RunningApp) -> None:
    operation = OPERATIONS[label]
    seen: list[str] = []

    @settings(max_examples=EXAMPLES, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        if label == "Mutation.signOut":
            with httpx.Client(base_url=sandbox.url, timeout=30) as own:
                _sign_in(own)
                response = own.post("/graphql", json={"query": case.body})
        else:
            response = http.post("/graphql", json={"query": case.body})
        seen.append(case.body)
        problems = problems_in(response)
        assert problems == [], f"{case.body}\n→ {response.status_code} {response.text[:500]}"

    check()
    FIGURES["fuzz: generated GraphQL requests"] += len(seen)
    FIGURES["fuzz: operations covered"] += 1


OPERATOR_ATTACKS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "sign in with operator objects",
        "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { __typename } }",
        {"e": {"$ne": ""}, "p": {"$ne": ""}},
    ),
    (
        "sign in with a regex operator",
        "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { __typename } }",
        {"e": {"$regex": ".*"}, "p": {"$gt": ""}},
    ),
    ("node by operator", "query($id: ID!) { node(id: $id) { id } }", {"id": {"$ne": None}}),
    ("document by operator slug", "query($s: String) { document(slug: $s) { id } }", {"s": {"$gt": ""}}),
    (
        "save with operator section and version",
        "mutation($i: SaveSectionInput!) { saveSection(input: $i) { __typename } }",
        {"i": {"sectionId": {"$ne": None}, "baseVersion": {"$gt": 0}, "title": "t", "body": "b"}},
    ),
    (
        "save with an operator body",
        "mutation($i: SaveSectionInput!) { saveSection(input: $i) { __typename } }",
        {"i": {"sectionId": "sec_000000000000000000000000", "baseVersion": 1, "title": "t", "body": {"$set": 1}}},
    ),
    (
        "comment with operator ids",
        "mutation($i: AddCommentInput!) { addComment(input: $i) { __typename } }",
        {"i": {"sectionId": {"$in": []}, "version": 1, "body": "x", "parentId": {"$exists": True}}},
    ),
    (
        "respond with operator comment id",
        "mutation($i: RespondToCommentInput!) { respondToComment(input: $i) { __typename } }",
        {"i": {"commentId": {"$where": "1"}, "status": "ACCEPTED", "response": "x"}},
    ),
    (
        "events with operator kinds",
        "query($d: ID!, $k: [String!]) { events(documentId: $d, kinds: $k) { items { id } } }",
        {"d": {"$ne": None}, "k": [{"$ne": None}]},
    ),
    (
        "invite with operator email",
        "mutation($i: InviteUserInput!) { inviteUser(input: $i) { __typename } }",
        {"i": {"email": {"$ne": None}, "name": "x", "organizationId": "org_000000000000000000000000", "roles": []}},
    ),
]


async def _state(store: Store) -> dict[str, int]:
    names = await store.db.list_collection_names()
    # Sessions are touched by every signed-in request; everything else must stay as it was.
    return {n: await store.db[n].count_documents({}) for n in sorted(names) if n not in ("sessions", "presence")}


@pytest.mark.parametrize(("name", "query", "variables"), OPERATOR_ATTACKS, ids=[a[0] for a in OPERATOR_ATTACKS])
async def test_operator_objects_are_refused_and_write_nothing(
    name: str, query: str, variables: dict[str, Any], http: httpx.Client, sandbox_store: Store
) -> None:
    before = await _state(sandbox_store)
    response = http.post("/graphql", json={"query": query, "variables": variables})
    payload = response.json()
    assert response.status_code < 500 and payload.get("data") is None and payload["errors"], payload
    assert [leak for leak in LEAKS if leak in response.text] == []
    assert await _state(sandbox_store) == before
    FIGURES["fuzz: NoSQL operator objects refused"] += 1


@pytest.mark.parametrize(
    "query",
    [
        "{ node(id: {ne: 1}) { id } }",
        "{ node(id: {$ne: 1}) { id } }",
        '{ document(slug: {gt: ""}) { id } }',
        'mutation { signIn(email: {ne: ""}, password: {ne: ""}) { __typename } }',
        'mutation { saveSection(input: {sectionId: {ne: null}, baseVersion: 1, title: "t", body: "b"}) { __typename } }',
    ],
)
async def test_inline_operator_objects_are_validation_errors(
    query: str, http: httpx.Client, sandbox_store: Store
) -> None:
    before = await _state(sandbox_store)
    payload = http.post("/graphql", json={"query": query}).json()
    assert payload["data"] is None
    assert [e["message"] for e in payload["errors"]] != []
    assert all(
        "cannot represent" in e["message"] or e["message"].startswith("Syntax Error") for e in payload["errors"]
    ), payload
    assert await _state(sandbox_store) == before
    FIGURES["fuzz: NoSQL operator objects refused"] += 1


def test_operator_objects_in_variables_get_the_validation_message(http: httpx.Client) -> None:
    query, variables = OPERATOR_ATTACKS[0][1], OPERATOR_ATTACKS[0][2]
    payload = http.post("/graphql", json={"query": query, "variables": variables}).json()
    assert payload["data"] is None
    codes = [(e.get("extensions") or {}).get("code") for e in payload["errors"]]
    assert "INTERNAL" not in codes, payload
    assert all("got invalid value" in e["message"] or "invalid value" in e["message"] for e in payload["errors"])
