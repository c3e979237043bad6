"""GraphQL that approval rounds and consultations share: records that run to a deadline.

Their times are shown in Copenhagen time with the UTC offset, their deadline extensions have one
shape, each names the snapshot it runs on, and each tells the viewer which parties they may act
for (``viewerCan``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any, Self

import strawberry
from bson import ObjectId

from server.accounts import permissions
from server.accounts.permissions import Action
from server.api.accounts import Organization
from server.api.context import Info
from server.api.drafting import Snapshot
from server.clock import COPENHAGEN
from server.deadlines.model import ExtensionEntry
from server.drafting import model as drafting_model
from server.drafting import queries as drafting_queries
from server.drafting.service import scope_of


def local(moment: datetime) -> datetime:
    """Deadlines and the times of a record's log are shown in Copenhagen time, with their UTC offset."""
    return moment.astimezone(COPENHAGEN)


@strawberry.type
class Extension:
    """The fields of a deadline extension (each feature names its own GraphQL type)."""

    model: strawberry.Private[ExtensionEntry]
    previous_deadline: datetime
    deadline: datetime
    reason: str
    at: datetime

    @classmethod
    def of(cls, entry: ExtensionEntry) -> Self:
        at, previous, deadline = local(entry.at), local(entry.previous), local(entry.deadline)
        return cls(model=entry, previous_deadline=previous, deadline=deadline, reason=entry.reason, at=at)


def snapshot_field(*, description: str) -> Any:
    """A field of a type built ``from_domain``: the snapshot its record runs on."""

    async def snapshot(root: Any, info: Info) -> Snapshot | None:
        found = await drafting_queries.snapshot_of(info.context.store, root.model.snapshot_id)
        return Snapshot.of(found) if found else None

    return strawberry.field(resolver=snapshot, description=description)


async def may_act_for(
    info: Info,
    document: drafting_model.Document,
    action: Action,
    organization_ids: Iterable[ObjectId],
    *,
    leaving_out: Collection[ObjectId] = (),
) -> list[Organization]:
    """The parties the viewer may do ``action`` for on the document, in the record's order."""
    actor = info.context.actor
    allowed = [
        o
        for o in organization_ids
        if o not in leaving_out and permissions.check(actor, action, scope_of(document, o)) is None
    ]
    orgs = await info.context.loaders.organization.load_many(allowed)
    return [Organization.of(o) for o in orgs if o]
