"""Accounts as plain data, and the password rule."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from bson import ObjectId


class Role(StrEnum):
    SECRETARIAT = "SECRETARIAT"  # runs documents, snapshots, approval rounds, participants, invitations
    EDITOR = "EDITOR"  # the steering group: edits sections, answers comments
    APPROVER = "APPROVER"  # records the written-process decision for their own organisation
    COMMENTER = "COMMENTER"  # comments for their organisation
    READER = "READER"


@dataclass(frozen=True)
class Organization:
    id: ObjectId
    slug: str
    name: str
    short_name: str
    kind: str


@dataclass(frozen=True)
class User:
    id: ObjectId
    email: str
    name: str
    organization_id: ObjectId
    roles: frozenset[Role]
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Actor:
    """Who is acting: the signed-in user as the permission rules see them."""

    user_id: ObjectId
    organization_id: ObjectId
    roles: frozenset[Role]

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user_id=user.id, organization_id=user.organization_id, roles=user.roles)


@dataclass(frozen=True)
class Session:
    user_id: ObjectId
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Invitation:
    id: ObjectId
    email: str
    name: str
    organization_id: ObjectId
    roles: frozenset[Role]
    expires_at: datetime
    accepted_at: datetime | None


MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@functools.cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """The message key of what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!?.#")
    if lowered in _common_passwords() or stripped in _common_passwords() or len(set(lowered)) <= 3:
        return "password_common"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def valid_email(email: str) -> bool:
    return len(email) <= 254 and _EMAIL.match(email) is not None
