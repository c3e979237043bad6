"""The typed refusals every mutation can return; they share the interface ``UserError``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar, overload

import strawberry
from bson import ObjectId

from server.api.context import Context, Info

if TYPE_CHECKING:
    from server.api.accounts import Organization, User
from server.outcomes import Conflict, Denied, Failure, Invalid, Missing, Problem


@strawberry.interface(description="An expected refusal, with a message in the request's language.")
class UserError:
    message: str
    code: str


@strawberry.type(description="The request has no valid session.")
class NotSignedIn(UserError):
    pass


@strawberry.type(description="The signed-in user may not do this.")
class Forbidden(UserError):
    pass


@strawberry.type(description="The object does not exist, or the user may not see it.")
class NotFound(UserError):
    pass


@strawberry.type(description="An input value is invalid; `field` names it.")
class InvalidInput(UserError):
    field: str


@strawberry.type(description="Wrong email or password (the same answer for both).")
class InvalidCredentials(UserError):
    pass


@strawberry.type(description="Sign-in is locked for a while after repeated failures.")
class TooManyAttempts(UserError):
    retry_after_minutes: int


@strawberry.type(description="The section changed since `baseVersion` in the same place as your edit.")
class VersionConflict(UserError):
    base: str
    current: str
    yours: str
    base_version: int
    current_version: int
    current_saved_at: datetime | None = strawberry.field(description="When the current version was saved.")
    author_id: strawberry.Private[ObjectId | None]
    organization_id: strawberry.Private[ObjectId | None]

    @strawberry.field(description="Who saved the current version (the colleague whose change collides).")
    async def current_author(self, info: Info) -> Annotated[User, strawberry.lazy("server.api.accounts")] | None:
        from server.api.accounts import user_node  # the account types build on these errors

        return await user_node(info, self.author_id)

    @strawberry.field(description="The organisation the current version was saved for.")
    async def current_organization(
        self, info: Info
    ) -> Annotated[Organization, strawberry.lazy("server.api.accounts")] | None:
        from server.api.accounts import organization_node

        return await organization_node(info, self.organization_id)


Errors = NotSignedIn | Forbidden | NotFound | InvalidInput
"""What a mutation answers instead of its payload when its workflow refuses (a ``Failure``)."""


class Refused(Exception):
    """An expected refusal where no result type can carry it (subscriptions); never masked."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def not_signed_in(ctx: Context) -> NotSignedIn:
    return NotSignedIn(message=ctx.text("not_signed_in"), code="NOT_SIGNED_IN")


@overload
def error_for(problem: Failure, ctx: Context) -> Errors: ...


@overload
def error_for(problem: Problem, ctx: Context) -> Errors | VersionConflict: ...


def error_for(problem: Problem, ctx: Context) -> Errors | VersionConflict:
    """The one mapping from a workflow's problem to its GraphQL error type."""
    match problem:
        case Denied(refusal) if not refusal.signed_in:
            return not_signed_in(ctx)
        case Denied(refusal) if refusal.field is not None:
            return InvalidInput(
                message=ctx.text(refusal.key, **refusal.params), code=refusal.key.upper(), field=refusal.field
            )
        case Denied(refusal):
            return Forbidden(message=ctx.text(refusal.key, **refusal.params), code="FORBIDDEN")
        case Missing(what):
            return NotFound(message=ctx.text("not_found", what=what), code="NOT_FOUND")
        case Invalid(field, key, params):
            return InvalidInput(message=ctx.text(key, **params), code=key.upper(), field=field)
        case Conflict():
            return VersionConflict(
                message=ctx.text("version_conflict"),
                code="VERSION_CONFLICT",
                base=problem.base,
                current=problem.current,
                yours=problem.yours,
                base_version=problem.base_version,
                current_version=problem.current_version,
                current_saved_at=problem.current_saved_at,
                author_id=problem.current_author_id,
                organization_id=problem.current_organization_id,
            )
    raise AssertionError(problem)


R = TypeVar("R")
S = TypeVar("S")
_PROBLEMS = (Missing, Invalid, Denied, Conflict)


@overload
def answer(result: R | Failure, ctx: Context, success: Callable[[R], S]) -> S | Errors: ...


@overload
def answer(result: R | Problem, ctx: Context, success: Callable[[R], S]) -> S | Errors | VersionConflict: ...


def answer(result: R | Problem, ctx: Context, success: Callable[[R], S]) -> S | Errors | VersionConflict:
    """The one way from a workflow's result to a mutation's union answer: ``success`` of the
    result, or the typed error for its problem."""
    if isinstance(result, _PROBLEMS):
        return error_for(result, ctx)
    return success(result)


async def run_workflow(
    info: Info,
    workflow: Callable[..., Awaitable[R | Failure]],
    *args: object,
    then: Callable[[R], S],
    **options: object,
) -> S | Errors:
    """A mutation's answer: ``workflow`` run for the request's caller with ``args`` and ``options``, then
    ``then`` of its result, or the typed error for its problem (``answer``)."""
    ctx = info.context
    return answer(await workflow(ctx.store, ctx.caller(), *args, **options), ctx, then)
