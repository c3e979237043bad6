"""The consultation workflows: open, extend, close, answer, publish the steering group's answers.

Each workflow checks its one permission, validates, then writes; a refusal writes nothing. The
rules are in ``server.consultations.model``; this module reads, asks the rules, writes, and
records events. Each workflow ends in one call per consequence (event, phase, participants), so
a further consequence — a notification — is one more line.

A consultation is never shown open past a deadline it closes at: every read through the API
settles it first (``settle``), and the app's background task (``close_due_consultations``) closes
the ones nobody reads. Opening moves the document to ``CONSULTATION``; closing moves it back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bson import ObjectId

from server import markdown
from server.accounts.permissions import Action
from server.accounts.queries import organization_slugs
from server.caller import Caller
from server.consultations import model, queries
from server.consultations.model import (
    ClosureEntry,
    Consultation,
    Publication,
    Response,
    ResponseKind,
)
from server.db import Taken
from server.deadlines import service as deadlines
from server.drafting.model import Document, Phase, Snapshot
from server.drafting.service import follow_phase, permitted, record_participant, within_document
from server.events.model import Event, Origin
from server.notifications import service as notifications
from server.outcomes import Failure, Invalid
from server.store import Store
from server.validation import InputProblem

_MAX_ATTEMPTS = 50
SYSTEM = Origin(None, None, None)  # closures at the deadline happen by themselves
FIELD = "consultationId"  # what a problem with the consultation itself names


async def _event(
    store: Store, origin: Origin, now: datetime, kind: str, consultation: Consultation, data: Mapping[str, object]
) -> Event:
    return await store.events.append(
        kind,
        origin,
        now,
        document_id=consultation.document_id,
        entity=("Consultation", consultation.id),
        data=data,
    )


# Reading, with the closure due written first


def _closing(store: Store, origin: Origin, now: datetime) -> Callable[[Consultation, ClosureEntry], Awaitable[Event]]:
    """What follows a closure, as the shared workflow calls it."""
    return lambda consultation, closure: _closed(store, consultation, closure, origin, now)


async def settle(store: Store, consultation: Consultation, now: datetime) -> Consultation:
    """The consultation with the closure it is due at its deadline written first."""
    due = _closing(store, SYSTEM, now)
    return await deadlines.settle(store.consultations, consultation, lambda c: model.due_closure(c, now), due)


async def close_due_consultations(store: Store, now: datetime) -> int:
    """Close every consultation due at its deadline that nobody read (the app's background task)."""
    return await deadlines.close_due(store.consultations, now, lambda c: settle(store, c, now))


async def readable_consultation(
    store: Store, caller: Caller, consultation_id: ObjectId | None
) -> tuple[Document, Consultation] | Failure:
    """A consultation and its document, settled, when the caller may read the document (else missing)."""
    found = await within_document(
        store, caller, consultation_id, store.consultations.consultation, "Consultation", Action.READ_DOCUMENT
    )
    if not isinstance(found, tuple):
        return found
    document, consultation = found
    return document, await settle(store, consultation, caller.now)


async def _authorised(
    store: Store,
    caller: Caller,
    consultation_id: ObjectId | None,
    action: Action,
    organization_id: ObjectId | None = None,
) -> Consultation | Failure:
    return permitted(await readable_consultation(store, caller, consultation_id), caller, action, organization_id)


# Opening


async def _consulted_organizations(
    store: Store, organization_ids: Sequence[ObjectId | None]
) -> list[ObjectId] | InputProblem:
    wanted = list(dict.fromkeys(organization_ids))
    known = [o for o in wanted if o is not None]
    if None in wanted or len(await store.accounts.organizations_by_ids(known)) != len(known):
        return InputProblem("organizationIds", "consultation_organization_unknown", {})
    return known


async def _insert(store: Store, consultation: Consultation, now: datetime) -> Consultation | InputProblem:
    """Insert with the document's next number, while no other consultation of it is open."""
    for _ in range(_MAX_ATTEMPTS):
        existing = await store.consultations.for_documents([consultation.document_id])
        for other in existing:
            if other.is_open and (await settle(store, other, now)).is_open:
                return InputProblem("snapshotId", "consultation_already_open", {})
        number = max((c.number for c in existing), default=0) + 1
        try:
            return await store.consultations.insert(replace(consultation, number=number))
        except Taken:
            continue  # another opener took the number: read again
    return InputProblem("snapshotId", "busy", {})


async def open_consultation(
    store: Store,
    caller: Caller,
    snapshot_id: ObjectId | None,
    deadline: datetime,
    organization_ids: Sequence[ObjectId | None],
    letter: str,
    accept_late: bool,
) -> Consultation | Failure:
    """Open a consultation on a snapshot (secretariat): the consulted organisations become
    participants and the document moves to ``CONSULTATION``."""
    found = await within_document(
        store, caller, snapshot_id, store.drafting.snapshot, "Snapshot", Action.RUN_CONSULTATION
    )
    if not isinstance(found, tuple):
        return found
    document, snapshot = found
    consulted = await _consulted_organizations(store, organization_ids)
    if isinstance(consulted, InputProblem):
        return Invalid.of(consulted)
    deadline = model.as_deadline(deadline)
    problem = model.opening_problem(letter, deadline, consulted, document.phase, caller.now)
    if problem:
        return Invalid.of(problem)
    letter_html = await markdown.render_off_loop(store.workers, letter)
    if letter_html is None:
        return Invalid("letter", "text_too_complex")
    inserted = await _insert(
        store,
        Consultation(
            id=ObjectId(),
            document_id=document.id,
            number=0,
            snapshot_id=snapshot.id,
            letter=letter.strip(),
            letter_html=letter_html,
            opening_deadline=deadline,
            accept_late=accept_late,
            opened_by=caller.user_id,
            opened_at=caller.now,
            organization_ids=tuple(consulted),
            phase_before=document.phase,
        ),
        caller.now,
    )
    if isinstance(inserted, InputProblem):
        return Invalid.of(inserted)
    await _opened(store, caller, inserted, document, snapshot)
    return inserted


async def _opened(
    store: Store, caller: Caller, consultation: Consultation, document: Document, snapshot: Snapshot
) -> Event:
    """What follows an opening: the event, the new participants, the document's phase."""
    event = await _event(
        store,
        caller.origin,
        caller.now,
        "consultation.opened",
        consultation,
        {
            "snapshot": snapshot.number,
            "label": snapshot.label,
            "deadline": consultation.deadline.isoformat(),
            "organizations": await organization_slugs(store, consultation.organization_ids),
            "accept_late": consultation.accept_late,
        },
    )
    await _add_participants(store, caller, document, consultation.organization_ids)
    await follow_phase(store, document.id, Phase.CONSULTATION, caller.origin, caller.now)
    await notifications.consultation_opened(store, consultation, snapshot, str(event.id), caller.now)
    return event


async def _add_participants(
    store: Store, caller: Caller, document: Document, organization_ids: Sequence[ObjectId]
) -> None:
    """Consulting an organisation makes it a participant of the document (for reading and commenting)."""
    new = [o for o in organization_ids if o not in document.participant_ids]
    for organization_id, slug in zip(new, await organization_slugs(store, new), strict=True):
        await record_participant(store, caller, document.id, organization_id, slug, add=True)


# Extending and closing


async def extend_consultation(
    store: Store, caller: Caller, consultation_id: ObjectId | None, deadline: datetime, reason: str = ""
) -> Consultation | Failure:
    """Move an open consultation's deadline later (secretariat)."""
    consultation = await _authorised(store, caller, consultation_id, Action.RUN_CONSULTATION)
    if not isinstance(consultation, Consultation):
        return consultation
    deadline = model.as_deadline(deadline)
    changed = await deadlines.change(
        store.consultations,
        consultation,
        lambda c: model.extend(c, deadline, reason, caller.user_id, caller.now),
        FIELD,
    )
    if isinstance(changed, Invalid):
        return changed
    consultation, entry = changed
    data = {"from": entry.previous.isoformat(), "to": entry.deadline.isoformat(), "reason": entry.reason}
    await _event(store, caller.origin, caller.now, "consultation.extended", consultation, data)
    return consultation


async def close_consultation(store: Store, caller: Caller, consultation_id: ObjectId | None) -> Consultation | Failure:
    """Close an open consultation (secretariat), before or after its deadline."""
    consultation = await _authorised(store, caller, consultation_id, Action.RUN_CONSULTATION)
    if not isinstance(consultation, Consultation):
        return consultation
    closing = _closing(store, caller.origin, caller.now)
    closed = await deadlines.close(
        store.consultations, consultation, lambda c: model.close(c, caller.user_id, caller.now), closing, FIELD
    )
    return Invalid.of(closed) if isinstance(closed, InputProblem) else closed


async def _closed(
    store: Store, consultation: Consultation, closure: ClosureEntry, origin: Origin, now: datetime
) -> Event:
    """What follows a closure: the event, and the document back to the phase it had before."""
    data = {"cause": closure.cause.value, "closed_at": closure.at.isoformat()}
    event = await _event(store, origin, now, "consultation.closed", consultation, data)
    await notifications.consultation_closed(store, consultation, str(event.id), now)
    document = await store.drafting.document(consultation.document_id)
    if document is not None and document.phase == Phase.CONSULTATION:
        others = await store.consultations.for_documents([document.id])
        if not any(c.is_open for c in others if c.id != consultation.id):
            back = consultation.phase_before if consultation.phase_before != Phase.CONSULTATION else Phase.DRAFTING
            await follow_phase(store, document.id, back, origin, now)
    return event


# The parties' responses


async def record_response(
    store: Store,
    caller: Caller,
    consultation_id: ObjectId | None,
    organization_id: ObjectId | None,
    kind: ResponseKind,
    *,
    general_remarks: str = "",
    attachment_id: ObjectId | None = None,
    comment_ids: Sequence[ObjectId] = (),
) -> Response | Failure:
    """The one way a party's answer is written: responded, no remarks or declined; once per party.

    Refused after the deadline unless late responses are accepted (then it is marked late).
    """
    consultation = await _authorised(store, caller, consultation_id, Action.RESPOND_TO_CONSULTATION, organization_id)
    if not isinstance(consultation, Consultation):
        return consultation
    assert organization_id is not None and caller.actor is not None, "the permission rule requires both"
    already = await store.consultations.response(consultation.id, organization_id)
    # Comments that went in are a response with remarks: not to be followed by "ingen bemærkninger".
    sent = (
        kind != ResponseKind.RESPONDED
        and organization_id in (await queries.answers(store, [consultation.id]))[consultation.id].first_sent
    )
    problem = model.response_problem(consultation, organization_id, already, caller.now, comments_sent=sent)
    if problem:
        return Invalid.of(problem)
    response = Response(
        consultation_id=consultation.id,
        organization_id=organization_id,
        kind=kind,
        at=caller.now,
        late=model.is_late(consultation, caller.now),
        by=caller.actor.user_id,
        general_remarks=general_remarks.strip(),
        attachment_id=attachment_id,
        comment_ids=tuple(comment_ids),
    )
    try:
        await store.consultations.insert_response(response)
    except Taken:
        return Invalid("organizationId", "consultation_already_answered")
    await _responded(store, caller, consultation, response)
    return response


async def _responded(store: Store, caller: Caller, consultation: Consultation, response: Response) -> Event:
    [slug] = await organization_slugs(store, [response.organization_id])
    data = {"organization": slug, "kind": response.kind.value, "late": response.late}
    return await _event(store, caller.origin, caller.now, "consultation.responded", consultation, data)


async def answer(
    store: Store,
    caller: Caller,
    consultation_id: ObjectId | None,
    organization_id: ObjectId | None,
    kind: ResponseKind,
) -> Consultation | Failure:
    """A party answers in one action: "ingen bemærkninger" (``NO_REMARKS``), or ``DECLINED`` to take part."""
    recorded = await record_response(store, caller, consultation_id, organization_id, kind)
    if not isinstance(recorded, Response):
        return recorded
    consultation = await store.consultations.consultation(recorded.consultation_id)
    assert consultation is not None
    return consultation


# Publishing the steering group's answers


async def publish_answers(
    store: Store, caller: Caller, consultation_id: ObjectId | None, organization_ids: Sequence[ObjectId | None] | None
) -> tuple[Consultation, list[Publication]] | Failure:
    """Publish the steering group's answers to the parties' comments (secretariat): for every
    consulted organisation not yet published (``organization_ids`` None), or for those named."""
    consultation = await _authorised(store, caller, consultation_id, Action.RUN_CONSULTATION)
    if not isinstance(consultation, Consultation):
        return consultation
    assert caller.actor is not None
    published = {p.organization_id for p in await store.consultations.publications([consultation.id])}
    if organization_ids is None:
        chosen = [o for o in consultation.organization_ids if o not in published]
    else:
        chosen = list(dict.fromkeys(organization_ids))  # type: ignore[arg-type]
        if None in chosen or any(o not in consultation.organization_ids for o in chosen):
            return Invalid("organizationIds", "not_consulted_party")
        if not chosen:
            return Invalid("organizationIds", "consultation_organizations_required")
    if not chosen or any(o in published for o in chosen):
        return Invalid("organizationIds", "answers_already_published")
    publications = []
    for organization_id in chosen:
        assert organization_id is not None
        publication = Publication(consultation.id, organization_id, caller.now, caller.actor.user_id)
        try:
            publications.append(await store.consultations.insert_publication(publication))
        except Taken:
            if not publications:
                return Invalid("organizationIds", "answers_already_published")
    await _published(store, caller, consultation, publications)
    return consultation, publications


async def _published(
    store: Store, caller: Caller, consultation: Consultation, publications: Sequence[Publication]
) -> Event:
    slugs = await organization_slugs(store, [p.organization_id for p in publications])
    event = await _event(
        store, caller.origin, caller.now, "consultation.answers_published", consultation, {"organizations": slugs}
    )
    await notifications.answers_published(
        store, consultation, [p.organization_id for p in publications], str(event.id), caller.now
    )
    return event
