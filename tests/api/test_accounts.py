"""Accounts: sign-in, sessions, throttling, invitations, request hygiene (issue 3)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from server.accounts.model import Role
from server.store import Store
from tests.support import (
    DEMO_PASSWORD,
    KL,
    KL_COMMENTER,
    PLO_COMMENTER,
    REGIONS,
    REGIONS_COMMENTER,
    SDS,
    SECRETARIAT,
    SUM,
    Api,
    RunningApp,
)

SIGN_IN = """mutation($email: String!, $password: String!) {
  signIn(email: $email, password: $password) {
    __typename
    ... on SignedIn { user { name roles organization { slug } } }
    ... on UserError { message code }
    ... on TooManyAttempts { retryAfterMinutes }
  }
}"""


async def _sign_in(api: Api, email: str, password: str) -> dict[str, Any]:
    return (await api.execute(SIGN_IN, {"email": email, "password": password}))["signIn"]  # type: ignore[no-any-return]


async def _new_user(store: Store, app: RunningApp, email: str, roles: list[str], org: str = "kl") -> None:
    from server.accounts import passwords

    organization = await store.accounts.organization_by_slug(org)
    assert organization is not None
    await store.accounts.create_user(
        email=email,
        name="Test Person",
        organization_id=organization.id,
        roles=[Role(r) for r in roles],
        password_hash=await passwords.hash_password(DEMO_PASSWORD),
        at=app.clock.now(),
    )


@pytest.mark.parametrize(
    ("email", "org", "roles"),
    [
        (SECRETARIAT, "sundhedsdatastyrelsen", ["EDITOR", "SECRETARIAT"]),
        (SDS, "sundhedsdatastyrelsen", ["APPROVER", "EDITOR"]),
        (KL, "kl", ["APPROVER", "EDITOR"]),
        (REGIONS, "danske-regioner", ["APPROVER", "EDITOR"]),
        (SUM, "sum", ["APPROVER", "EDITOR"]),
        (KL_COMMENTER, "kl", ["COMMENTER"]),
        (REGIONS_COMMENTER, "danske-regioner", ["COMMENTER"]),
        (PLO_COMMENTER, "plo", ["COMMENTER"]),
    ],
)
async def test_demo_accounts_sign_in(api: Api, email: str, org: str, roles: list[str]) -> None:
    result = await _sign_in(api, email, DEMO_PASSWORD)
    assert result["__typename"] == "SignedIn"
    assert result["user"]["organization"]["slug"] == org
    assert result["user"]["roles"] == roles
    viewer = await api.execute("{ viewer { name } }")
    assert viewer["viewer"]["name"] == result["user"]["name"]


async def test_session_cookie_is_httponly_and_lax(api: Api) -> None:
    response = await api.raw(SIGN_IN, {"email": KL, "password": DEMO_PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "udkast_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain http in tests


async def test_wrong_password_and_unknown_email_get_the_same_answer(api: Api) -> None:
    wrong = await _sign_in(api, REGIONS_COMMENTER, "forkert-adgangskode")
    unknown = await _sign_in(api, "findes.ikke@example.dk", "forkert-adgangskode")
    assert (
        wrong
        == unknown
        == {
            "__typename": "InvalidCredentials",
            "message": "Forkert e-mail eller adgangskode.",
            "code": "INVALID_CREDENTIALS",
        }
    )
    assert (await api.execute("{ viewer { id } }"))["viewer"] is None


async def test_english_messages_on_request(app: RunningApp) -> None:
    api = Api(app.url, headers={"accept-language": "en-GB,en;q=0.9"})
    try:
        result = await _sign_in(api, "findes.ikke@example.dk", "forkert-adgangskode")
        assert result["message"] == "Wrong email or password."
    finally:
        await api.close()


async def test_mutation_without_session_is_not_signed_in(api: Api) -> None:
    data = await api.execute(
        'mutation { createSnapshot(input: {documentId: "doc_000000000000000000000000"}) { __typename '
        "... on UserError { message } } }"
    )
    assert data["createSnapshot"] == {"__typename": "NotSignedIn", "message": "Du skal logge ind først."}


async def test_sign_out_revokes_the_session_on_the_server(app: RunningApp, store: Store) -> None:
    api = Api(app.url)
    await api.sign_in(KL_COMMENTER)
    token = api.http.cookies["udkast_session"]
    assert (await api.execute("mutation { signOut { __typename } }"))["signOut"]["__typename"] == "SignedOut"
    replay = Api(app.url)
    replay.http.cookies.set("udkast_session", token)
    assert (await replay.execute("{ viewer { id } }"))["viewer"] is None
    assert await store.accounts.session(token) is None
    await api.close()
    await replay.close()


async def test_cross_origin_post_with_a_valid_cookie_is_refused(as_user) -> None:  # type: ignore[no-untyped-def]
    api: Api = await as_user(KL)
    evil = await api.raw("{ viewer { id } }", headers={"origin": "https://evil.example"})
    assert evil.status_code == 403
    assert evil.json()["errors"][0]["extensions"]["code"] == "cross_origin"
    by_referer = await api.raw("{ viewer { id } }", headers={"referer": "https://evil.example/page"})
    assert by_referer.status_code == 403
    same = await api.raw("{ viewer { name } }", headers={"origin": api.url})
    assert same.status_code == 200 and same.json()["data"]["viewer"]["name"]


async def test_queries_and_mutations_over_get_are_refused(api: Api) -> None:
    response = await api.http.get("/graphql", params={"query": "{ viewer { id } }"})
    assert response.status_code in (400, 404, 405)


async def test_depth_alias_and_token_bombs_are_refused(as_user) -> None:  # type: ignore[no-untyped-def]
    api: Api = await as_user(KL)
    deep = "{ documents { " + "sections { document { " * 8 + "id" + " } }" * 8 + " } }"
    payload = (await api.raw(deep)).json()
    assert "exceeds maximum operation depth" in payload["errors"][0]["message"]
    aliases = "{ " + " ".join(f"a{i}: viewer {{ id }}" for i in range(100)) + " }"
    payload = (await api.raw(aliases)).json()
    assert "aliases" in payload["errors"][0]["message"].lower()
    tokens = "{ viewer { " + "id " * 6000 + "} }"
    payload = (await api.raw(tokens)).json()
    assert "token" in payload["errors"][0]["message"].lower()


async def test_oversized_body_is_refused(api: Api) -> None:
    response = await api.raw("{ viewer { id } }", {"padding": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == "Forespørgslen er for stor (højst 1 MB)."
    english = await api.http.post("/graphql", content=b"x" * (1024 * 1024 + 10), headers={"accept-language": "en"})
    assert english.status_code == 413
    assert english.json()["errors"][0]["message"] == "The request is too large (at most 1 MB)."


async def test_validation_cache_hits_with_limits_on(as_user) -> None:  # type: ignore[no-untyped-def]
    from strawberry.extensions.validation_cache import _get_validate_cache

    api: Api = await as_user(KL)
    cache = _get_validate_cache(512)
    query = "{ documents { slug } }"
    await api.execute(query)
    before = cache.cache_info().hits
    for _ in range(3):
        await api.execute(query)
    assert cache.cache_info().hits >= before + 3


async def test_sign_in_is_slowed_then_locked_and_unlocks_later(app: RunningApp, api: Api, store: Store) -> None:
    email = "laas@kl.example"
    await _new_user(store, app, email, ["COMMENTER"])
    for _ in range(5):
        assert (await _sign_in(api, email, "forkert-adgangskode"))["__typename"] == "InvalidCredentials"
    locked = await _sign_in(api, email, DEMO_PASSWORD)
    assert locked["__typename"] == "TooManyAttempts"
    assert "For mange mislykkede forsøg" in locked["message"]
    assert 1 <= locked["retryAfterMinutes"] <= 16
    app.clock.advance(timedelta(minutes=16))
    assert (await _sign_in(api, email, DEMO_PASSWORD))["__typename"] == "SignedIn"


async def test_a_sign_in_forgets_earlier_failures(app: RunningApp, api: Api, store: Store) -> None:
    email = "glemt@kl.example"
    await _new_user(store, app, email, ["COMMENTER"])
    for _ in range(4):
        assert (await _sign_in(api, email, "forkert-adgangskode"))["__typename"] == "InvalidCredentials"
    app.clock.advance(timedelta(minutes=1))
    assert (await _sign_in(api, email, DEMO_PASSWORD))["__typename"] == "SignedIn"
    for _ in range(4):  # four more mistakes do not lock: the first four were forgotten
        assert (await _sign_in(api, email, "forkert-adgangskode"))["__typename"] == "InvalidCredentials"
    assert (await _sign_in(api, email, DEMO_PASSWORD))["__typename"] == "SignedIn"


async def test_password_is_rehashed_when_parameters_change(app: RunningApp, api: Api, store: Store) -> None:
    email = "gammel@kl.example"
    organization = await store.accounts.organization_by_slug("kl")
    assert organization is not None
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(DEMO_PASSWORD)
    await store.accounts.create_user(
        email=email,
        name="Gammel Hash",
        organization_id=organization.id,
        roles=[Role.READER],
        password_hash=weak,
        at=app.clock.now(),
    )
    assert (await _sign_in(api, email, DEMO_PASSWORD))["__typename"] == "SignedIn"
    found = await store.accounts.credentials(email)
    assert found is not None and found[1] != weak
    assert PasswordHasher().verify(found[1], DEMO_PASSWORD)


INVITE = """mutation($input: InviteUserInput!) { inviteUser(input: $input) {
  __typename ... on UserInvited { link invitation { email roles organization { slug } } }
  ... on InvalidInput { field message } } }"""
ACCEPT = """mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) {
  __typename ... on InvitationAccepted { user { name roles organization { slug } } }
  ... on InvalidInput { field message } } }"""


async def test_invitation_is_single_use_and_sets_a_strong_password(as_user, api: Api) -> None:  # type: ignore[no-untyped-def]
    secretariat: Api = await as_user(SECRETARIAT)
    orgs = await secretariat.execute("{ organizations { id slug } }")
    plo = next(o["id"] for o in orgs["organizations"] if o["slug"] == "plo")
    invited = await secretariat.execute(
        INVITE,
        {"input": {"email": "Ny.Laege@PLO.example", "name": "Ny Læge", "organizationId": plo, "roles": ["COMMENTER"]}},
    )
    result = invited["inviteUser"]
    assert result["__typename"] == "UserInvited"
    assert result["invitation"]["email"] == "ny.laege@plo.example"
    token = result["link"].split("#", 1)[1]

    weak = await api.execute(ACCEPT, {"input": {"token": token, "password": "kort"}})
    assert weak["acceptInvitation"]["field"] == "password"
    common = await api.execute(ACCEPT, {"input": {"token": token, "password": "adgangskode123"}})
    assert common["acceptInvitation"]["message"] == "Adgangskoden er for almindelig. Vælg en anden."
    good = await api.execute(ACCEPT, {"input": {"token": token, "password": "Blåbær og sundhedsdata 2026"}})
    assert good["acceptInvitation"]["__typename"] == "InvitationAccepted"
    assert good["acceptInvitation"]["user"]["organization"]["slug"] == "plo"
    again = await api.execute(ACCEPT, {"input": {"token": token, "password": "Blåbær og sundhedsdata 2027"}})
    assert again["acceptInvitation"]["field"] == "token"
    assert (await _sign_in(api, "ny.laege@plo.example", "Blåbær og sundhedsdata 2026"))["__typename"] == "SignedIn"


async def test_invitation_expires(app: RunningApp, as_user, api: Api) -> None:  # type: ignore[no-untyped-def]
    secretariat: Api = await as_user(SECRETARIAT)
    orgs = await secretariat.execute("{ organizations { id slug } }")
    kl = next(o["id"] for o in orgs["organizations"] if o["slug"] == "kl")
    invited = await secretariat.execute(
        INVITE, {"input": {"email": "sen@kl.example", "name": "Sen Bruger", "organizationId": kl, "roles": ["READER"]}}
    )
    token = invited["inviteUser"]["link"].split("#", 1)[1]
    app.clock.advance(timedelta(days=8))
    late = await api.execute(ACCEPT, {"input": {"token": token, "password": "Blåbær og sundhedsdata 2026"}})
    assert late["acceptInvitation"]["field"] == "token"


async def test_deactivating_a_user_ends_their_sessions(app: RunningApp, as_user, store: Store) -> None:  # type: ignore[no-untyped-def]
    email = "deaktiveres@kl.example"
    await _new_user(store, app, email, ["COMMENTER"])
    victim = Api(app.url)
    user = await victim.sign_in(email)
    secretariat: Api = await as_user(SECRETARIAT)
    result = await secretariat.execute(
        "mutation($input: SetUserActiveInput!) { setUserActive(input: $input) { __typename "
        "... on UserActivityChanged { user { active } } } }",
        {"input": {"userId": user["id"], "active": False}},
    )
    assert result["setUserActive"]["user"]["active"] is False
    assert (await victim.execute("{ viewer { id } }"))["viewer"] is None
    assert (await _sign_in(victim, email, DEMO_PASSWORD))["__typename"] == "InvalidCredentials"
    await victim.close()


async def test_no_secret_reaches_a_response_a_log_line_or_the_event_log(
    app: RunningApp, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # the most any deployment logs; pymongo dumps commands only at DEBUG
    api = Api(app.url)
    await api.sign_in(SECRETARIAT)
    token = api.http.cookies["udkast_session"]
    found = await store.accounts.credentials(SECRETARIAT)
    assert found is not None
    password_hash = found[1]
    bodies = []
    for query in ["{ viewer { id name email roles } }", "{ users { id name email roles active } }"]:
        bodies.append((await api.raw(query)).text)
    await _sign_in(api, SECRETARIAT, "forkert-adgangskode")
    events = await store.events.of_kinds(["signin.succeeded", "signin.failed"], limit=1000)
    everything = "\n".join(bodies + [r.getMessage() for r in caplog.records] + [repr(e) for e in events])
    assert token not in everything
    assert password_hash not in everything and "$argon2" not in everything
    assert DEMO_PASSWORD not in everything and "forkert-adgangskode" not in everything
    await api.close()


async def test_sign_ins_are_audited_with_client_address(api: Api, store: Store) -> None:
    await _sign_in(api, PLO_COMMENTER, "forkert-adgangskode")
    await _sign_in(api, PLO_COMMENTER, DEMO_PASSWORD)
    failed = [
        e for e in await store.events.of_kinds(["signin.failed"], limit=1000) if e.data.get("email") == PLO_COMMENTER
    ]
    succeeded = await store.events.of_kinds(["signin.succeeded"])
    assert failed and failed[-1].client_address == "127.0.0.1"
    assert succeeded and succeeded[-1].actor_id is not None


async def test_pending_invitations_are_listed_for_the_secretariat_only(as_user, app: RunningApp) -> None:  # type: ignore[no-untyped-def]
    secretariat: Api = await as_user(SECRETARIAT)
    orgs = await secretariat.execute("{ organizations { id slug } }")
    plo = next(o["id"] for o in orgs["organizations"] if o["slug"] == "plo")
    await secretariat.execute(
        INVITE,
        {
            "input": {
                "email": "venter@plo.example",
                "name": "Venter Endnu",
                "organizationId": plo,
                "roles": ["COMMENTER"],
            }
        },
    )
    listed = await secretariat.execute("{ invitations { email name roles organization { slug } expiresAt } }")
    mine = [i for i in listed["invitations"] if i["email"] == "venter@plo.example"]
    assert mine == [
        {
            "email": "venter@plo.example",
            "name": "Venter Endnu",
            "roles": ["COMMENTER"],
            "organization": {"slug": "plo"},
            "expiresAt": mine[0]["expiresAt"],
        }
    ]
    kl: Api = await as_user(KL)
    assert (await kl.execute("{ invitations { email } }"))["invitations"] == []


async def test_server_time_is_the_servers_clock(as_user, app: RunningApp) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    kl: Api = await as_user(KL)
    data = await kl.execute("{ serverTime }")
    assert datetime.fromisoformat(data["serverTime"]) == app.clock.now()
