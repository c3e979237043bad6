"""Sign-in, sessions and invitations: the workflows around the accounts store."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bson import ObjectId

from server.accounts import passwords, permissions
from server.accounts.model import Invitation, Organization, Role, User, normalise_email, password_problem, valid_email
from server.accounts.permissions import Action
from server.accounts.repository import Accounts, EmailTaken
from server.caller import Caller
from server.events.model import Origin
from server.notifications import service as notifications
from server.outcomes import Denied, Failure, Invalid, Missing
from server.settings import Settings
from server.store import Store
from server.validation import storable

FAILURE_WINDOW = timedelta(minutes=15)
# A sign-in forgets the account's earlier failures, but not those of the last few seconds: guesses
# sent alongside it have counted themselves against the limit, and forgetting them would let as
# many again be checked.
SETTLE = timedelta(seconds=10)
INVITATION_VALID = timedelta(days=7)
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class SignInRefused:
    key: str  # invalid_credentials | signin_locked
    minutes: int = 0


class SessionPolicy:
    def __init__(self, settings: Settings) -> None:
        self.idle = timedelta(minutes=settings.session_idle_minutes)
        self.absolute = timedelta(hours=settings.session_absolute_hours)
        self.account_limit = settings.signin_account_limit
        self.address_limit = settings.signin_address_limit

    def expiry(self, created_at: datetime, now: datetime) -> datetime:
        return min(now + self.idle, created_at + self.absolute)


async def sign_in(
    store: Store,
    policy: SessionPolicy,
    email: str,
    password: str,
    origin: Origin,
    now: datetime,
    *,
    slow_down: float = 0.25,
) -> SignedIn | SignInRefused:
    accounts, events = store.accounts, store.events
    email = normalise_email(email)
    limits = [(f"email:{email}", policy.account_limit)]
    if origin.client_address:
        limits.append((f"ip:{origin.client_address}", policy.address_limit))
    # The attempt counts as a failure before the password is checked, so that simultaneous
    # guesses all see each other: of any number at once, at most the limit get checked.
    attempts = [await accounts.record_failure(key, now, FAILURE_WINDOW) for key, _ in limits]
    counts = [await accounts.failures(key, now, FAILURE_WINDOW) for key, _ in limits]
    if any(count > limit for count, (_, limit) in zip(counts, limits, strict=True)):
        for attempt in attempts:
            await accounts.forget_failure(attempt)  # a refused attempt does not prolong the lock
        unlocks = [await accounts.unlocked_at(key, now, FAILURE_WINDOW, limit) for key, limit in limits]
        locked = [at for at in unlocks if at is not None and at > now]
        minutes = max(1, int((max(locked) - now).total_seconds() // 60) + 1) if locked else 1
        await events.append("signin.refused", origin, now, data={"email": email, "reason": "locked"})
        return SignInRefused("signin_locked", minutes)
    # Slow down repeated failures on an account before it locks.
    earlier = counts[0] - 1
    if earlier >= 2 and slow_down > 0:
        await asyncio.sleep(min(earlier - 1, 4) * slow_down)

    found = await accounts.credentials(email)
    user, password_hash = found if found else (None, None)
    ok = await passwords.verify_password(password_hash, password)
    if not ok or user is None or not user.active:
        await events.append("signin.failed", origin, now, data={"email": email})
        return SignInRefused("invalid_credentials")

    assert password_hash is not None
    if passwords.needs_rehash(password_hash):
        await accounts.set_password_hash(user.id, await passwords.hash_password(password))
    for attempt in attempts:
        await accounts.forget_failure(attempt)  # the address's other failures still count
    await accounts.clear_failures(limits[0][0], before=now - SETTLE)
    token = secrets.token_urlsafe(32)
    expires_at = policy.expiry(now, now)
    await accounts.create_session(token, user.id, now, expires_at)
    signed_in_origin = Origin(user.id, user.organization_id, origin.client_address)
    await events.append("signin.succeeded", signed_in_origin, now, entity=("User", user.id))
    return SignedIn(user, token, expires_at)


async def session_user(
    accounts: Accounts, policy: SessionPolicy, token: str, now: datetime, *, touch: bool = True
) -> User | None:
    """The active user of a live session, extending its idle time-out (at most once a minute).

    ``touch=False`` checks without extending: what a subscription does before each event, so that
    an open stream neither outlives a sign-out, a deactivation or an expiry nor keeps one alive.
    """
    session = await accounts.session(token)
    if session is None or session.expires_at <= now:
        return None
    user = await accounts.user(session.user_id)
    if user is None or not user.active:
        return None
    if touch and now - session.last_seen_at >= _TOUCH_EVERY:
        await accounts.touch_session(token, now, policy.expiry(session.created_at, now))
    return user


async def sign_out(store: Store, token: str, origin: Origin, now: datetime) -> None:
    await store.accounts.delete_session(token)
    await store.events.append("signout", origin, now)


def _new_account_problem(email: str, name: str, roles: frozenset[Role]) -> Invalid | None:
    if not valid_email(email):
        return Invalid("email", "invalid_email")
    if not storable(name):
        return Invalid("name", "nul_character")
    if not name.strip():
        return Invalid("name", "required")
    if len(name) > 200:
        return Invalid("name", "too_long", {"limit": 200})
    if not roles:
        return Invalid("roles", "roles_required")
    return None


async def invite(
    store: Store,
    caller: Caller,
    *,
    email: str,
    name: str,
    organization_id: ObjectId | None,
    roles: frozenset[Role],
    secret_key: str,
) -> tuple[Invitation, Organization, str] | Failure:
    """Invite a person (secretariat): the invitation, its organisation and the single-use token.

    The link is e-mailed to them through the outbox, where the token is kept sealed with
    ``secret_key`` (the sender unseals it to write the message)."""
    refusal = permissions.check(caller.actor, Action.MANAGE_USERS)
    if refusal:
        return Denied(refusal)
    orgs = await store.accounts.organizations_by_ids([organization_id] if organization_id else [])
    if organization_id is None or organization_id not in orgs:
        return Missing("Organization")
    email = normalise_email(email)
    problem = _new_account_problem(email, name, roles)
    if problem:
        return problem
    if await store.accounts.credentials(email) is not None:
        return Invalid("email", "email_taken")
    token = secrets.token_urlsafe(32)
    invitation = await store.accounts.create_invitation(
        token,
        email=email,
        name=name.strip(),
        organization_id=organization_id,
        roles=roles,
        invited_by=caller.origin.actor_id or ObjectId(),
        at=caller.now,
        expires_at=caller.now + INVITATION_VALID,
    )
    await store.events.append(
        "user.invited",
        caller.origin,
        caller.now,
        entity=("Invitation", invitation.id),
        data={"email": email, "organization_id": str(organization_id), "roles": sorted(roles)},
    )
    await notifications.invitation_sent(store, invitation, token, orgs[organization_id], secret_key, caller.now)
    return invitation, orgs[organization_id], token


async def create_user(
    accounts: Accounts,
    *,
    email: str,
    name: str,
    organization_id: ObjectId,
    roles: frozenset[Role],
    password: str,
    now: datetime,
) -> User | Invalid:
    email = normalise_email(email)
    problem = _new_account_problem(email, name, roles)
    if problem:
        return problem
    weak = password_problem(password)
    if weak:
        return Invalid("password", weak, {"minimum": 12})
    try:
        return await accounts.create_user(
            email=email,
            name=name.strip(),
            organization_id=organization_id,
            roles=roles,
            password_hash=await passwords.hash_password(password),
            at=now,
        )
    except EmailTaken:
        return Invalid("email", "email_taken")


async def reset_password(accounts: Accounts, user_id: ObjectId, password: str) -> Invalid | None:
    """A new password for an account (operators' CLI); every session of the account ends."""
    weak = password_problem(password)
    if weak:
        return Invalid("password", weak, {"minimum": 12})
    await accounts.set_password_hash(user_id, await passwords.hash_password(password))
    await accounts.end_sessions(user_id)
    return None


async def accept_invitation(store: Store, token: str, password: str, origin: Origin, now: datetime) -> User | Invalid:
    accounts, events = store.accounts, store.events
    if len(token) > 200 or len(password) > 1024:
        return Invalid("token", "invitation_invalid")
    weak = password_problem(password)
    if weak:
        return Invalid("password", weak, {"minimum": 12})
    invitation = await accounts.claim_invitation(token, now)
    if invitation is None:
        return Invalid("token", "invitation_invalid")
    user = await create_user(
        accounts,
        email=invitation.email,
        name=invitation.name,
        organization_id=invitation.organization_id,
        roles=invitation.roles,
        password=password,
        now=now,
    )
    if isinstance(user, Invalid):
        return Invalid("token", "invitation_invalid")  # the email got an account meanwhile
    await events.append(
        "user.created",
        Origin(user.id, user.organization_id, origin.client_address),
        now,
        entity=("User", user.id),
        data={"invitation_id": str(invitation.id)},
    )
    return user


async def set_user_active(store: Store, caller: Caller, user_id: ObjectId | None, active: bool) -> User | Failure:
    """Deactivate (ending their sessions) or reactivate a user (secretariat); never oneself."""
    refusal = permissions.check(caller.actor, Action.MANAGE_USERS)
    if refusal:
        return Denied(refusal)
    user = await store.accounts.user(user_id) if user_id else None
    if user is None:
        return Missing("User")
    if caller.actor and user.id == caller.actor.user_id and not active:
        return Invalid("userId", "forbidden")
    await store.accounts.set_active(user.id, active)
    await store.events.append(
        "user.activated" if active else "user.deactivated", caller.origin, caller.now, entity=("User", user.id)
    )
    changed = await store.accounts.user(user.id)
    assert changed is not None
    return changed
