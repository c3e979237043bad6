"""What other features read of consultations: the consultation of a document or snapshot, the
parties' responses and statuses, and whose answers are published.

These reads check no permission: callers (the comment gate, the report, notifications, the API)
have already decided that the caller may read the document. Given ``now``, a consultation past
its deadline that is due to close is returned closed (as ``service.settle`` will write it), so no
reader ever sees a consultation open past its deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bson import ObjectId

from server.accounts.permissions import ConsultationScope, Scope
from server.consultations import model
from server.consultations.model import Answers, Consultation, PartyView, Response
from server.drafting.model import Document
from server.drafting.service import scope_of
from server.store import Store


def as_of(consultation: Consultation, now: datetime | None) -> Consultation:
    """The consultation with the closure it is due by ``now`` (in memory; the service writes it)."""
    closure = model.due_closure(consultation, now) if now is not None else None
    return model.with_entry(consultation, closure) if closure else consultation


async def get(store: Store, consultation_id: ObjectId | None, *, now: datetime | None = None) -> Consultation | None:
    found = await store.consultations.consultation(consultation_id) if consultation_id else None
    return as_of(found, now) if found else None


async def for_document(store: Store, document_id: ObjectId, *, now: datetime | None = None) -> list[Consultation]:
    """A document's consultations, newest first."""
    return [as_of(c, now) for c in await store.consultations.for_documents([document_id])]


async def open_for_document(store: Store, document_id: ObjectId, *, now: datetime | None = None) -> Consultation | None:
    """The document's open consultation, if any (at most one is ever open)."""
    return next((c for c in await for_document(store, document_id, now=now) if c.is_open), None)


async def current_for_document(
    store: Store, document_id: ObjectId, *, now: datetime | None = None
) -> Consultation | None:
    """The open consultation, else the newest one: what a reader of the document is told about."""
    return current(await store.consultations.for_documents([document_id]), now)


def current(found: Sequence[Consultation], now: datetime | None) -> Consultation | None:
    """Of a document's consultations as stored (newest first), the one ``current_for_document`` gives."""
    seen = [as_of(c, now) for c in found]
    return next((c for c in seen if c.is_open), seen[0] if seen else None)


async def on_snapshot(store: Store, snapshot_id: ObjectId, *, now: datetime | None = None) -> list[Consultation]:
    """The consultations held on this snapshot, newest first (one text may be consulted on twice)."""
    return [as_of(c, now) for c in await store.consultations.for_snapshot(snapshot_id)]


async def responses(store: Store, consultation_id: ObjectId) -> list[Response]:
    """The parties' responses, oldest first."""
    return await store.consultations.responses([consultation_id])


async def answers(store: Store, consultation_ids: Sequence[ObjectId]) -> dict[ObjectId, Answers]:
    """What each consultation's party statuses are derived from, read for them all at once
    (two queries, whatever their number: ``Loaders.consultation_responses``)."""
    if not consultation_ids:
        return {}
    return model.answers_by_consultation(
        consultation_ids,
        await store.consultations.responses(consultation_ids),
        await store.comments.in_consultations(consultation_ids),
    )


def comment_scope(document: Document, consultation: Consultation | None) -> Scope:
    """The permission scope of commenting on ``document``, given its current consultation
    (``current_for_document``): once a document has had one, its parties comment in consultations only."""
    if consultation is None:
        return scope_of(document)
    return replace(
        scope_of(document),
        consultation=ConsultationScope(
            open=consultation.is_open,
            organization_ids=frozenset(consultation.organization_ids),
            closed_at=consultation.closed_at,
        ),
    )


async def party_statuses(store: Store, consultation: Consultation) -> list[PartyView]:
    """The høringsliste: each consulted organisation in order, with its status."""
    return model.party_views(consultation, (await answers(store, [consultation.id]))[consultation.id])


async def published_organizations(store: Store, consultation_id: ObjectId) -> set[ObjectId]:
    """The organisations whose answers from the steering group are published."""
    return {p.organization_id for p in await store.consultations.publications([consultation_id])}
