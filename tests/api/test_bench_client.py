"""The load driver's HTTP client (bench/client.py) talks to the app as a browser would: whole answers,
the session cookie it is given kept and given back, and removed when the app ends the session."""

from __future__ import annotations

import socket

import pytest

from bench.client import Client, ClientError
from tests.support import DEMO_PASSWORD, SECRETARIAT, RunningApp

SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { __typename } }"


async def test_a_signed_in_client_keeps_its_session_until_it_signs_out(app: RunningApp) -> None:
    client = Client(app.url)
    try:
        reply = await client.post(
            "/graphql", json={"query": SIGN_IN, "variables": {"e": SECRETARIAT, "p": DEMO_PASSWORD}}
        )
        assert reply.status_code == 200 and reply.json()["data"]["signIn"]["__typename"] == "SignedIn"
        assert client.cookies.get("udkast_session")
        viewer = await client.post("/graphql", json={"query": "{ viewer { email organization { name } } }"})
        assert viewer.json()["data"]["viewer"]["email"] == SECRETARIAT
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        await client.post("/graphql", json={"query": "mutation { signOut { __typename } }"})
        assert "udkast_session" not in client.cookies  # Max-Age=0: gone, as in a browser
        assert (await client.post("/graphql", json={"query": "{ viewer { email } }"})).json()["data"]["viewer"] is None
    finally:
        await client.aclose()


async def test_a_server_that_is_not_there_is_a_client_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    client = Client(f"http://127.0.0.1:{port}", timeout=5)
    try:
        with pytest.raises(ClientError):
            await client.get("/")
    finally:
        await client.aclose()
