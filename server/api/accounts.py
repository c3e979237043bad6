"""GraphQL for organisations, users, sign-in and invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from bson import ObjectId

from server import ids
from server.accounts import model as domain
from server.accounts import queries, service
from server.api.context import SESSION_COOKIE, Info
from server.api.errors import (
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    NotSignedIn,
    TooManyAttempts,
    answer,
    error_for,
    not_signed_in,
)
from server.api.node import Node, from_domain, related_field
from server.validation import storable

Role = strawberry.enum(domain.Role, description="What a user may do for their organisation.")


def user_field(
    user_id: Callable[[Any], ObjectId | None], *, description: str | None = None, kept_in: str | None = None
) -> Any:
    """A field of a type built ``from_domain``: the user whose id ``user_id`` reads off its model."""
    return related_field(
        lambda loaders: loaders.user, User.of, user_id, User | None, description=description, kept_in=kept_in
    )


def organization_field(organization_id: Callable[[Any], ObjectId | None], *, description: str | None = None) -> Any:
    """A field of a type built ``from_domain``: the organisation whose id ``organization_id`` reads off its model."""
    return related_field(
        lambda loaders: loaders.organization,
        Organization.of,
        organization_id,
        Organization | None,
        description=description,
    )


@strawberry.type
class Organization(Node):
    model: strawberry.Private[domain.Organization]
    slug: str
    name: str
    short_name: str
    kind: str

    @classmethod
    def of(cls, org: domain.Organization) -> Organization:
        return from_domain(cls, "Organization", org)


@strawberry.type
class User(Node):
    model: strawberry.Private[domain.User]
    name: str
    roles: list[Role]  # type: ignore[valid-type]

    @classmethod
    def of(cls, user: domain.User) -> User:
        return from_domain(cls, "User", user, roles=sorted(user.roles))

    @strawberry.field(description="Shown to the user themself and to the secretariat only.")
    def email(self, info: Info) -> str | None:
        viewer = info.context.user
        if viewer and (viewer.id == self.model.id or domain.Role.SECRETARIAT in viewer.roles):
            return self.model.email
        return None

    @strawberry.field
    def active(self) -> bool:
        return self.model.active

    organization: Organization | None = organization_field(lambda user: user.organization_id)


async def user_node(info: Info, user_id: ObjectId | None) -> User | None:
    """The user a field refers to; None when there is none (or it is gone)."""
    user = await info.context.loaders.user.load(user_id) if user_id else None
    return User.of(user) if user else None


async def organization_node(info: Info, organization_id: ObjectId | None) -> Organization | None:
    """The organisation a field refers to; None when there is none (or it is gone)."""
    org = await info.context.loaders.organization.load(organization_id) if organization_id else None
    return Organization.of(org) if org else None


@strawberry.type
class SignedIn:
    user: User


@strawberry.type
class SignedOut:
    ok: bool


@strawberry.type
class Invitation(Node):
    model: strawberry.Private[domain.Invitation]
    email: str
    name: str
    roles: list[Role]  # type: ignore[valid-type]
    expires_at: datetime
    organization: Organization

    @classmethod
    def of(cls, invitation: domain.Invitation, organization: domain.Organization) -> Invitation:
        return from_domain(
            cls, "Invitation", invitation, roles=sorted(invitation.roles), organization=Organization.of(organization)
        )


@strawberry.type
class UserInvited:
    invitation: Invitation
    link: str = strawberry.field(description="The single-use link to send to the person; shown once.")


@strawberry.type
class InvitationAccepted:
    user: User


@strawberry.type
class UserActivityChanged:
    user: User


SignInResult = Annotated[
    SignedIn | InvalidCredentials | TooManyAttempts | InvalidInput, strawberry.union("SignInResult")
]
SignOutResult = Annotated[SignedOut | NotSignedIn, strawberry.union("SignOutResult")]
InviteUserResult = Annotated[
    UserInvited | NotSignedIn | Forbidden | NotFound | InvalidInput, strawberry.union("InviteUserResult")
]
AcceptInvitationResult = Annotated[InvitationAccepted | InvalidInput, strawberry.union("AcceptInvitationResult")]
SetUserActiveResult = Annotated[
    UserActivityChanged | NotSignedIn | Forbidden | NotFound | InvalidInput, strawberry.union("SetUserActiveResult")
]


@strawberry.input
class InviteUserInput:
    email: str
    name: str
    organization_id: strawberry.ID
    roles: list[Role]  # type: ignore[valid-type]


@strawberry.input
class AcceptInvitationInput:
    token: str
    password: str


@strawberry.input
class SetUserActiveInput:
    user_id: strawberry.ID
    active: bool


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user, or null.")
    def viewer(self, info: Info) -> User | None:
        user = info.context.user
        return User.of(user) if user else None

    @strawberry.field(description="All organisations (for signed-in users).")
    async def organizations(self, info: Info) -> list[Organization]:
        return [Organization.of(o) for o in await queries.organizations(info.context.store, info.context.actor)]

    @strawberry.field(description="All users, for the secretariat.")
    async def users(self, info: Info) -> list[User]:
        return [User.of(u) for u in await queries.users(info.context.store, info.context.actor)]

    @strawberry.field(description="Invitations not yet accepted and not expired, for the secretariat.")
    async def invitations(self, info: Info) -> list[Invitation]:
        ctx = info.context
        return [
            Invitation.of(i, o) for i, o in await queries.pending_invitations(ctx.store, ctx.actor, ctx.clock.now())
        ]

    @strawberry.field(description="The server's clock, for countdowns that do not trust the browser's.")
    def server_time(self, info: Info) -> datetime:
        return info.context.clock.now()


def _set_session_cookie(info: Info, token: str, expires_at: datetime) -> None:
    response = info.context.response
    settings = info.context.settings
    if response is None or not hasattr(response, "set_cookie"):
        return
    max_age = settings.session_absolute_hours * 3600
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
    )


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(description="Sign in; sets an HttpOnly session cookie.")
    async def sign_in(self, info: Info, email: str, password: str) -> SignInResult:
        ctx = info.context
        if len(email) > 254 or len(password) > 1024 or not storable(email + password):
            return InvalidInput(message=ctx.text("invalid_email"), code="INVALID_EMAIL", field="email")
        caller = ctx.caller()
        result = await service.sign_in(
            ctx.store,
            service.SessionPolicy(ctx.settings),
            email,
            password,
            caller.origin,
            caller.now,
        )
        if isinstance(result, service.SignInRefused):
            if result.key == "signin_locked":
                return TooManyAttempts(
                    message=ctx.text("signin_locked", minutes=result.minutes),
                    code="SIGNIN_LOCKED",
                    retry_after_minutes=result.minutes,
                )
            return InvalidCredentials(message=ctx.text("invalid_credentials"), code="INVALID_CREDENTIALS")
        _set_session_cookie(info, result.token, result.expires_at)
        ctx.user = result.user
        return SignedIn(user=User.of(result.user))

    @strawberry.mutation(description="Sign out; the session is revoked on the server.")
    async def sign_out(self, info: Info) -> SignOutResult:
        ctx = info.context
        if ctx.user is None or ctx.session_token is None:
            return not_signed_in(ctx)
        caller = ctx.caller()
        await service.sign_out(ctx.store, ctx.session_token, caller.origin, caller.now)
        response = ctx.response
        if response is not None and hasattr(response, "delete_cookie"):
            response.delete_cookie(SESSION_COOKIE, path="/")
        return SignedOut(ok=True)

    @strawberry.mutation(
        description="Invite a person (secretariat): the single-use link is e-mailed to them and returned."
    )
    async def invite_user(self, info: Info, input: InviteUserInput) -> InviteUserResult:
        ctx = info.context
        caller = ctx.caller()
        result = await service.invite(
            ctx.store,
            caller,
            email=input.email,
            name=input.name,
            organization_id=ids.parse(input.organization_id, "Organization"),
            roles=frozenset(domain.Role(r) for r in input.roles),
            secret_key=ctx.settings.secret_key,
        )
        if not isinstance(result, tuple):
            return error_for(result, ctx)
        invitation, organization, token = result
        return UserInvited(
            invitation=Invitation.of(invitation, organization), link=f"{ctx.settings.public_url}/invitation#{token}"
        )

    @strawberry.mutation(description="Accept an invitation by setting a password.")
    async def accept_invitation(self, info: Info, input: AcceptInvitationInput) -> AcceptInvitationResult:
        ctx = info.context
        caller = ctx.caller()
        result = await service.accept_invitation(ctx.store, input.token, input.password, caller.origin, caller.now)
        return answer(result, ctx, lambda r: InvitationAccepted(user=User.of(r)))  # type: ignore[return-value]

    @strawberry.mutation(description="Deactivate (ending their sessions) or reactivate a user (secretariat).")
    async def set_user_active(self, info: Info, input: SetUserActiveInput) -> SetUserActiveResult:
        ctx = info.context
        result = await service.set_user_active(ctx.store, ctx.caller(), ids.parse(input.user_id, "User"), input.active)
        return answer(result, ctx, lambda r: UserActivityChanged(user=User.of(r)))
