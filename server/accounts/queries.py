"""What a caller may read of organisations, users and invitations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bson import ObjectId

from server import ids
from server.accounts import permissions
from server.accounts.model import Actor, Invitation, Organization, User
from server.accounts.permissions import Action
from server.store import Store


async def organizations(store: Store, actor: Actor | None) -> list[Organization]:
    """Every organisation, for signed-in users."""
    if permissions.check(actor, Action.READ_DIRECTORY):
        return []
    return await store.accounts.organizations()


async def users(store: Store, actor: Actor | None) -> list[User]:
    """Every user, for the secretariat."""
    if permissions.check(actor, Action.MANAGE_USERS):
        return []
    return await store.accounts.users()


async def pending_invitations(
    store: Store, actor: Actor | None, now: datetime
) -> list[tuple[Invitation, Organization]]:
    """Invitations not yet accepted and not expired, each with its organisation, for the secretariat."""
    if permissions.check(actor, Action.MANAGE_USERS):
        return []
    pending = await store.accounts.pending_invitations(now)
    orgs = await store.accounts.organizations_by_ids(list({i.organization_id for i in pending}))
    return [(i, orgs[i.organization_id]) for i in pending if i.organization_id in orgs]


async def organization(store: Store, organization_id: ObjectId) -> Organization | None:
    """An organisation by id (the directory is open to every signed-in user)."""
    return (await store.accounts.organizations_by_ids([organization_id])).get(organization_id)


async def organization_slugs(store: Store, organization_ids: Sequence[ObjectId]) -> list[str]:
    """Each organisation's slug, as events name the parties in their data (the encoded id of one
    that is gone)."""
    found = await store.accounts.organizations_by_ids(list(organization_ids))
    return [found[o].slug if o in found else ids.encode("Organization", o) for o in organization_ids]
