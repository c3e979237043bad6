"""Request limits that must hold before Strawberry's own validation runs.

Strawberry's depth and alias limiters expand fragment spreads without memoising, so a 2 KB query
of fragments that each spread the previous one twice takes exponential time to validate and
stalls the event loop. ``expanded_size`` counts the fields a query would select, memoising each
fragment, in linear time; a query over the limit is refused before any other validation runs.
Subscriptions are refused over HTTP: they run on the WebSocket (graphql-transport-ws).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.extensions.validation_cache import _get_validate_cache

from server.messages import Language, text

MAX_EXPANDED_FIELDS = 5_000
_validate = _get_validate_cache(512)


def expanded_size(document: DocumentNode) -> int:
    """How many fields the document's operations select once every fragment is expanded."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}
    visiting: set[str] = set()

    def fragment(name: str) -> int:
        if name in sizes:
            return sizes[name]
        if name in visiting or name not in fragments:
            return 0  # a cycle or an unknown fragment: validation reports it
        visiting.add(name)
        sizes[name] = selections(fragments[name].selection_set)
        visiting.discard(name)
        return sizes[name]

    def selections(selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += 1 + selections(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                total += fragment(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                total += selections(node.selection_set)
            if total > MAX_EXPANDED_FIELDS:
                return total
        return total

    return sum(selections(d.selection_set) for d in document.definitions if isinstance(d, OperationDefinitionNode))


def _is_subscription(document: DocumentNode) -> bool:
    return any(
        isinstance(d, OperationDefinitionNode) and d.operation == OperationType.SUBSCRIPTION
        for d in document.definitions
    )


class GuardedValidation(SchemaExtension):
    """Validation with the limits above first, then Strawberry's rules through its shared cache."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None
        language: Language = "en" if getattr(context.context, "language", "da") == "en" else "da"
        request = getattr(context.context, "request", None)
        if _is_subscription(document) and not isinstance(request, WebSocket):
            error = GraphQLError(text("subscription_needs_websocket", language), extensions={"code": "BAD_REQUEST"})
            context.pre_execution_errors = [error]
        elif expanded_size(document) > MAX_EXPANDED_FIELDS:
            message = text("query_too_large", language, limit=MAX_EXPANDED_FIELDS)
            context.pre_execution_errors = [GraphQLError(message, extensions={"code": "QUERY_TOO_LARGE"})]
        else:
            context.pre_execution_errors = _validate(context.schema._schema, document, context.validation_rules)
        yield
