"""The notification workflows: what the other workflows call when an event obliges Udkast to tell
someone, the reminders that come due, the secretariat's manual reminder, and users' preferences.

Every message is written to the outbox under its (event, recipient, kind) key and sent later by a
sender (``server.notifications.sender``); nothing is sent from inside a request. Recipients are
chosen here and checked again just before sending (``still_wanted``): a message goes only to an
active user who may read what it is about, so it never tells anyone what they may not read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bson import ObjectId

from server import ids, markdown, sealing
from server.accounts import permissions
from server.accounts.model import Actor, Invitation, Organization, Role, User
from server.accounts.permissions import Action
from server.approvals.model import ApprovalRound, Decision, outcome
from server.caller import Caller
from server.consultations import queries as consultation_queries
from server.consultations.model import Consultation
from server.drafting.model import Document, Snapshot
from server.drafting.service import document_of, scope_of
from server.messages import snapshot_name
from server.notifications import model, queries
from server.notifications.model import Delivery, Kind, NewNotification, Notification, Preferences
from server.outcomes import Denied, Failure, Invalid, Missing
from server.store import Store

INVITATION_SEAL = "invitation-link"
UNSUBSCRIBE_SEAL = "unsubscribe"
UNSUBSCRIBE_VALID = timedelta(days=90)  # an old message's link stops working; the preferences page remains


def _may_read(user: User, document: Document) -> bool:
    return user.active and not permissions.check(Actor.of(user), Action.READ_DOCUMENT, scope_of(document))


async def _users(store: Store, organization_ids: Iterable[ObjectId], *roles: Role) -> list[User]:
    """The active users of these organisations with any of ``roles``."""
    wanted = set(organization_ids)
    return [
        u for u in await store.accounts.users() if u.active and u.roles & set(roles) and u.organization_id in wanted
    ]


async def _enqueue(
    store: Store,
    kind: Kind,
    event_key: str,
    users: Sequence[User],
    document: Document,
    params: Callable[[User], dict[str, str]],
    now: datetime,
) -> int:
    """One message per user who may read ``document`` and has not turned ``kind`` off."""
    preferences = await store.notifications.preferences_of([u.id for u in users])
    new = []
    for user in users:
        prefs = preferences[user.id]
        delivery = prefs.delivery(kind)
        if delivery == Delivery.OFF or not _may_read(user, document):
            continue
        new.append(
            NewNotification(
                event_key=event_key,
                kind=kind,
                user_id=user.id,
                address=user.email,
                language=prefs.language,
                params=params(user) | {"document_title": document.title} | _digest(delivery),
                document_id=document.id,
                due_at=model.due_at(delivery, now),
            )
        )
    return await store.notifications.add(new, now)


def _digest(delivery: Delivery) -> dict[str, str]:
    return {"digest": "1"} if delivery == Delivery.DIGEST else {}


def _round_params(round: ApprovalRound, organization: Organization | None) -> dict[str, str]:
    round_id = ids.encode("ApprovalRound", round.id)
    params = {
        "round_id": round_id,
        "round_title": round.title,
        "deadline": round.deadline.isoformat(),
        "path": f"/approval-rounds/{round_id}",
    }
    if organization is not None:
        params |= {"organization": organization.name, "organization_id": str(organization.id)}
    return params


async def _party_params(store: Store, round: ApprovalRound, extra: dict[str, str]) -> Callable[[User], dict[str, str]]:
    """Each approver's message names their own party."""
    organizations = await store.accounts.organizations_by_ids(list(round.organization_ids))
    return lambda user: _round_params(round, organizations.get(user.organization_id)) | extra


# What other workflows call


async def invitation_sent(
    store: Store, invitation: Invitation, token: str, organization: Organization, secret_key: str, now: datetime
) -> None:
    """The single-use link, e-mailed to the invited address (the token only sealed in the outbox)."""
    new = NewNotification(
        event_key=f"invitation:{invitation.id}",
        kind=Kind.INVITATION,
        user_id=None,
        address=invitation.email,
        language="da",
        params={
            "name": invitation.name,
            "organization": organization.name,
            "expires": invitation.expires_at.isoformat(),
            "token": sealing.seal(secret_key, INVITATION_SEAL, token),
            "invitation_id": str(invitation.id),
        },
        document_id=None,
        due_at=now,
    )
    await store.notifications.add([new], now)


async def round_opened(store: Store, round: ApprovalRound, document: Document, event_key: str, now: datetime) -> None:
    snapshot = await store.drafting.snapshot(round.snapshot_id)
    label = snapshot.label if snapshot and snapshot.label else (f"Udkast {snapshot.number}" if snapshot else "")
    params = await _party_params(store, round, {"snapshot": label})
    approvers = await _users(store, round.organization_ids, Role.APPROVER)
    await _enqueue(store, Kind.ROUND_OPENED, event_key, approvers, document, params, now)


async def round_closed(store: Store, round: ApprovalRound, event_key: str, now: datetime) -> None:
    """The outcome, to the approvers of every required party."""
    document = await store.drafting.document(round.document_id)
    if document is None:
        return
    result = outcome(round)
    params = await _party_params(store, round, {"outcome": result.state.value if result else round.state.value})
    approvers = await _users(store, round.organization_ids, Role.APPROVER)
    await _enqueue(store, Kind.ROUND_CLOSED, event_key, approvers, document, params, now)


async def decision_recorded(
    store: Store, round: ApprovalRound, organization_id: ObjectId, decision: Decision, event_key: str, now: datetime
) -> None:
    """For the secretariat: a party has answered (a kind each user may digest or turn off)."""
    document = await store.drafting.document(round.document_id)
    if document is None:
        return
    organizations = await store.accounts.organizations_by_ids([organization_id])
    params = _round_params(round, organizations.get(organization_id)) | {"decision": decision.value}
    secretariat = [u for u in await store.accounts.users() if u.active and Role.SECRETARIAT in u.roles]
    await _enqueue(store, Kind.DECISION_RECORDED, event_key, secretariat, document, lambda _user: params, now)


async def _remind(
    store: Store,
    round: ApprovalRound,
    organization_ids: Sequence[ObjectId],
    event_key: str,
    manual: bool,
    now: datetime,
) -> int:
    document = await store.drafting.document(round.document_id)
    if document is None:
        return 0
    params = await _party_params(store, round, {"manual": "1" if manual else ""})
    approvers = await _users(store, organization_ids, Role.APPROVER)
    return await _enqueue(store, Kind.ROUND_REMINDER, event_key, approvers, document, params, now)


async def enqueue_due_reminders(store: Store, days: Sequence[int], now: datetime) -> int:
    """The reminders that have come due, to the parties that owe a decision. Each goes out once,
    whichever process finds it first: its key is fixed by the round, the deadline and the day."""
    added = 0
    for round in await store.approvals.open_rounds():
        reminder = model.due_reminder(round, days, now)
        if reminder is None:
            continue
        added += await _remind(store, round, model.owing(round), model.reminder_key(round, reminder), False, now)
    for consultation in await store.consultations.open_consultations():
        consultation = consultation_queries.as_of(consultation, now)
        reminder = model.due_reminder(consultation, days, now)
        if reminder is None:
            continue
        owing = model.owing_responses(consultation, await queries.answered(store, consultation))
        key = model.reminder_key(consultation, reminder)
        added += await _remind_consulted(store, consultation, owing, key, False, now)
    return added


async def _to_remind(
    store: Store,
    caller: Caller,
    process: ApprovalRound | Consultation | None,
    what: ids.Kind,
    organization_ids: Sequence[ObjectId | None],
) -> list[ObjectId] | Failure:
    """The parties the secretariat chose to remind by hand, each once: all of them parties to ``process``."""
    document = await document_of(store, caller, process, what, Action.SEND_REMINDER)
    if not isinstance(document, Document):
        return document
    assert process is not None
    wanted = list(dict.fromkeys(organization_ids))
    if not wanted:
        return Invalid("organizationIds", "required")
    if None in wanted or any(o not in process.organization_ids for o in wanted):
        return Missing("Organization")
    return [o for o in wanted if o is not None]


async def _reminder_logged(
    store: Store,
    caller: Caller,
    process: ApprovalRound | Consultation,
    what: Literal["ApprovalRound", "Consultation"],
    chosen: list[ObjectId],
    **data: str,
) -> str:
    """Log a hand-sent reminder to the ``chosen`` parties (named by slug); the event's id keys its messages."""
    organizations = await store.accounts.organizations_by_ids(chosen)
    slugs = [organizations[o].slug for o in chosen if o in organizations]
    kind = "approval_round.reminder_sent" if what == "ApprovalRound" else "consultation.reminder_sent"
    event = await store.events.append(
        kind,
        caller.origin,
        caller.now,
        document_id=process.document_id,
        entity=(what, process.id),
        data={**data, "organizations": slugs},
    )
    return str(event.id)


async def send_reminder(
    store: Store, caller: Caller, round_id: ObjectId | None, organization_ids: Sequence[ObjectId | None]
) -> tuple[ApprovalRound, int] | Failure:
    """The secretariat's "Send påmindelse" to chosen parties that have not decided; logged as an event.
    A party awaiting its own board may be reminded by hand (the automatic reminders leave it be)."""
    round = await store.approvals.round(round_id) if round_id else None
    chosen = await _to_remind(store, caller, round, "ApprovalRound", organization_ids)
    if not isinstance(chosen, list):
        return chosen
    assert round is not None
    if not round.is_open or caller.now >= round.deadline:
        return Invalid("roundId", "round_closed")
    decided = [o for o in chosen if model.party_decided(round, o)]
    if decided:
        return Invalid("organizationIds", "reminder_already_decided")
    logged = await _reminder_logged(store, caller, round, "ApprovalRound", chosen, title=round.title)
    sent = await _remind(store, round, chosen, logged, True, caller.now)
    return round, sent


async def still_wanted(store: Store, notification: Notification, now: datetime) -> bool:
    """Checked just before sending: the recipient is active and may still read what the message is
    about, and a reminder is still owed. Otherwise the message is skipped."""
    if notification.user_id is None:
        return True  # an invitation, to an address
    user = await store.accounts.user(notification.user_id)
    if user is None or not user.active:
        return False
    if notification.document_id is not None:
        document = await store.drafting.document(notification.document_id)
        if document is None or not _may_read(user, document):
            return False
    preferences = await store.notifications.preferences(user.id)
    if preferences.delivery(notification.kind) == Delivery.OFF:
        return False
    if notification.kind == Kind.ROUND_REMINDER:
        round_id = ids.parse(notification.params.get("round_id"), "ApprovalRound")
        round = await store.approvals.round(round_id) if round_id else None
        party = notification.params.get("organization_id", "")
        if round is None or not ObjectId.is_valid(party):
            return False
        if notification.params.get("manual"):  # the secretariat may remind a party awaiting its board
            return round.is_open and not model.party_decided(round, ObjectId(party))
        return model.owes_decision(round, ObjectId(party))
    if notification.kind == Kind.CONSULTATION_REMINDER:
        consultation_id = ids.parse(notification.params.get("consultation_id"), "Consultation")
        consultation = await consultation_queries.get(store, consultation_id, now=now) if consultation_id else None
        party = notification.params.get("organization_id", "")
        if consultation is None or not ObjectId.is_valid(party):
            return False
        return model.owes_response(consultation, ObjectId(party), await queries.answered(store, consultation))
    return True


# Consultations (høringer): to the consulted parties' commenters and approvers

_CONSULTED = (Role.COMMENTER, Role.APPROVER)  # who answer for a consulted party
LETTER_START = 400  # characters of the høringsbrev in the message that opens a consultation


def _letter_start(consultation: Consultation) -> str:
    text = markdown.plain_text_of(consultation.letter_html)
    if len(text) <= LETTER_START:
        return text
    return text[:LETTER_START].rsplit(" ", 1)[0].rstrip(" ,.;:") + " …"


async def _consulted_params(
    store: Store, consultation: Consultation, organization_ids: Iterable[ObjectId], extra: dict[str, str]
) -> Callable[[User], dict[str, str]]:
    """Each recipient's message names their own organisation, the consultation and its deadline."""
    organizations = await store.accounts.organizations_by_ids(list(organization_ids))
    consultation_id = ids.encode("Consultation", consultation.id)
    base = {
        "consultation_id": consultation_id,
        "deadline": consultation.deadline.isoformat(),
        "path": f"/consultations/{consultation_id}",
    } | extra

    def params(user: User) -> dict[str, str]:
        organization = organizations.get(user.organization_id)
        if organization is None:
            return base
        return base | {"organization": organization.name, "organization_id": str(organization.id)}

    return params


async def _tell_consulted(
    store: Store,
    kind: Kind,
    consultation: Consultation,
    organization_ids: Sequence[ObjectId],
    event_key: str,
    extra: dict[str, str],
    now: datetime,
) -> int:
    document = await store.drafting.document(consultation.document_id)
    if document is None or not organization_ids:
        return 0
    params = await _consulted_params(store, consultation, organization_ids, extra)
    users = await _users(store, organization_ids, *_CONSULTED)
    return await _enqueue(store, kind, event_key, users, document, params, now)


async def consultation_opened(
    store: Store, consultation: Consultation, snapshot: Snapshot, event_key: str, now: datetime
) -> None:
    """To the consulted parties' commenters and approvers: the deadline (.ics), the høringsbrev's start."""
    extra = {"snapshot": snapshot_name(snapshot.number, snapshot.label), "letter_start": _letter_start(consultation)}
    await _tell_consulted(
        store, Kind.CONSULTATION_OPENED, consultation, consultation.organization_ids, event_key, extra, now
    )


async def consultation_closed(store: Store, consultation: Consultation, event_key: str, now: datetime) -> None:
    """To every consulted party."""
    await _tell_consulted(
        store, Kind.CONSULTATION_CLOSED, consultation, consultation.organization_ids, event_key, {}, now
    )


async def answers_published(
    store: Store, consultation: Consultation, organization_ids: Sequence[ObjectId], event_key: str, now: datetime
) -> None:
    """To each party whose answers were published, and to no other: a link to the answers."""
    document = await store.drafting.document(consultation.document_id)
    if document is None:
        return
    path = {"path": f"/documents/{document.slug}/comments"}
    for organization_id in organization_ids:
        await _tell_consulted(store, Kind.ANSWERS_PUBLISHED, consultation, [organization_id], event_key, path, now)


async def _remind_consulted(
    store: Store,
    consultation: Consultation,
    organization_ids: Sequence[ObjectId],
    event_key: str,
    manual: bool,
    now: datetime,
) -> int:
    extra = {"manual": "1" if manual else ""}
    return await _tell_consulted(
        store, Kind.CONSULTATION_REMINDER, consultation, organization_ids, event_key, extra, now
    )


async def send_consultation_reminder(
    store: Store, caller: Caller, consultation_id: ObjectId | None, organization_ids: Sequence[ObjectId | None]
) -> tuple[Consultation, int] | Failure:
    """The secretariat's "Send påmindelse" to chosen consulted parties that have not answered; logged."""
    consultation = await consultation_queries.get(store, consultation_id, now=caller.now) if consultation_id else None
    chosen = await _to_remind(store, caller, consultation, "Consultation", organization_ids)
    if not isinstance(chosen, list):
        return chosen
    assert consultation is not None
    if not consultation.is_open:
        return Invalid("consultationId", "consultation_closed")
    answered = await queries.answered(store, consultation)
    if any(not model.owes_response(consultation, o, answered) for o in chosen):
        return Invalid("organizationIds", "reminder_already_answered")
    logged = await _reminder_logged(store, caller, consultation, "Consultation", chosen)
    sent = await _remind_consulted(store, consultation, chosen, logged, True, caller.now)
    return consultation, sent


# Preferences


async def preferences(store: Store, caller: Caller) -> Preferences | Denied:
    refusal = permissions.check(caller.actor, Action.SET_OWN_NOTIFICATIONS)
    if refusal or caller.actor is None:
        return Denied(refusal or permissions.NOT_SIGNED_IN)
    return await store.notifications.preferences(caller.actor.user_id)


async def set_preference(
    store: Store, caller: Caller, kind: Kind | None, delivery: Delivery | None, language: str | None
) -> Preferences | Failure:
    """Change one's own delivery of a kind, or the language of one's messages."""
    refusal = permissions.check(caller.actor, Action.SET_OWN_NOTIFICATIONS)
    if refusal or caller.actor is None:
        return Denied(refusal or permissions.NOT_SIGNED_IN)
    if kind is None and delivery is None and language is None:
        return Invalid("kind", "required")
    if (kind is None) != (delivery is None):
        return Invalid("delivery" if delivery is None else "kind", "required")
    if language is not None and language not in ("da", "en"):
        return Invalid("language", "invalid_language")
    if kind is not None and delivery is not None:
        problem = model.preference_problem(kind, delivery)
        if problem:
            return Invalid("delivery", problem)
        await store.notifications.set_delivery(caller.actor.user_id, kind, delivery)
    if language is not None:
        await store.notifications.set_language(caller.actor.user_id, language)
    return await store.notifications.preferences(caller.actor.user_id)


# One-click unsubscribe (RFC 8058): the link in a message that may be turned off


def unsubscribe_token(secret_key: str, user_id: ObjectId, kind: Kind, now: datetime) -> str:
    """The (user, kind) a message's unsubscribe link turns off, sealed: it cannot be forged or altered."""
    return sealing.seal(secret_key, UNSUBSCRIBE_SEAL, f"{user_id}:{kind.value}", at=now)


@dataclass(frozen=True)
class Unsubscription:
    user: User
    kind: Kind
    language: str  # the user's chosen language for what Udkast tells them
    delivery: Delivery  # how the kind is delivered to them now


async def unsubscription(store: Store, secret_key: str, token: str, now: datetime) -> Unsubscription | None:
    """What an unsubscribe link would turn off; None when it was altered, has expired, or names a
    user who is gone or deactivated or a kind that cannot be turned off."""
    value = sealing.unseal(secret_key, UNSUBSCRIBE_SEAL, token, int(UNSUBSCRIBE_VALID.total_seconds()), now)
    user_id, _, kind = (value or "").partition(":")
    if not ObjectId.is_valid(user_id) or kind not in Kind.__members__ or Kind(kind) not in model.CHOOSABLE:
        return None
    user = await store.accounts.user(ObjectId(user_id))
    if user is None or not user.active:
        return None
    preferences = await store.notifications.preferences(user.id)
    return Unsubscription(user, Kind(kind), preferences.language, preferences.delivery(Kind(kind)))


async def unsubscribe(store: Store, secret_key: str, token: str, now: datetime) -> Unsubscription | Failure:
    """Turn the link's kind off for its user, without signing in: the sealed token stands in for
    the session. Nothing else changes; a bad link changes nothing."""
    found = await unsubscription(store, secret_key, token, now)
    if found is None:
        return Invalid("token", "unsubscribe_invalid")
    refusal = permissions.check(Actor.of(found.user), Action.SET_OWN_NOTIFICATIONS)
    if refusal:
        return Denied(refusal)
    problem = model.preference_problem(found.kind, Delivery.OFF)
    if problem:
        return Invalid("token", problem)
    if found.delivery != Delivery.OFF:
        await store.notifications.set_delivery(found.user.id, found.kind, Delivery.OFF)
    return Unsubscription(found.user, found.kind, found.language, Delivery.OFF)
