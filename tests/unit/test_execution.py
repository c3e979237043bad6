"""The plain fields answered at once (``server.api.execution``): the same answers and errors as graphql-core's
own way, for every kind of field beside them."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission

from server.api.execution import PLAIN, Execution, kept, mark_plain_fields
from server.api.schema import build_schema


@strawberry.enum
class Kind(Enum):
    REMARK = "remark"
    PROPOSAL = "proposal"


class Never(BasePermission):
    message = "no"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Owner:
    name: str

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


RESOLVED: list[str] = []  # the kept fields' resolvers that ran


@strawberry.type
class Item:
    id: strawberry.ID
    title: str
    kind: Kind
    at: datetime
    count: int
    note: str | None
    required: str  # set to None below: a non-null field without a value is an error, as before
    hidden: str | None = strawberry.field(default="secret", permission_classes=[Never])
    big: int | None = 1  # beyond GraphQL's 32 bits below: an error on this field alone, with its path
    # What a list worked out for all its items at once (None: not worked out).
    counted: strawberry.Private[int | None] = None
    owned_by: strawberry.Private[Owner | None] = None

    @strawberry.field(metadata=kept("counted"))
    async def total(self) -> int:
        RESOLVED.append("total")
        return self.count * 10

    @strawberry.field(metadata=kept("owned_by"))
    def owner(self) -> Owner | None:
        RESOLVED.append("owner")
        return Owner(name=f"Ejer {self.count}") if self.count else None

    @strawberry.field(metadata=kept("counted"), permission_classes=[Never])
    def guarded(self) -> int | None:
        return self.count

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.title.upper() * times

    @strawberry.field
    async def later(self) -> str:
        return self.title


def _items() -> list[Item]:
    at = datetime(2026, 12, 5, 3, 30, tzinfo=UTC)
    items = [
        Item(
            id=strawberry.ID(f"sec_{n}"), title=f"Afsnit {n}", kind=Kind.REMARK, at=at, count=n, note=None, required="x"
        )
        for n in range(3)
    ]
    items[1].note = "en note"
    items[1].big = 2**40
    items[2].kind = Kind.PROPOSAL
    items[2].required = None  # type: ignore[assignment]
    for item in items[1:]:  # the first one's kept fields left for their resolvers
        item.counted = item.count * 10
        item.owned_by = Owner(name=f"Ejer {item.count}")
    return items


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return _items()

    @strawberry.field
    async def later_items(self) -> list[Item | None]:
        return [*_items(), None]


QUERIES = [
    "{ items { id title kind at count note shout } }",
    "{ items { __typename a: title b: title t: shout(times: 2) ...F } } fragment F on Item { count kind }",
    "query($skip: Boolean!) { items { title @skip(if: $skip) count @include(if: $skip) later } }",
    "{ laterItems { id note required } }",  # an error at the third item: its path as before
    "{ items { title hidden } }",  # refused by a permission class: every item's error as before
    "{ items { count total owner { name shout } } laterItems { total owner { name } } }",  # kept, or resolved
    "{ items { count guarded } }",  # kept, but behind a permission class: refused as before
    "{ items { title big } laterItems { big } }",  # a value that does not serialise: the same error and path
]


def _schema(fast: bool) -> strawberry.Schema:
    schema = strawberry.Schema(Query, execution_context_class=Execution if fast else None)
    if fast:
        mark_plain_fields(schema._schema)
    return schema


@pytest.mark.parametrize("query", QUERIES)
async def test_plain_fields_answer_as_graphql_core_does(query: str) -> None:
    answers = []
    for fast in (False, True):
        result = await _schema(fast).execute(query, variable_values={"skip": True})
        errors = [(e.message, e.path) for e in result.errors or []]
        answers.append((result.data, errors))
    assert answers[0] == answers[1]
    assert answers[0][0] is not None


def test_only_fields_read_as_attributes_of_a_scalar_or_enum_type_are_plain() -> None:
    schema = _schema(True)
    fields = schema._schema.type_map["Item"].fields  # type: ignore[union-attr]
    plain = {name for name, field in fields.items() if PLAIN in field.extensions}
    # Not: a resolver (with or without arguments), an awaited field, a field behind a permission class.
    assert plain == {"id", "title", "kind", "at", "count", "note", "required", "big", "total"}


async def test_kept_fields_are_answered_from_what_a_list_set_and_else_by_their_resolver() -> None:
    RESOLVED.clear()
    result = await _schema(True).execute("{ items { total owner { name } } }")
    assert result.errors is None and result.data is not None
    assert result.data["items"] == [
        {"total": 0, "owner": None},
        {"total": 10, "owner": {"name": "Ejer 1"}},
        {"total": 20, "owner": {"name": "Ejer 2"}},
    ]
    assert sorted(RESOLVED) == ["owner", "total"]  # the first item's only: the others' were kept


def test_the_apps_table_of_contents_is_answered_plainly() -> None:
    fields = build_schema().schema_converter.type_map["SectionHeading"].implementation.fields  # type: ignore[attr-defined]
    assert {name for name, field in fields.items() if PLAIN in field.extensions} == {"id", "key", "title"}


def test_the_outlines_counts_and_savers_are_kept_fields() -> None:
    fields = build_schema().schema_converter.type_map["Section"].implementation.fields  # type: ignore[attr-defined]
    assert fields["openCommentCount"].extensions[PLAIN][0] == "open_comments"
    assert fields["updatedBy"].resolve.__name__ == "resolved"
