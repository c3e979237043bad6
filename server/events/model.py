"""Events as plain data: an append-only record of who changed what, when, from where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId


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
    data: Mapping[str, Any]
    client_address: str | None
    audience_organization_id: ObjectId | None  # set when only one organisation may see it (drafts)


@dataclass(frozen=True)
class Origin:
    """Who caused an event, and from where."""

    actor_id: ObjectId | None
    organization_id: ObjectId | None
    client_address: str | None
