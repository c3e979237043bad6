"""graphql-core's execution, with the plain fields answered at once.

graphql-core resolves every field of every object the same way: a resolve-info object, the
resolver (for a field without one, Strawberry's wrapper around ``getattr``), a check whether the
result is awaitable, and the completion of the value by its type — ~2 µs a field, most of the
cost of a long list of small objects. A *plain* field — no resolver, no arguments, no field
extension or permission, of a scalar or enum type, read with ``getattr`` — needs none of it: its
value is the attribute, serialised. Such fields are marked once when the schema is built
(``mark_plain_fields``) and answered here directly: the reader's table of contents, 400 headings
× 3 fields, 4.5 → 2.3 ms of CPU (what is left is graphql-core's work per object). Anything else,
and a plain field whose value is null, cannot be read or does not serialise, takes graphql-core's own
way, so answers and errors (with their paths) are the same.

A field with a resolver may name an attribute that answers it when set (``kept``): a list that
works out the field for all its items at once (``Document.sections``: who saved each, its open
comments) sets it on each, and the field is then answered from it without Strawberry's resolver
path (its resolve-info, arguments and extensions: ~6 µs a field, 80 per outline), as a plain
field when it is a scalar; unset (None), the resolver answers as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, get_nullable_type, is_leaf_type
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path, Undefined, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

# In a plain field's ``extensions``: the attribute it reads and the serialiser of its type.
PLAIN = "udkast-plain"
# In a Strawberry field's ``metadata``: the attribute that answers it when set (see the module's docstring).
KEPT = "udkast-kept"


def kept(attribute: str) -> dict[str, str]:
    """The ``metadata`` of a field with a resolver answered from ``attribute`` when a list has set it."""
    return {KEPT: attribute}


class Execution(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A schema extension that wraps resolvers (``resolve``) must see every field: then none is plain.
        manager = self.middleware_manager
        self.plain = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        if self.plain:
            field = parent_type.fields.get(field_details_list[0].node.name.value)  # __typename is not among them
            plain = field.extensions.get(PLAIN) if field is not None else None
            if plain is not None:
                name, serialize = plain
                try:
                    value = getattr(source, name)
                    serialized = None if value is None or self.is_awaitable(value) else serialize(value)
                except Exception:  # graphql-core's way reports it on this field, with its path
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    return serialized
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def _kept_first(attribute: str, resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolved(source: Any, info: Any, **args: Any) -> Any:
        value = getattr(source, attribute, None)
        return value if value is not None else resolve(source, info, **args)

    return resolved


def mark_plain_fields(schema: GraphQLSchema) -> int:
    """Mark the fields of ``schema`` that ``Execution`` answers directly, and answer the kept fields
    from their attribute when set; returns how many of either."""
    marked = 0
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = field.extensions.get("strawberry-definition")
            leaf = get_nullable_type(field.type)
            if (
                isinstance(definition, StrawberryField)
                and definition.is_basic_field
                and not field.args
                # Strawberry's resolver of a field it reads as an attribute, with no exception handler around it.
                and getattr(field.resolve, "__name__", "") == "_get_basic_result"
                and definition.default_resolver is getattr
                and is_leaf_type(leaf)
            ):
                field.extensions[PLAIN] = (definition.python_name, leaf.serialize)
                marked += 1
            elif (
                isinstance(definition, StrawberryField)
                and (attribute := definition.metadata.get(KEPT))
                and not field.args
                and not definition.extensions  # permission classes are an extension: those must run
                and field.resolve is not None
            ):
                field.resolve = _kept_first(attribute, field.resolve)
                if is_leaf_type(leaf):
                    field.extensions[PLAIN] = (attribute, leaf.serialize)
                marked += 1
    return marked
