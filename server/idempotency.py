"""Idempotent mutations: a client may send ``Idempotency-Key`` with any POST to /graphql.

The first request with a key is executed and its reply kept for a day; a retry with the same
key (and the same session) gets that reply again and writes nothing new; the same key with a
different body is refused. The claim is an insert on a unique ``_id`` — atomic on every store.
Replies are kept encrypted with a key derived from SECRET_KEY *and* the idempotency key, so the
database alone never reveals what a reply contained (an invitation link, say). Session cookies
are never stored: a replayed sign-in does not hand out the session again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.clock import Clock
from server.db import Database
from server.messages import Language, text

HEADER = b"idempotency-key"
KEEP_FOR = timedelta(hours=24)
ABANDONED_AFTER = timedelta(seconds=30)
MAX_KEY_LENGTH = 200

INDEXES = {"idempotency": [IndexModel([("expires_at", ASCENDING)], name="idempotency_expires_at")]}


def _error(status: int, code: str, message: str) -> tuple[int, bytes]:
    body = json.dumps({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]})
    return status, body.encode()


class IdempotentReplies:
    def __init__(self, db: Database, secret_key: str) -> None:
        self._replies = db["idempotency"]
        self._secret = secret_key.encode()

    def _ids(self, scope_key: str, key: str) -> tuple[str, Fernet]:
        record_id = hmac.new(self._secret, f"id:{scope_key}:{key}".encode(), hashlib.sha256).hexdigest()
        fernet_key = hmac.new(self._secret, f"enc:{scope_key}:{key}".encode(), hashlib.sha256).digest()
        return record_id, Fernet(base64.urlsafe_b64encode(fernet_key))

    async def run(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, key: str, clock: Clock, language: Language
    ) -> None:
        body = await _read_body(receive)
        fingerprint = hashlib.sha256(body).hexdigest()
        session = _cookie(scope, "udkast_session") or "anonymous"
        scope_key = hashlib.sha256(session.encode()).hexdigest()
        record_id, fernet = self._ids(scope_key, key)
        now = clock.now()
        claimed = await self._claim(record_id, fingerprint, now)
        if not claimed:
            existing = await self._replies.find_one({"_id": record_id})
            if existing is None:
                claimed = await self._claim(record_id, fingerprint, now)
            elif existing["fingerprint"] != fingerprint:
                status, payload = _error(422, "IDEMPOTENCY_KEY_REUSED", text("idempotency_reused", language))
                await _send(send, status, payload)
                return
            elif existing.get("reply") is None:
                if now - existing["created_at"] > ABANDONED_AFTER:
                    await self._replies.delete_one({"_id": record_id, "reply": None})
                    claimed = await self._claim(record_id, fingerprint, now)
                if not claimed:
                    status, payload = _error(409, "IDEMPOTENCY_IN_PROGRESS", text("idempotency_pending", language))
                    await _send(send, status, payload)
                    return
            else:
                try:
                    reply = json.loads(fernet.decrypt(existing["reply"]))
                except InvalidToken:
                    status, payload = _error(422, "IDEMPOTENCY_KEY_REUSED", text("idempotency_reused", language))
                    await _send(send, status, payload)
                    return
                await _send(send, reply["status"], base64.b64decode(reply["body"]), replayed=True)
                return

        captured: dict[str, Any] = {"status": 500, "body": b""}
        messages: list[Message] = []

        async def replay_receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            messages.append(message)

        try:
            await app(scope, replay_receive, capture)
        except BaseException:
            await self._replies.delete_one({"_id": record_id, "reply": None})
            raise
        if captured["status"] >= 500:
            await self._replies.delete_one({"_id": record_id, "reply": None})  # let the client retry
        else:
            # Keep the reply before the client sees it, so an immediate retry finds it.
            reply = {"status": captured["status"], "body": base64.b64encode(captured["body"]).decode()}
            await self._replies.update_one(
                {"_id": record_id}, {"$set": {"reply": fernet.encrypt(json.dumps(reply).encode())}}
            )
        for message in messages:
            await send(message)

    async def _claim(self, record_id: str, fingerprint: str, now: datetime) -> bool:
        try:
            await self._replies.insert_one(
                {
                    "_id": record_id,
                    "fingerprint": fingerprint,
                    "created_at": now,
                    "expires_at": now + KEEP_FOR,
                    "reply": None,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def sweep(self, now: datetime) -> None:
        await self._replies.delete_many({"expires_at": {"$lt": now}})


def idempotency_key(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == HEADER:
            key = value.decode("latin-1").strip()
            return key if 0 < len(key) <= MAX_KEY_LENGTH and key.isprintable() else ""
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    for header, value in scope.get("headers", []):
        if header == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return str(v)
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send(send: Send, status: int, body: bytes, *, replayed: bool = False) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
