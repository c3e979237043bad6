"""Presence heartbeats: the writes of the events feature that are not events themselves."""

from __future__ import annotations

from datetime import timedelta

from bson import ObjectId

from server.accounts.permissions import Action
from server.caller import Caller
from server.drafting import service as drafting_service
from server.drafting.model import Document
from server.events.model import PRESENCE_TTL, Activity, Presence
from server.outcomes import Failure, Invalid
from server.store import Store


async def report_presence(
    store: Store,
    caller: Caller,
    document_id: ObjectId | None,
    activity: Activity,
    *,
    in_section: bool,
    section_id: ObjectId | None,
) -> timedelta | Failure:
    """I am reading or editing (a section of) this document; returns how long the report holds.
    ``in_section`` says whether a section was named (``section_id`` is None when its id is malformed)."""
    document = await drafting_service.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return document
    if in_section:
        section = await store.drafting.section(section_id) if section_id else None
        if section is None or section.document_id != document.id:
            return Invalid("sectionId", "not_found_section")
    assert caller.actor is not None
    await store.presence.report(
        Presence(caller.actor.user_id, caller.actor.organization_id, document.id, section_id, activity, caller.now)
    )
    return PRESENCE_TTL


async def leave_presence(
    store: Store,
    caller: Caller,
    document_id: ObjectId | None,
    *,
    only_if: tuple[Activity, ObjectId | None] | None = None,
    malformed_section: bool = False,
) -> None | Failure:
    """I left the document: stop showing me in it. With ``only_if`` (a page that closes names what it
    reported), only while my entry still says that, so the page I opened next keeps its report."""
    document = await drafting_service.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return document
    if malformed_section:
        return Invalid("sectionId", "not_found_section")
    assert caller.actor is not None
    await store.presence.leave(caller.actor.user_id, document.id, only_if=only_if)
    return None
