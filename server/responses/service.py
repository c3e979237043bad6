"""The party's response in the making: save general remarks, attach or remove the response letter.

Each workflow checks its one permission (a consulted party answers for its own organisation:
``Action.RESPOND_TO_CONSULTATION``; reading the draft: ``Action.READ_RESPONSE_DRAFT``), then that
the organisation is consulted, the consultation open and the response not yet sent; a refusal
writes nothing. What the organisation drafts is its own: the events say only that something
changed, and only to the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId

from server import ids
from server.accounts import permissions
from server.accounts.permissions import Action
from server.caller import Caller
from server.comments import model as comments_model
from server.consultations import queries as consultation_queries
from server.consultations.model import Consultation
from server.drafting import service as drafting
from server.drafting.model import Document
from server.outcomes import Denied, Failure, Invalid, Missing
from server.responses import model
from server.responses.model import Letter, ResponseDraft
from server.store import Store


@dataclass(frozen=True)
class Party:
    """A consultation, its document and the caller's organisation answering it."""

    consultation: Consultation
    document: Document
    organization_id: ObjectId


async def _party(store: Store, caller: Caller, consultation_id: ObjectId | None, action: Action) -> Party | Failure:
    if caller.actor is None:
        return Denied(permissions.NOT_SIGNED_IN)
    consultation = await consultation_queries.get(store, consultation_id, now=caller.now) if consultation_id else None
    if consultation is None:
        return Missing("Consultation")
    document = await drafting.authorised_document(store, caller, consultation.document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return Missing("Consultation") if isinstance(document, Missing) else document
    organization_id = caller.actor.organization_id
    refusal = permissions.check(caller.actor, action, drafting.scope_of(document, organization_id))
    if refusal:
        return Denied(refusal)
    if organization_id not in consultation.organization_ids:
        return Invalid("consultationId", "not_consulted_party")
    return Party(consultation, document, organization_id)


async def _writable(store: Store, caller: Caller, consultation_id: ObjectId | None) -> Party | Failure:
    """The party, when it may still change its draft: consulted, open, not yet answered."""
    party = await _party(store, caller, consultation_id, Action.RESPOND_TO_CONSULTATION)
    if not isinstance(party, Party):
        return party
    if not party.consultation.is_open:
        return Invalid("consultationId", "consultation_closed")
    if await store.consultations.response(party.consultation.id, party.organization_id) is not None:
        return Invalid("consultationId", "response_sent")
    return party


async def _changed(store: Store, caller: Caller, party: Party, what: str) -> ResponseDraft:
    await store.events.append(
        "response.draft_changed",
        caller.origin,
        caller.now,
        document_id=party.document.id,
        entity=("Consultation", party.consultation.id),
        data={"changed": what},
        audience_organization_id=party.organization_id,  # a draft is the organisation's own
    )
    return await store.response_drafts.draft(party.consultation.id, party.organization_id)


async def response_draft(store: Store, caller: Caller, consultation_id: ObjectId | None) -> ResponseDraft | Failure:
    """The caller's organisation's general remarks and letter for a consultation, as last saved."""
    party = await _party(store, caller, consultation_id, Action.READ_RESPONSE_DRAFT)
    if not isinstance(party, Party):
        return party
    return await store.response_drafts.draft(party.consultation.id, party.organization_id)


async def save_general_remarks(
    store: Store, caller: Caller, consultation_id: ObjectId | None, text: str
) -> ResponseDraft | Failure:
    party = await _writable(store, caller, consultation_id)
    if not isinstance(party, Party):
        return party
    problem = model.remarks_problem(text)
    if problem:
        return Invalid.of(problem)
    assert caller.actor is not None
    await store.response_drafts.save_remarks(
        party.consultation.id, party.organization_id, text.strip(), caller.actor.user_id, caller.now
    )
    return await _changed(store, caller, party, "general_remarks")


async def attach_letter(
    store: Store, caller: Caller, consultation_id: ObjectId | None, filename: str, data: bytes
) -> ResponseDraft | Failure:
    """Attach the response letter (replacing the one attached before): PDF or Word, by content."""
    party = await _writable(store, caller, consultation_id)
    if not isinstance(party, Party):
        return party
    filename = filename.strip()
    problem = model.letter_problem(filename, data)
    if problem:
        return Invalid.of(problem)
    found = model.letter_type(data)
    assert found is not None and caller.actor is not None
    file_id = await store.response_drafts.store_file(
        filename,
        data,
        {"consultation_id": party.consultation.id, "organization_id": party.organization_id, "type": found.value},
    )
    letter = Letter(file_id, filename, found, len(data), caller.now, caller.actor.user_id)
    await store.response_drafts.set_letter(
        party.consultation.id, party.organization_id, letter, caller.actor.user_id, caller.now
    )
    return await _changed(store, caller, party, "letter")


async def remove_letter(store: Store, caller: Caller, consultation_id: ObjectId | None) -> ResponseDraft | Failure:
    party = await _writable(store, caller, consultation_id)
    if not isinstance(party, Party):
        return party
    draft = await store.response_drafts.draft(party.consultation.id, party.organization_id)
    if draft.letter is None:
        return Invalid("consultationId", "letter_missing")
    assert caller.actor is not None
    await store.response_drafts.set_letter(
        party.consultation.id, party.organization_id, None, caller.actor.user_id, caller.now
    )
    return await _changed(store, caller, party, "letter")


async def letter(store: Store, caller: Caller, file_id: ObjectId | None) -> Letter | None:
    """A response letter, for whoever may see it; None for everyone else (ids reveal nothing).

    Before the response is sent, a letter is its organisation's alone. The letter sent with the
    response is seen by those who see the organisation's submitted comments on the document.
    """
    actor = caller.actor
    owner = await store.response_drafts.letter_owner(file_id) if file_id and actor else None
    if owner is None or actor is None:
        return None
    consultation_id, organization_id, found = owner
    consultation = await consultation_queries.get(store, consultation_id, now=caller.now)
    if consultation is None:
        return None
    document = await drafting.authorised_document(store, caller, consultation.document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return None
    if actor.organization_id != organization_id:
        response = await store.consultations.response(consultation_id, organization_id)
        sent = response is not None and response.attachment_id == found.file_id
        if not sent or not comments_model.may_see(actor, document, organization_id, submitted=True):
            return None
    return found


async def letter_file(store: Store, caller: Caller, file_id: ObjectId | None) -> tuple[Letter, bytes] | None:
    """A response letter with its bytes, for whoever may see it (``letter``)."""
    found = await letter(store, caller, file_id)
    data = await store.response_drafts.file(found.file_id) if found else None
    return (found, data) if found is not None and data is not None else None


def letter_url(letter: Letter) -> str:
    return f"/responses/letters/{ids.encode('ResponseLetter', letter.file_id)}"
