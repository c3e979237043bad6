"""The written-process workflows: open a round, decide, await a board, extend, withdraw, close.

Each workflow checks its one permission, validates, then appends one entry to the round's log
(``server.approvals.repository`` explains why a log). A refusal writes nothing. The rules are in
``server.approvals.model``; this module reads, asks the rules, writes, and records events.

A round is never shown open past its deadline: every read settles it first (``settle``), and a
background task (``close_due_rounds``) closes the rounds nobody reads. When a round closes
approved, the document becomes ``APPROVED`` with that snapshot recorded as the approved text;
otherwise it goes back to the phase it had before the round (unless another round is open).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bson import ObjectId

from server.accounts.model import Organization, User
from server.accounts.permissions import Action
from server.accounts.queries import organization_slugs
from server.approvals import model
from server.approvals.model import ApprovalRound, ClosureEntry
from server.caller import Caller
from server.consultations.model import due_closure
from server.db import Taken
from server.deadlines import service as deadlines
from server.drafting.model import Document, Phase, Snapshot
from server.drafting.service import follow_phase, move_phase, permitted, within_document
from server.events.model import Event, Origin
from server.notifications import service as notifications
from server.outcomes import Failure, Invalid, Missing
from server.store import Store
from server.validation import InputProblem

SYSTEM = Origin(None, None, None)  # closures at the deadline happen by themselves
FIELD = "roundId"  # what a problem with the round itself names


async def _party_event(
    store: Store, caller: Caller, kind: str, round: ApprovalRound, organization_id: ObjectId, data: dict[str, object]
) -> Event:
    """An event about one party of a round, naming the organisation by its slug."""
    [slug] = await organization_slugs(store, [organization_id])
    return await _round_event(store, caller, kind, round, {"title": round.title, "organization": slug, **data})


async def _round_event(store: Store, caller: Caller, kind: str, round: ApprovalRound, data: dict[str, object]) -> Event:
    return await store.events.append(
        kind, caller.origin, caller.now, document_id=round.document_id, entity=("ApprovalRound", round.id), data=data
    )


async def _closed(store: Store, round: ApprovalRound, closure: ClosureEntry, origin: Origin, now: datetime) -> None:
    """What follows a closure: the round's summary, the event, and the document's phase.

    Only a withdrawal is somebody's act; a round that closes because the last party decided or
    the deadline passed closes by itself, and so does the phase change that follows, whoever's
    request happened to trigger it.
    """
    if closure.cause != model.Cause.WITHDRAWN:
        origin = SYSTEM
    data: dict[str, object] = {
        "title": round.title,
        "state": closure.state.value,
        "cause": closure.cause.value,
        "closed_at": closure.at.isoformat(),
    }
    if closure.cause == model.Cause.WITHDRAWN:
        data["reason"] = closure.reason
    else:
        outcome = model.outcome_of(round, closure.cause)
        slugs = dict(zip(round.organization_ids, await organization_slugs(store, round.organization_ids), strict=True))
        data["reasons"] = [{"organization": slugs[r.organization_id], "kind": r.kind.value} for r in outcome.reasons]
        data["silent_consent"] = [slugs[o] for o in outcome.silent_consent]
    event = await store.events.append(
        "approval_round.withdrawn" if closure.cause == model.Cause.WITHDRAWN else "approval_round.closed",
        origin,
        now,
        document_id=round.document_id,
        entity=("ApprovalRound", round.id),
        data=data,
    )
    await notifications.round_closed(store, round, str(event.id), now)
    document = await store.drafting.document(round.document_id)
    if document is None or document.phase == Phase.ARCHIVED:
        return
    if closure.state == model.RoundState.APPROVED:
        await move_phase(store, origin, now, document, Phase.APPROVED, approved_snapshot_id=round.snapshot_id)
        return
    others = await store.approvals.for_documents([document.id])
    if document.phase == Phase.WRITTEN_PROCESS and not any(r.is_open for r in others if r.id != round.id):
        back = round.phase_before if round.phase_before != Phase.WRITTEN_PROCESS else Phase.DRAFTING
        await follow_phase(store, document.id, back, origin, now)


def _closing(store: Store, origin: Origin, now: datetime) -> Callable[[ApprovalRound, ClosureEntry], Awaitable[None]]:
    """What follows a closure, as the shared workflow calls it."""
    return lambda round, closure: _closed(store, round, closure, origin, now)


async def settle(store: Store, round: ApprovalRound, now: datetime) -> ApprovalRound:
    """The round with any closure it is due written first (every party decided, or the deadline passed)."""
    return await deadlines.settle(
        store.approvals, round, lambda r: model.due_closure(r, now), _closing(store, SYSTEM, now)
    )


async def close_due_rounds(store: Store, now: datetime) -> int:
    """Close every round past its deadline that nobody read (the app's background task)."""
    return await deadlines.close_due(store.approvals, now, lambda r: settle(store, r, now))


async def readable_round(
    store: Store, caller: Caller, round_id: ObjectId | None
) -> tuple[Document, ApprovalRound] | Failure:
    """A round and its document, settled, when the caller may read the document (else missing)."""
    found = await within_document(store, caller, round_id, store.approvals.round, "ApprovalRound", Action.READ_DOCUMENT)
    if not isinstance(found, tuple):
        return found
    document, round = found
    return document, await settle(store, round, caller.now)


async def _authorised_round(
    store: Store, caller: Caller, round_id: ObjectId | None, action: Action, organization_id: ObjectId | None = None
) -> ApprovalRound | Failure:
    return permitted(await readable_round(store, caller, round_id), caller, action, organization_id)


async def open_round(
    store: Store,
    caller: Caller,
    snapshot_id: ObjectId | None,
    title: str,
    deadline: datetime,
    organization_ids: Sequence[ObjectId | None],
    silence_is_consent: bool,
) -> ApprovalRound | Failure:
    """Open a written process on a snapshot (secretariat); moves the document to WRITTEN_PROCESS."""
    found = await within_document(
        store, caller, snapshot_id, store.drafting.snapshot, "Snapshot", Action.RUN_APPROVAL_ROUND
    )
    if not isinstance(found, tuple):
        return found
    document, snapshot = found
    wanted = list(dict.fromkeys(organization_ids))
    if None in wanted:
        return Missing("Organization")
    required = [o for o in wanted if o is not None]
    if len(await store.accounts.organizations_by_ids(required)) != len(required):
        return Missing("Organization")
    deadline = model.as_deadline(deadline)
    problem = model.opening_problem(title, deadline, required, document.participant_ids, document.phase, caller.now)
    if problem:
        return Invalid.of(problem)
    # The document's phase belongs to its open consultation until that closes.
    consultations = await store.consultations.for_documents([document.id])
    if any(c.is_open and due_closure(c, caller.now) is None for c in consultations):
        return Invalid("snapshotId", "round_consultation_open")
    round = None
    for _ in range(2):
        try:
            round = await store.approvals.insert_round(
                document_id=document.id,
                snapshot_id=snapshot.id,
                title=title.strip(),
                organization_ids=required,
                silence_is_consent=silence_is_consent,
                deadline=deadline,
                opened_by=caller.user_id,
                opened_at=caller.now,
                phase_before=document.phase,
            )
            break
        except Taken:
            holder = await store.approvals.holding(snapshot.id)
            if holder is not None:
                holder = await settle(store, holder, caller.now)
                if holder.is_open:
                    return Invalid("snapshotId", "round_already_open")
                await store.approvals.sync(holder)  # its summary lagged its log: step aside and retry
    if round is None:
        return Invalid("snapshotId", "round_already_open")
    opened = {
        "title": round.title,
        "snapshot": snapshot.number,
        "label": snapshot.label,
        "deadline": deadline.isoformat(),
        "organizations": await organization_slugs(store, required),
        "silence_is_consent": silence_is_consent,
    }
    event = await _round_event(store, caller, "approval_round.opened", round, opened)
    await notifications.round_opened(store, round, document, str(event.id), caller.now)
    await follow_phase(store, document.id, Phase.WRITTEN_PROCESS, caller.origin, caller.now)
    return round


async def record_decision(
    store: Store,
    caller: Caller,
    round_id: ObjectId | None,
    organization_id: ObjectId | None,
    decision: model.Decision,
    remarks: str,
    internal_note: str,
    section_ids: Sequence[ObjectId | None] = (),
) -> ApprovalRound | Failure:
    """An approver records (or changes) their own organisation's decision while the round is open."""
    round = await _authorised_round(store, caller, round_id, Action.RECORD_DECISION, organization_id)
    if not isinstance(round, ApprovalRound):
        return round
    assert organization_id is not None, "the permission rule requires the party acted for"
    if None in section_ids:
        return Invalid("sectionIds", "section_not_in_snapshot")
    snapshot = await store.drafting.snapshot(round.snapshot_id)
    known = {e.section_id for e in snapshot.entries} if snapshot else set()
    changed = await deadlines.change(
        store.approvals,
        round,
        lambda r: model.decide(
            r,
            organization_id,
            decision,
            remarks,
            internal_note,
            caller.user_id,
            caller.now,
            section_ids=[s for s in section_ids if s is not None],
            snapshot_section_ids=known,
        ),
        FIELD,
    )
    if isinstance(changed, Invalid):
        return changed
    round, entry = changed
    event = await _party_event(
        store, caller, "approval_round.decision_recorded", round, organization_id, {"decision": entry.decision.value}
    )
    await notifications.decision_recorded(store, round, organization_id, entry.decision, str(event.id), caller.now)
    return await settle(store, round, caller.now)


async def mark_awaiting_board(
    store: Store, caller: Caller, round_id: ObjectId | None, organization_id: ObjectId | None, awaiting: bool, note: str
) -> ApprovalRound | Failure:
    """A party shows everyone that its decision awaits its own board (or no longer does)."""
    round = await _authorised_round(store, caller, round_id, Action.RECORD_DECISION, organization_id)
    if not isinstance(round, ApprovalRound):
        return round
    assert organization_id is not None, "the permission rule requires the party acted for"
    changed = await deadlines.change(
        store.approvals,
        round,
        lambda r: model.mark_board(r, organization_id, awaiting, note, caller.user_id, caller.now),
        FIELD,
    )
    if isinstance(changed, Invalid):
        return changed
    round, entry = changed
    data = {"awaiting": awaiting, "note": entry.note}
    await _party_event(store, caller, "approval_round.awaiting_board", round, organization_id, data)
    return round


async def extend_deadline(
    store: Store, caller: Caller, round_id: ObjectId | None, deadline: datetime, reason: str
) -> ApprovalRound | Failure:
    round = await _authorised_round(store, caller, round_id, Action.RUN_APPROVAL_ROUND)
    if not isinstance(round, ApprovalRound):
        return round
    deadline = model.as_deadline(deadline)
    changed = await deadlines.change(
        store.approvals, round, lambda r: model.extend(r, deadline, reason, caller.user_id, caller.now), FIELD
    )
    if isinstance(changed, Invalid):
        return changed
    round, entry = changed
    data = {"title": round.title, "from": entry.previous.isoformat(), "to": entry.deadline.isoformat()}
    await _round_event(store, caller, "approval_round.deadline_extended", round, {**data, "reason": entry.reason})
    return round


async def withdraw_round(
    store: Store, caller: Caller, round_id: ObjectId | None, reason: str
) -> ApprovalRound | Failure:
    round = await _authorised_round(store, caller, round_id, Action.RUN_APPROVAL_ROUND)
    if not isinstance(round, ApprovalRound):
        return round
    closed = await deadlines.close(
        store.approvals,
        round,
        lambda r: model.withdraw(r, reason, caller.user_id, caller.now),
        _closing(store, caller.origin, caller.now),
        FIELD,
    )
    return Invalid.of(closed) if isinstance(closed, InputProblem) else closed


@dataclass(frozen=True)
class ApprovalRecord:
    """Everything the printed record of a round shows."""

    document: Document
    snapshot: Snapshot
    round: ApprovalRound
    organizations: Mapping[ObjectId, Organization]
    users: Mapping[ObjectId, User]
    generated_at: datetime


async def approval_record(store: Store, caller: Caller, round_id: ObjectId | None) -> ApprovalRecord | Failure:
    found = await readable_round(store, caller, round_id)
    if not isinstance(found, tuple):
        return found
    document, round = found
    snapshot = await store.drafting.snapshot(round.snapshot_id)
    if snapshot is None:
        return Missing("Snapshot")
    organizations = await store.accounts.organizations_by_ids(list(round.organization_ids))
    user_ids = {e.by for e in round.entries if e.by is not None} | ({round.opened_by} - {None})
    users = await store.accounts.users_by_ids([u for u in user_ids if u is not None])
    return ApprovalRecord(document, snapshot, round, organizations, users, caller.now)
