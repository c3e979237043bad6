"""Reads: *Mine opgaver* (what the caller's organisation owes now) and the outbox for the secretariat.

The decisions listed here come from the same rule as the reminders (``model.owes_decision``
and ``model.party_decided``), so a task and a reminder never disagree: the reminder goes to the
parties whose task is open and who have not said they await their own board. The consultation
responses likewise (``model.owes_response`` over ``answered``): a party is reminded exactly while
its task is listed, before the deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bson import ObjectId

from server.accounts import permissions
from server.accounts.model import Role
from server.accounts.permissions import Action
from server.approvals.model import ApprovalRound, party
from server.caller import Caller
from server.consultations import queries as consultation_queries
from server.consultations.model import Consultation
from server.drafting.model import Document
from server.drafting.service import scope_of
from server.notifications import model
from server.notifications.model import Notification, OutboxPage, State
from server.store import Store

MAX_OUTBOX_PAGE = 200


class TaskKind(StrEnum):
    DECISION = "DECISION"  # a written-procedure decision the organisation owes
    CONSULTATION_RESPONSE = "CONSULTATION_RESPONSE"  # a consultation response the organisation owes
    DRAFT_COMMENTS = "DRAFT_COMMENTS"  # the organisation's comments not yet submitted, on a document
    COMMENTS_AWAITING_ANSWER = "COMMENTS_AWAITING_ANSWER"  # for the steering group: submitted, not yet answered
    UNDELIVERABLE_MESSAGES = "UNDELIVERABLE_MESSAGES"  # for the secretariat: messages that did not arrive


@dataclass(frozen=True)
class Task:
    kind: TaskKind
    due: datetime | None
    document: Document | None = None
    round: ApprovalRound | None = None
    awaiting_board: bool = False
    count: int = 1  # for a consultation response: the organisation's unsent drafts on it
    consultation: Consultation | None = None


async def my_tasks(store: Store, caller: Caller) -> list[Task]:
    """What the caller's organisation owes now, soonest deadline first (nothing when signed out)."""
    actor = caller.actor
    if actor is None:
        return []
    tasks: list[Task] = []
    if Role.APPROVER in actor.roles:
        rounds = [
            r
            for r in await store.approvals.open_rounds(actor.organization_id)
            if caller.now < r.deadline and not model.party_decided(r, actor.organization_id)
        ]
        documents = {d.id: d for d in await store.drafting.documents({r.document_id for r in rounds})}
        for round in rounds:
            document = documents.get(round.document_id)
            if document is None or permissions.check(actor, Action.READ_DOCUMENT, scope_of(document)):
                continue
            awaiting = party(round, actor.organization_id).awaiting_board
            tasks.append(Task(TaskKind.DECISION, round.deadline, document, round, awaiting_board=awaiting))
    tasks += await _consultation_tasks(store, caller)
    tasks += await _comment_tasks(store, caller)
    if not permissions.check(actor, Action.READ_OUTBOX):
        undeliverable = await store.notifications.count([State.UNDELIVERABLE])
        if undeliverable:
            tasks.append(Task(TaskKind.UNDELIVERABLE_MESSAGES, None, count=undeliverable))
    return sorted(tasks, key=lambda t: (t.due is None, t.due or caller.now))


async def outbox(
    store: Store, caller: Caller, *, before: int | None, limit: int, states: Sequence[State] = ()
) -> OutboxPage | None:
    """A page of messages and their delivery state, newest first, for the secretariat; None for anyone else."""
    if permissions.check(caller.actor, Action.READ_OUTBOX):
        return None
    return await store.notifications.page(before=before, limit=max(1, min(limit, MAX_OUTBOX_PAGE)), states=states)


async def recipients(store: Store, notifications: Sequence[Notification]) -> dict[ObjectId, str]:
    """The names of the users the messages went to."""
    users = await store.accounts.users_by_ids({n.user_id for n in notifications if n.user_id})
    return {u.id: u.name for u in users.values()}


async def _comment_tasks(store: Store, caller: Caller) -> list[Task]:
    """Per document: the caller's organisation's unsent drafts (if it may comment), and the submitted
    comments awaiting the steering group's answer (if it may answer) — from the kept open-comment counts."""
    actor = caller.actor
    assert actor is not None
    documents = [
        d
        for d in await store.drafting.documents()
        if not permissions.check(actor, Action.COMMENT, scope_of(d))
        or not permissions.check(actor, Action.RESPOND_TO_COMMENT, scope_of(d))
    ]
    if not documents:
        return []
    sections = await store.drafting.sections([d.id for d in documents])
    counts = await store.comments.open_counts([s.id for s in sections])
    drafts: dict[ObjectId, int] = {}
    awaiting: dict[ObjectId, int] = {}
    for section in sections:
        for count in counts[section.id].unpacked() if section.id in counts else []:
            if not count.submitted and count.organization_id == actor.organization_id:
                drafts[section.document_id] = drafts.get(section.document_id, 0) + count.count
            elif count.submitted:
                awaiting[section.document_id] = awaiting.get(section.document_id, 0) + count.count
    tasks = []
    for document in documents:
        scope = scope_of(document)
        if drafts.get(document.id) and not permissions.check(actor, Action.COMMENT, scope):
            tasks.append(Task(TaskKind.DRAFT_COMMENTS, None, document, count=drafts[document.id]))
        if awaiting.get(document.id) and not permissions.check(actor, Action.RESPOND_TO_COMMENT, scope):
            tasks.append(Task(TaskKind.COMMENTS_AWAITING_ANSWER, None, document, count=awaiting[document.id]))
    return tasks


async def answered(store: Store, consultation: Consultation) -> set[ObjectId]:
    """The consulted organisations that have answered (responded — comments that went in count —,
    no remarks or declined): with ``model.owes_response``, what decides both the reminders and the
    tasks (``consultations.model.Answers.answered``, as the høringsliste)."""
    return set((await consultation_queries.answers(store, [consultation.id]))[consultation.id].answered)


async def _consultation_tasks(store: Store, caller: Caller) -> list[Task]:
    """The consultations the caller's organisation owes a response to, if the caller may answer for it,
    with the count of the organisation's own unsent drafts (never another's)."""
    actor = caller.actor
    assert actor is not None
    tasks = []
    for found in await store.consultations.open_consultations(actor.organization_id):
        consultation = consultation_queries.as_of(found, caller.now)
        if not model.owes_response(consultation, actor.organization_id, await answered(store, consultation)):
            continue
        document = await store.drafting.document(consultation.document_id)
        scope = replace(scope_of(document), organization_id=actor.organization_id) if document else None
        if document is None or permissions.check(actor, Action.RESPOND_TO_CONSULTATION, scope):
            continue
        drafts = [
            c
            for c in await store.comments.drafts(document.id, actor.organization_id)
            if c.consultation_id == consultation.id
        ]
        tasks.append(
            Task(
                TaskKind.CONSULTATION_RESPONSE,
                consultation.deadline,
                document,
                consultation=consultation,
                count=len(drafts),
            )
        )
    return tasks
