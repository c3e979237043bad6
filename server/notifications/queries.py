"""Reads: *Mine opgaver* (what the caller's organisation owes now) and the outbox for the secretariat.

The decisions listed here come from the same rule as the reminders (``model.owes_decision``
and ``model.party_decided``), so a task and a reminder never disagree: the reminder goes to the
parties whose task is open and who have not said they await their own board.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bson import ObjectId

from server.accounts import permissions
from server.accounts.model import Role
from server.accounts.permissions import Action
from server.approvals.model import ApprovalRound, party
from server.caller import Caller
from server.drafting.model import Document
from server.drafting.service import scope_of
from server.notifications import model
from server.notifications.model import Notification, State
from server.store import Store

OUTBOX_PAGE = 200


class TaskKind(StrEnum):
    DECISION = "DECISION"  # a written-procedure decision the organisation owes
    UNDELIVERABLE_MESSAGES = "UNDELIVERABLE_MESSAGES"  # for the secretariat: messages that did not arrive


@dataclass(frozen=True)
class Task:
    kind: TaskKind
    due: datetime | None
    document: Document | None = None
    round: ApprovalRound | None = None
    awaiting_board: bool = False
    count: int = 1


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
    if not permissions.check(actor, Action.READ_OUTBOX):
        undeliverable = await store.notifications.count([State.UNDELIVERABLE])
        if undeliverable:
            tasks.append(Task(TaskKind.UNDELIVERABLE_MESSAGES, None, count=undeliverable))
    return sorted(tasks, key=lambda t: (t.due is None, t.due or caller.now))


async def outbox(store: Store, caller: Caller, states: Sequence[State] = ()) -> list[Notification] | None:
    """The newest messages and their delivery state, for the secretariat; None for anyone else."""
    if permissions.check(caller.actor, Action.READ_OUTBOX):
        return None
    return await store.notifications.recent(OUTBOX_PAGE, states)


async def recipients(store: Store, notifications: Sequence[Notification]) -> dict[ObjectId, str]:
    """The names of the users the messages went to."""
    users = await store.accounts.users_by_ids({n.user_id for n in notifications if n.user_id})
    return {u.id: u.name for u in users.values()}
