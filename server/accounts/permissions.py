"""Who may do what: every permission rule of Udkast, as pure functions, in one place.

Deny by default: an action without a rule here is refused. Each action has exactly one check:
services call ``check`` before they write and queries before they read, and the API turns a
``Refusal`` into ``NotSignedIn`` or ``Forbidden``. (The API's ``viewerCan`` fields ask the same
rules only to tell the UI what to offer; the server checks again when it is asked to act.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bson import ObjectId

from server.accounts.model import Actor, Role
from server.drafting.model import Phase
from server.outcomes import Refusal


class Action(StrEnum):
    SIGN_OUT = "sign_out"
    READ_DIRECTORY = "read_directory"  # organisations, one's own account
    MANAGE_USERS = "manage_users"  # invite, list, deactivate
    CREATE_DOCUMENT = "create_document"
    READ_DOCUMENT = "read_document"
    MANAGE_DOCUMENT = "manage_document"  # participants, phase, settings
    EDIT_SECTIONS = "edit_sections"  # add, save, move, delete, restore
    CREATE_SNAPSHOT = "create_snapshot"
    COMMENT = "comment"
    CHANGE_COMMENT = "change_comment"  # edit or withdraw one's own comment (``CommentScope``)
    # Send the organisation's drafts (and general remarks, response letter) as its response:
    # its commenters and approvers — the people who answer a consultation for it.
    SUBMIT_RESPONSE = "submit_response"
    RESPOND_TO_COMMENT = "respond_to_comment"
    RUN_APPROVAL_ROUND = "run_approval_round"  # open, extend, withdraw
    RECORD_DECISION = "record_decision"
    RUN_CONSULTATION = "run_consultation"  # open, extend, close, publish the steering group's answers
    READ_RESPONSE_DRAFT = "read_response_draft"  # a consulted party's general remarks and letter before sending
    RESPOND_TO_CONSULTATION = "respond_to_consultation"  # a consulted party's answer, for its own organisation
    READ_INTERNAL_NOTE = "read_internal_note"  # a party's internal note on its own decision
    READ_AUDIT = "read_audit"
    READ_DELETED_SECTIONS = "read_deleted_sections"  # sections(includeDeleted: true): the steering group
    SEND_REMINDER = "send_reminder"  # a manual reminder to parties of a round (secretariat)
    READ_OUTBOX = "read_outbox"  # every message and its delivery state (secretariat)
    SET_OWN_NOTIFICATIONS = "set_own_notifications"  # one's own notification preferences


@dataclass(frozen=True)
class DocumentScope:
    participant_ids: frozenset[ObjectId]
    phase: Phase


@dataclass(frozen=True)
class ConsultationScope:
    """The document's consultation as commenting sees it: the open one, else the newest one."""

    open: bool
    organization_ids: frozenset[ObjectId]  # the consulted organisations
    closed_at: datetime | None


@dataclass(frozen=True)
class CommentScope:
    """One comment as the actor may read it, for changing it: whose it is and what locks it.

    ``answered`` is the answer the actor can see: a consulted party does not see the steering
    group's answer before the secretariat publishes it, so an unpublished answer does not lock the
    party's comment — what the party may do must not tell it that it was answered.
    """

    author_id: ObjectId
    sent: bool  # went in with its organisation's response: a correction is a new comment
    answered: bool  # a disposition (or the version that took it in) that the actor may read


@dataclass(frozen=True)
class Scope:
    document: DocumentScope | None = None
    organization_id: ObjectId | None = None  # the party acted for
    consultation: ConsultationScope | None = None  # None: the document has had no consultation
    comment: CommentScope | None = None  # the comment acted on


NOT_SIGNED_IN = Refusal(signed_in=False, key="not_signed_in")
FROZEN_PHASES = frozenset({Phase.APPROVED, Phase.ARCHIVED})
STEERING = frozenset({Role.EDITOR, Role.SECRETARIAT})
COMMENTING = frozenset({Role.COMMENTER, Role.EDITOR, Role.APPROVER, Role.SECRETARIAT})
RESPONDING = frozenset({Role.COMMENTER, Role.APPROVER})

Rule = Callable[[Actor, Scope], Refusal | None]


def _needs(roles: frozenset[Role]) -> Callable[[Actor], Refusal | None]:
    def check(actor: Actor) -> Refusal | None:
        if actor.roles & roles:
            return None
        return Refusal(True, "forbidden_role", {"needed": " / ".join(sorted(roles))})

    return check


def _reads(actor: Actor, scope: Scope) -> Refusal | None:
    doc = scope.document
    if doc is None:
        return Refusal(True, "forbidden")
    if Role.SECRETARIAT in actor.roles or actor.organization_id in doc.participant_ids:
        return None
    return Refusal(True, "forbidden_not_participant")


def _participates(actor: Actor, scope: Scope) -> Refusal | None:
    doc = scope.document
    if doc is None or actor.organization_id not in doc.participant_ids:
        return Refusal(True, "forbidden_not_participant")
    return None


def _not_frozen(scope: Scope, key: str = "forbidden_phase") -> Refusal | None:
    if scope.document is not None and scope.document.phase in FROZEN_PHASES:
        return Refusal(True, key, {"phase": scope.document.phase.value})
    return None


def _all(*rules: Callable[[Actor, Scope], Refusal | None]) -> Rule:
    def check(actor: Actor, scope: Scope) -> Refusal | None:
        for rule in rules:
            refusal = rule(actor, scope)
            if refusal is not None:
                return refusal
        return None

    return check


def _role(roles: frozenset[Role]) -> Rule:
    needs = _needs(roles)
    return lambda actor, _scope: needs(actor)


def _own_organization(actor: Actor, scope: Scope) -> Refusal | None:
    if scope.organization_id is None or scope.organization_id != actor.organization_id:
        return Refusal(True, "forbidden_other_organization")
    return None


def _consultation_allows_comment(actor: Actor, scope: Scope) -> Refusal | None:
    """Once a document has had a consultation, its parties comment in consultations only.

    The steering group (editors, the secretariat) comments at any time: it is the consultation's
    addressee, never a party answering it. Everyone else comments while a consultation that
    consults their organisation is open; the refusal says since when commenting is closed.
    """
    if actor.roles & STEERING:
        return None
    return _consultation_open_to(actor, scope)


def _consultation_open_to(actor: Actor, scope: Scope) -> Refusal | None:
    """Once a document has had a consultation, a party's drafts go out only while a consultation
    that consults it is open: what a party sends is its response to that consultation."""
    consultation = scope.consultation
    if consultation is None:
        return None
    if not consultation.open:
        closed_at = consultation.closed_at
        if closed_at is None:
            return Refusal(True, "commenting_closed")
        return Refusal(True, "commenting_closed_since", {"closed_at": closed_at.isoformat()})
    if actor.organization_id not in consultation.organization_ids:
        return Refusal(True, "commenting_not_consulted")
    return None


def _changeable_comment(actor: Actor, scope: Scope) -> Refusal | None:
    """Only its author changes or withdraws a comment, until what the author can see locks it:
    it was sent with the organisation's response, or it has an answer the author may read."""
    comment = scope.comment
    if comment is None or comment.author_id != actor.user_id:
        return Refusal(True, "forbidden_not_author")
    if comment.sent:
        return Refusal(True, "comment_sent", field="commentId")
    if comment.answered:
        return Refusal(True, "comment_not_open", field="commentId")
    return None


_SECRETARIAT = frozenset({Role.SECRETARIAT})
_COMMENTS = _all(_role(COMMENTING), _participates, lambda _a, s: _not_frozen(s), _consultation_allows_comment)

RULES: dict[Action, Rule] = {
    Action.SIGN_OUT: lambda _actor, _scope: None,
    Action.READ_DIRECTORY: lambda _actor, _scope: None,
    Action.MANAGE_USERS: _role(_SECRETARIAT),
    Action.CREATE_DOCUMENT: _role(_SECRETARIAT),
    Action.READ_DOCUMENT: _reads,
    Action.MANAGE_DOCUMENT: _all(_role(_SECRETARIAT), _reads),
    Action.EDIT_SECTIONS: _all(_role(STEERING), _participates, lambda _a, s: _not_frozen(s)),
    Action.CREATE_SNAPSHOT: _all(_role(_SECRETARIAT), _reads),
    Action.COMMENT: _COMMENTS,
    Action.CHANGE_COMMENT: _all(_COMMENTS, _changeable_comment),
    Action.SUBMIT_RESPONSE: _all(
        _role(RESPONDING),
        _participates,
        lambda _a, s: _not_frozen(s, "forbidden_phase_submit"),
        _consultation_open_to,
    ),
    Action.RESPOND_TO_COMMENT: _all(_role(STEERING), _participates),
    Action.RUN_APPROVAL_ROUND: _all(_role(_SECRETARIAT), _reads),
    Action.RECORD_DECISION: _all(_role(frozenset({Role.APPROVER})), _participates, _own_organization),
    Action.RUN_CONSULTATION: _all(_role(_SECRETARIAT), _reads),
    # The party's commenters and approvers answer for it (respond, "ingen bemærkninger", decline).
    # A party's response in the making is its own: its people read it, nobody else.
    Action.READ_RESPONSE_DRAFT: _all(_participates, _own_organization),
    Action.RESPOND_TO_CONSULTATION: _all(
        _role(frozenset({Role.COMMENTER, Role.APPROVER})), _participates, _own_organization
    ),
    Action.READ_AUDIT: _all(_role(_SECRETARIAT), _reads),
    Action.READ_DELETED_SECTIONS: _all(_role(STEERING), _reads),
    Action.SEND_REMINDER: _all(_role(_SECRETARIAT), _reads),
    Action.READ_OUTBOX: _role(_SECRETARIAT),
    Action.SET_OWN_NOTIFICATIONS: lambda _actor, _scope: None,
    # Private to the party's own organisation: not the secretariat, not the other parties.
    Action.READ_INTERNAL_NOTE: _all(_reads, _own_organization),
}


# The audience of events only the steering group may read: its answers to a consulted party's
# comments before the secretariat publishes them. No organisation has this id.
STEERING_AUDIENCE = ObjectId("000000000000000000000000")


def event_audiences(actor: Actor) -> tuple[ObjectId | None, ...]:
    """The audiences whose events ``actor`` sees: everyone's (None), their own organisation's and,
    for the steering group, its own (``STEERING_AUDIENCE``).

    Events about an organisation's internal drafts reach that organisation only, and the steering
    group's unpublished answers the steering group only — in the live feed, the activity feed and
    the audit export alike (queries filter by these before paging).
    """
    if actor.roles & STEERING:
        return (None, actor.organization_id, STEERING_AUDIENCE)
    return (None, actor.organization_id)


def sees_event(actor: Actor, audience_organization_id: ObjectId | None) -> bool:
    return audience_organization_id in event_audiences(actor)


def check(actor: Actor | None, action: Action, scope: Scope | None = None) -> Refusal | None:
    """None when ``actor`` may do ``action`` in ``scope``; otherwise why not."""
    if actor is None:
        return NOT_SIGNED_IN
    rule = RULES.get(action)
    if rule is None:
        return Refusal(True, "forbidden")
    return rule(actor, scope or Scope())
