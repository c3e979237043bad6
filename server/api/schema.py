"""The Strawberry schema: the feature modules' queries and mutations, and the request limits.

Validation rules are built once, at import: creating QueryDepthLimiter/MaxAliasesLimiter per
request would build new rule classes and defeat the validation cache (DESIGN.md §8).
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from server import ids
from server.accounts import queries as accounts_queries
from server.api.accounts import AccountsMutation, AccountsQuery, Organization, User
from server.api.approvals import ApprovalRound, ApprovalsMutation, ApprovalsQuery, round_node
from server.api.comments import Comment, CommentsMutation, comment_node
from server.api.consultations import Consultation, ConsultationsMutation, ConsultationsQuery, consultation_node
from server.api.context import Info
from server.api.drafting import Document, DraftingMutation, DraftingQuery, Section, SectionVersion, Snapshot
from server.api.errors import Refused
from server.api.events import Event, EventsMutation, EventsQuery, EventsSubscription
from server.api.execution import Execution, mark_plain_fields
from server.api.glossary import GlossaryQuery
from server.api.limits import GuardedValidation
from server.api.node import Node
from server.api.notifications import NotificationsMutation, NotificationsQuery
from server.api.reports import ReportsQuery
from server.api.responses import ResponsesMutation, ResponsesQuery
from server.db import STORE_DOWN
from server.drafting import queries as drafting_queries
from server.events import queries as events_queries
from server.messages import Language, text

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000
LIMIT_RULES = (depth_validator(MAX_DEPTH, None), aliases_validator(MAX_ALIASES))


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id, when the signed-in user may see it.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = ids.parse_any(id)
        if parsed is None or info.context.actor is None:
            return None
        kind, oid = parsed
        store, actor = info.context.store, info.context.actor
        # What hangs below a document or section asks for them again: the loaders keep them.
        if kind == "Document":
            doc = await drafting_queries.document(store, actor, document_id=oid)
            if doc is None:
                return None
            info.context.loaders.remember(doc)
            return Document.of(doc)
        if kind == "Section":
            found = await drafting_queries.section(store, actor, oid)
            if found is None:
                return None
            info.context.loaders.remember(*found)
            return Section.of(found[1])
        if kind == "SectionVersion":
            version = await drafting_queries.version(store, actor, oid)
            return SectionVersion.of(version) if version else None
        if kind == "Snapshot":
            snapshot = await drafting_queries.snapshot(store, actor, oid)
            return Snapshot.of(snapshot) if snapshot else None
        if kind == "ApprovalRound":
            return await round_node(info, oid)
        if kind == "Consultation":
            return await consultation_node(info, oid)
        if kind == "Comment":
            return await comment_node(info, oid)
        if kind == "Event":
            event = await events_queries.event(store, actor, oid)
            return Event.of(event) if event else None
        if kind == "Organization":
            org = await accounts_queries.organization(store, oid)
            return Organization.of(org) if org else None
        if kind == "User":
            user = await info.context.loaders.user.load(oid)
            return User.of(user) if user else None
        return None


Query = merge_types(
    "Query",
    (
        AccountsQuery,
        DraftingQuery,
        ReportsQuery,
        ApprovalsQuery,
        ConsultationsQuery,
        EventsQuery,
        NotificationsQuery,
        GlossaryQuery,
        ResponsesQuery,
        NodeQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        DraftingMutation,
        CommentsMutation,
        ApprovalsMutation,
        ConsultationsMutation,
        EventsMutation,
        NotificationsMutation,
        ResponsesMutation,
    ),
)


class _MaskUnexpected(MaskErrors):
    """Mask errors raised by resolvers (tracebacks, internals); keep validation and limit errors.

    A store outage gets a clear, translated message instead of the generic one.
    """

    def __init__(self) -> None:
        super().__init__(
            # Errors with a path were raised while resolving a field: those are masked. Errors
            # without one (variable coercion, validation, limits) are the client's to read.
            should_mask_error=lambda error: (
                error.original_error is not None
                and error.path is not None
                and not isinstance(error.original_error, Refused)
            )
        )

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            if isinstance(error.original_error, Refused):
                error.extensions = {**(error.extensions or {}), "code": error.original_error.code}
        return super()._process_errors(errors)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        language: Language = "en" if getattr(context, "language", "da") == "en" else "da"
        if isinstance(error.original_error, STORE_DOWN):
            message, code = text("store_unavailable", language), "STORE_UNAVAILABLE"
        else:
            message, code = text("unexpected_error", language), "INTERNAL"
        return GraphQLError(message, nodes=error.nodes, path=error.path, extensions={"code": code})


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Log what went wrong inside a resolver (with its traceback); a client's malformed request
        # (validation, variable coercion, limits) is answered, not logged as a server error.
        super().process_errors([e for e in errors if e.path is not None], execution_context)


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(MAX_TOKENS),
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(list(LIMIT_RULES)),
        GuardedValidation,
        _MaskUnexpected,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    schema = _Schema(
        execution_context_class=Execution,
        query=Query,
        mutation=Mutation,
        subscription=EventsSubscription,
        types=[
            Document,
            Section,
            SectionVersion,
            Snapshot,
            Comment,
            ApprovalRound,
            Consultation,
            Event,
            Organization,
            User,
        ],
        extensions=extensions,
    )
    mark_plain_fields(schema._schema)
    return schema
