"""What a caller may read of a document's events and of who is in it right now."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime

from bson import ObjectId

from server.accounts import permissions
from server.accounts import service as accounts_service
from server.accounts.model import Actor
from server.accounts.permissions import Action
from server.accounts.service import SessionPolicy
from server.caller import Caller
from server.drafting import queries as drafting_queries
from server.drafting import service as drafting_service
from server.drafting.model import Document
from server.events import feed
from server.events.model import Event, Presence
from server.events.presence_feed import PresenceWatch, Signature, signature
from server.outcomes import Denied, Failure
from server.store import Store

MAX_PAGE = 200


@dataclass(frozen=True)
class EventPage:
    items: list[Event]
    next_before: int | None  # the ``before`` of the next (older) page


async def page(
    store: Store,
    caller: Caller,
    document_id: ObjectId | None,
    *,
    before: int | None,
    limit: int,
    organization_id: ObjectId | None,
    kinds: list[str],
    since: datetime | None,
    until: datetime | None,
) -> EventPage | None:
    """A page of a document's activity feed, newest first, for its readers; events meant for
    another organisation's eyes only are left out in the query, before the limit."""
    document = await drafting_service.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    actor = caller.actor
    if not isinstance(document, Document) or actor is None:
        return None
    limit = max(1, min(limit, MAX_PAGE))
    found = await store.events.page(
        document.id, before_seq=before, limit=limit, organization_id=organization_id, kinds=kinds[:50],
        since=since, until=until, audiences=permissions.event_audiences(actor),
    )  # fmt: skip
    return EventPage(found, found[-1].seq if len(found) == limit else None)


async def presence(store: Store, caller: Caller, document_id: ObjectId | None) -> list[Presence]:
    """Who is reading or editing the document right now, other than the caller."""
    document = await drafting_service.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document) or caller.actor is None:
        return []
    user_id = caller.actor.user_id
    return [p for p in await store.presence.current(document.id, caller.now) if p.user_id != user_id]


async def still_reading(
    store: Store,
    policy: SessionPolicy,
    token: str | None,
    client_address: str | None,
    now: datetime,
    document_id: ObjectId,
) -> Actor | Failure:
    """A subscriber as they are now, if their session is alive (without extending it) and they may
    still read the document: what a subscription checks before each event (DESIGN §4.7)."""
    user = await accounts_service.session_user(store.accounts, policy, token, now, touch=False) if token else None
    if user is None:
        return Denied(permissions.NOT_SIGNED_IN)
    caller = Caller(Actor.of(user), client_address, now)
    found = await drafting_service.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(found, Document):
        return found
    assert caller.actor is not None
    return caller.actor


async def follow(
    store: Store,
    hub: feed.Hub,
    caller: Caller,
    session: tuple[SessionPolicy, str | None],
    document_id: ObjectId | None,
    after_seq: int | None,
    clock: Callable[[], datetime],
) -> AsyncIterator[Event | Failure]:
    """The document's events as they happen, for as long as the subscriber may see them.

    Access is checked for every event, not once when the stream opened (DESIGN §4.7): a sign-out,
    a deactivation or the organisation's removal from the document ends the stream with the
    failure; an event meant for another organisation only is left out.
    """
    found = await drafting_service.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(found, Document):
        yield found
        return
    opened_by = caller.actor
    assert opened_by is not None
    policy, token = session
    visible = functools.partial(_sees, opened_by)
    async for event in feed.follow(hub, found.id, after_seq, visible):
        now = await still_reading(store, policy, token, caller.client_address, clock(), found.id)
        if not isinstance(now, Actor):
            yield now
            return
        if _sees(now, event):
            yield event


async def follow_presence(
    store: Store,
    watch: PresenceWatch,
    caller: Caller,
    session: tuple[SessionPolicy, str | None],
    document_id: ObjectId | None,
    clock: Callable[[], datetime],
) -> AsyncIterator[list[Presence] | Failure]:
    """Who else is on the document: now, then each time that changes, while the subscriber may read it.

    A change of the subscriber's own entry, or only of a heartbeat's time, is no news. Access is
    checked for each delivery, as for the events (DESIGN §4.7)."""
    found = await drafting_service.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(found, Document):
        yield found
        return
    assert caller.actor is not None
    me, policy, token = caller.actor.user_id, *session
    shown: Signature | None = None
    async for entries in watch.follow(found.id):
        others = [p for p in entries if p.user_id != me]
        if signature(others) == shown:
            continue
        now = await still_reading(store, policy, token, caller.client_address, clock(), found.id)
        if not isinstance(now, Actor):
            yield now
            return
        shown = signature(others)
        yield others


def _sees(actor: Actor, event: Event) -> bool:
    return permissions.sees_event(actor, event.audience_organization_id)


async def event(store: Store, actor: Actor | None, event_id: ObjectId) -> Event | None:
    """One event, when the caller may read its document and the event is not meant for others only."""
    found = await store.events.by_id(event_id) if actor else None
    if actor is None or found is None or found.document_id is None:
        return None
    if await drafting_queries.document_of(store, actor, found.document_id) is None:
        return None
    return found if permissions.sees_event(actor, found.audience_organization_id) else None
