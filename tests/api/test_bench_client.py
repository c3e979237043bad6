"""The load driver's HTTP client (bench/client.py) reads what the app answers as a browser would:
whole answers on one kept connection, the session cookie it is given and takes back, chunked answers, and a
connection the server closed while it was idle."""

from __future__ import annotations

import asyncio

import pytest

from bench.client import Client, ClientError
from tests.support import DEMO_PASSWORD, SECRETARIAT, RunningApp

SIGN_IN = "mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { __typename } }"


async def test_a_signed_in_client_keeps_its_session_and_its_connection(app: RunningApp) -> None:
    client = Client(app.url)
    try:
        reply = await client.post(
            "/graphql", json={"query": SIGN_IN, "variables": {"e": SECRETARIAT, "p": DEMO_PASSWORD}}
        )
        assert reply.status_code == 200 and reply.json()["data"]["signIn"]["__typename"] == "SignedIn"
        assert client.cookies.get("udkast_session")
        connection = client._writer
        viewer = await client.post("/graphql", json={"query": "{ viewer { email organization { name } } }"})
        assert viewer.json()["data"]["viewer"]["email"] == SECRETARIAT
        assert client._writer is connection  # the same connection, kept alive
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        await client.post("/graphql", json={"query": "mutation { signOut { __typename } }"})
        assert "udkast_session" not in client.cookies  # Max-Age=0: gone, as in a browser
        assert (await client.post("/graphql", json={"query": "{ viewer { email } }"})).json()["data"]["viewer"] is None
    finally:
        await client.aclose()


async def test_a_chunked_answer_is_read_whole_and_a_connection_closed_while_idle_is_reopened() -> None:
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        body = "Høringssvar æøå".encode()
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/plain\r\n\r\n")
        writer.write(b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (5, body[:5], len(body) - 5, body[5:]))
        await writer.drain()
        writer.close()  # closed after one answer, while the client thinks it is kept

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = Client(f"http://127.0.0.1:{port}", timeout=5)
    try:
        for _ in range(3):
            reply = await client.get("/")
            assert reply.status_code == 200 and reply.text == "Høringssvar æøå"
        assert connections == 3
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
    with pytest.raises(ClientError):
        await Client(f"http://127.0.0.1:{port}", timeout=5).get("/")
