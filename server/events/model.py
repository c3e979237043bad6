"""Events as plain data: an append-only record of who changed what, when, from where; and
presence, who is reading or editing which section right now.

Presence is a heartbeat, not history: one small document per user and document, replaced on
each report and ignored once it is older than ``PRESENCE_TTL``, so it expires by itself when a
client goes away. It is deliberately not written to the event log, which is kept forever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeAlias

from bson import ObjectId

EventData: TypeAlias = Mapping[str, object]  # what happened, in JSON-like values (kept as written)


@dataclass(frozen=True)
class Event:
    id: ObjectId
    seq: int
    kind: str
    at: datetime
    actor_id: ObjectId | None
    organization_id: ObjectId | None
    document_id: ObjectId | None
    entity_type: str | None
    entity_id: ObjectId | None
    data: EventData
    client_address: str | None
    audience_organization_id: ObjectId | None  # set when only one organisation may see it (drafts)


@dataclass(frozen=True)
class Origin:
    """Who caused an event, and from where."""

    actor_id: ObjectId | None
    organization_id: ObjectId | None
    client_address: str | None


PRESENCE_TTL = timedelta(seconds=45)


class Activity(StrEnum):
    READING = "READING"
    EDITING = "EDITING"


@dataclass(frozen=True)
class Presence:
    user_id: ObjectId
    organization_id: ObjectId
    document_id: ObjectId
    section_id: ObjectId | None
    activity: Activity
    at: datetime
