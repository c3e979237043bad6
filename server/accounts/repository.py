"""Organisations, users, sessions, invitations and sign-in throttling in the store.

Session and invitation tokens are stored only as HMAC-SHA256 digests keyed with SECRET_KEY, so
a copy of the database does not let anyone sign in. FerretDB 1.x has no TTL indexes, so expired
sessions are refused on read and swept by a periodic task (``sweep_expired``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from server.accounts.model import Invitation, Organization, Role, Session, User
from server.db import Database
from server.stored import from_stored

INDEXES = {
    "organizations": [IndexModel([("slug", ASCENDING)], name="organizations_slug_unique", unique=True)],
    "users": [
        IndexModel([("email", ASCENDING)], name="users_email_unique", unique=True),
        IndexModel([("organization_id", ASCENDING)], name="users_organization"),
    ],
    "sessions": [
        IndexModel([("user_id", ASCENDING)], name="sessions_user"),
        IndexModel([("expires_at", ASCENDING)], name="sessions_expires_at"),
    ],
    "invitations": [IndexModel([("token_digest", ASCENDING)], name="invitations_token_unique", unique=True)],
    "signin_failures": [
        IndexModel([("key", ASCENDING), ("at", ASCENDING)], name="signin_failures_key_at"),
        IndexModel([("expires_at", ASCENDING)], name="signin_failures_expires_at"),
    ],
}


class EmailTaken(Exception):
    pass


def _organization(doc: Mapping[str, Any]) -> Organization:
    return from_stored(Organization, doc, absent={"short_name": doc["name"], "kind": "other"})


def _user(doc: Mapping[str, Any]) -> User:
    return from_stored(User, doc, roles=_roles(doc), absent={"active": True})


def _invitation(doc: Mapping[str, Any]) -> Invitation:
    return from_stored(Invitation, doc, roles=_roles(doc))


def _roles(doc: Mapping[str, Any]) -> frozenset[Role]:
    return frozenset(Role(r) for r in doc.get("roles", []))


class Accounts:
    def __init__(self, db: Database, secret_key: str) -> None:
        self._organizations = db["organizations"]
        self._bodies = db["bodies"]
        self._users = db["users"]
        self._sessions = db["sessions"]
        self._invitations = db["invitations"]
        self._failures = db["signin_failures"]
        self._claims = db["invitation_claims"]
        self._key = secret_key.encode()

    def digest(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()

    # Organisations

    async def organizations(self) -> list[Organization]:
        return [_organization(doc) async for doc in self._organizations.find().sort("name", ASCENDING)]

    async def organizations_by_ids(self, ids: Sequence[ObjectId]) -> dict[ObjectId, Organization]:
        if not ids:
            return {}
        return {doc["_id"]: _organization(doc) async for doc in self._organizations.find({"_id": {"$in": list(ids)}})}

    async def organization_by_slug(self, slug: str) -> Organization | None:
        doc = await self._organizations.find_one({"slug": slug})
        return _organization(doc) if doc else None

    async def upsert_organization(self, slug: str, *, name: str, short_name: str, kind: str) -> ObjectId:
        """Create the organisation with ``slug``, or bring its names up to date (the seed)."""
        doc = await self._organizations.find_one_and_update(
            {"slug": slug},
            {"$set": {"name": name, "short_name": short_name, "kind": kind}, "$setOnInsert": {"slug": slug}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None  # upsert with ReturnDocument.AFTER always returns the document
        return ObjectId(doc["_id"])

    async def upsert_body(self, slug: str, *, name: str, description: str, member_ids: Sequence[ObjectId]) -> None:
        """Create or update a body (a board or group of organisations, from the seed)."""
        await self._bodies.update_one(
            {"slug": slug},
            {"$set": {"name": name, "description": description, "member_ids": list(member_ids)}},
            upsert=True,
        )

    # Users

    async def user(self, user_id: ObjectId) -> User | None:
        doc = await self._users.find_one({"_id": user_id})
        return _user(doc) if doc else None

    async def users_by_ids(self, ids: Iterable[ObjectId]) -> dict[ObjectId, User]:
        wanted = list(ids)
        if not wanted:
            return {}
        return {doc["_id"]: _user(doc) async for doc in self._users.find({"_id": {"$in": wanted}})}

    async def users(self, organization_id: ObjectId | None = None) -> list[User]:
        query = {} if organization_id is None else {"organization_id": organization_id}
        return [_user(doc) async for doc in self._users.find(query).sort("email", ASCENDING)]

    async def credentials(self, email: str) -> tuple[User, str] | None:
        doc = await self._users.find_one({"email": email})
        return (_user(doc), doc["password_hash"]) if doc else None

    async def create_user(
        self,
        *,
        email: str,
        name: str,
        organization_id: ObjectId,
        roles: Iterable[Role],
        password_hash: str,
        at: datetime,
    ) -> User:
        doc = {
            "_id": ObjectId(),
            "email": email,
            "name": name,
            "organization_id": organization_id,
            "roles": sorted(r.value for r in roles),
            "password_hash": password_hash,
            "active": True,
            "created_at": at,
        }
        try:
            await self._users.insert_one(doc)
        except DuplicateKeyError:
            raise EmailTaken(email) from None
        return _user(doc)

    async def set_password_hash(self, user_id: ObjectId, password_hash: str) -> None:
        await self._users.update_one({"_id": user_id}, {"$set": {"password_hash": password_hash}})

    async def set_active(self, user_id: ObjectId, active: bool) -> None:
        await self._users.update_one({"_id": user_id}, {"$set": {"active": active}})
        if not active:
            await self.end_sessions(user_id)

    async def end_sessions(self, user_id: ObjectId) -> None:
        await self._sessions.delete_many({"user_id": user_id})

    # Sessions

    async def create_session(self, token: str, user_id: ObjectId, at: datetime, expires_at: datetime) -> None:
        await self._sessions.insert_one(
            {
                "_id": self.digest(token),
                "user_id": user_id,
                "created_at": at,
                "last_seen_at": at,
                "expires_at": expires_at,
            }
        )

    async def session(self, token: str) -> Session | None:
        doc = await self._sessions.find_one({"_id": self.digest(token)})
        if doc is None:
            return None
        return Session(doc["user_id"], doc["created_at"], doc["last_seen_at"], doc["expires_at"])

    async def touch_session(self, token: str, at: datetime, expires_at: datetime) -> None:
        await self._sessions.update_one(
            {"_id": self.digest(token)}, {"$set": {"last_seen_at": at, "expires_at": expires_at}}
        )

    async def delete_session(self, token: str) -> None:
        await self._sessions.delete_one({"_id": self.digest(token)})

    async def sweep_expired(self, now: datetime) -> int:
        sessions = await self._sessions.delete_many({"expires_at": {"$lt": now}})
        await self._failures.delete_many({"expires_at": {"$lt": now}})
        return sessions.deleted_count

    # Invitations

    async def create_invitation(
        self,
        token: str,
        *,
        email: str,
        name: str,
        organization_id: ObjectId,
        roles: Iterable[Role],
        invited_by: ObjectId,
        at: datetime,
        expires_at: datetime,
    ) -> Invitation:
        doc = {
            "_id": ObjectId(),
            "token_digest": self.digest(token),
            "email": email,
            "name": name,
            "organization_id": organization_id,
            "roles": sorted(r.value for r in roles),
            "invited_by": invited_by,
            "created_at": at,
            "expires_at": expires_at,
            "accepted_at": None,
        }
        await self._invitations.insert_one(doc)
        return _invitation(doc)

    async def pending_invitations(self, now: datetime) -> list[Invitation]:
        cursor = self._invitations.find({"accepted_at": None, "expires_at": {"$gt": now}}).sort("created_at", ASCENDING)
        return [_invitation(doc) async for doc in cursor]

    async def claim_invitation(self, token: str, now: datetime) -> Invitation | None:
        """Use an open invitation once. The claim is an insert keyed by the invitation's id, so
        of two simultaneous acceptances exactly one wins (a unique key is atomic on every store;
        FerretDB applies conditional updates as read-then-write)."""
        doc = await self._invitations.find_one({"token_digest": self.digest(token), "expires_at": {"$gt": now}})
        if doc is None or doc.get("accepted_at") is not None:
            return None
        try:
            await self._claims.insert_one({"_id": doc["_id"], "at": now})
        except DuplicateKeyError:
            return None
        await self._invitations.update_one({"_id": doc["_id"]}, {"$set": {"accepted_at": now}})
        return _invitation({**doc, "accepted_at": now})

    # Sign-in throttling, per account and per client address. Each failure is its own inserted
    # document (never a counter), so parallel guesses are all counted on every store.

    async def unlocked_at(self, key: str, now: datetime, window: timedelta, limit: int) -> datetime | None:
        """When ``key`` may try again, if it has ``limit`` failures within ``window``; else None."""
        cursor = self._failures.find({"key": key, "at": {"$gt": now - window}}).sort("at", DESCENDING).limit(limit)
        recent = [doc["at"] async for doc in cursor]
        if len(recent) < limit:
            return None
        return recent[-1] + window  # type: ignore[no-any-return]

    async def failures(self, key: str, now: datetime, window: timedelta) -> int:
        return await self._failures.count_documents({"key": key, "at": {"$gt": now - window}})

    async def record_failure(self, key: str, now: datetime, window: timedelta) -> ObjectId:
        """Count an attempt as failed; sign-in records it before checking the password."""
        result = await self._failures.insert_one({"key": key, "at": now, "expires_at": now + window})
        return result.inserted_id  # type: ignore[no-any-return]

    async def forget_failure(self, failure_id: ObjectId) -> None:
        await self._failures.delete_one({"_id": failure_id})

    async def clear_failures(self, key: str, *, before: datetime) -> None:
        await self._failures.delete_many({"key": key, "at": {"$lt": before}})
