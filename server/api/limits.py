"""Request limits that must hold before Strawberry's own validation runs.

Strawberry's depth and alias limiters expand fragment spreads without memoising, so a 2 KB query
of fragments that each spread the previous one twice takes exponential time to validate and
stalls the event loop. ``expanded_size`` counts the fields a query would select, memoising each
fragment, in linear time; a query over the limit is refused before any other validation runs.
Subscriptions are refused over HTTP: they run on the WebSocket (graphql-transport-ws).

``query_cost`` bounds what a valid query multiplies to: each list field multiplies what it selects
by the page it asks for (its ``limit``, or the ``first`` of the connection it is the ``nodes`` of) or,
for a list without one, by ``LIST_SIZE``. Back-references
(``Section.document``, ``SectionVersion.section``) let 79 characters select millions of objects
(``{documents{sections{document{sections{document{sections{document{id}}}}}}}}``): a list walked
again inside itself (``Document.sections`` under ``Document.sections``) is refused outright, as no
view needs it, and such a query is refused before it runs, whatever the depth limit admits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.extensions.validation_cache import _get_validate_cache

from server.messages import Language, text

MAX_EXPANDED_FIELDS = 5_000
LIST_SIZE = 20  # what a list without a limit is assumed to hold
MAX_COST = 1_000_000  # the front end's heaviest view (a document's comments) costs 280,000
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


def query_cost(schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None = None) -> int:
    """The objects a valid query may select: nested lists multiply (see the module's docstring).

    Counting stops a little past ``MAX_COST``, so a hostile query costs no more time to measure
    than an ordinary one.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    memo: dict[tuple[str, frozenset[str], int], int] = {}

    def page(node: FieldNode, field: GraphQLField, name: str = "limit", default: int = LIST_SIZE) -> int:
        argument = field.args.get(name)
        if argument is None:
            return default
        given = next((a.value for a in node.arguments or () if a.name.value == name), None)
        value: object = argument.default_value
        if isinstance(given, IntValueNode):
            value = int(given.value)
        elif isinstance(given, VariableNode):
            value = (variables or {}).get(given.name.value, value)
        return max(1, value) if isinstance(value, int) else LIST_SIZE

    def cost(
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        walked: frozenset[str],
        connection: int = LIST_SIZE,
    ) -> int:
        """What ``selection_set`` costs on ``parent``, below the lists in ``walked`` ("Type.field"), in a
        connection of pages of ``connection``."""
        if selection_set is None:
            return 0
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                fields = getattr(parent, "fields", None) or {}
                field = fields.get(node.name.value)
                if field is None:  # __typename, introspection: bounded by the schema
                    total += 1
                    continue
                inner: GraphQLType = field.type
                is_list = False
                while isinstance(inner, GraphQLNonNull | GraphQLList):
                    is_list = is_list or isinstance(inner, GraphQLList)
                    inner = inner.of_type
                if is_list and node.selection_set is not None:
                    key = f"{getattr(parent, 'name', '')}.{node.name.value}"
                    if key in walked:
                        return MAX_COST + 1  # the same list again, through a back-reference
                    selected = cost(node.selection_set, get_named_type(inner), walked | {key})
                    total += 1 + page(node, field, default=connection) * selected
                else:
                    # A connection (``first``): its ``nodes`` hold a page of that many.
                    pages = page(node, field, "first")
                    total += 1 + cost(node.selection_set, get_named_type(inner), walked, pages)
            elif isinstance(node, FragmentSpreadNode):
                spread = (node.name.value, walked, connection)
                if spread not in memo and spread[0] in fragments:
                    memo[spread] = 0  # a cycle: validation has refused it already
                    definition = fragments[spread[0]]
                    on = schema.get_type(definition.type_condition.name.value)
                    memo[spread] = cost(definition.selection_set, on, walked, connection)
                total += memo.get(spread, 0)
            elif isinstance(node, InlineFragmentNode):
                inline = node.type_condition
                on = schema.get_type(inline.name.value) if inline else parent
                total += cost(node.selection_set, on, walked, connection)
            if total > MAX_COST:
                return total
        return total

    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            total += cost(definition.selection_set, schema.get_root_type(definition.operation), frozenset())
    return total


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
            schema = context.schema._schema
            context.pre_execution_errors = _validate(schema, document, context.validation_rules)
            if not context.pre_execution_errors and query_cost(schema, document, context.variables) > MAX_COST:
                message = text("query_too_costly", language, limit=MAX_COST)
                context.pre_execution_errors = [GraphQLError(message, extensions={"code": "QUERY_TOO_COSTLY"})]
        yield
