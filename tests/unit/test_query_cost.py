"""The query cost limit (server/api/limits.py): what a query multiplies to, before it runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse

from server.api.limits import MAX_COST, query_cost
from server.api.schema import build_schema

SCHEMA = build_schema()._schema
FRONTEND = Path(__file__).resolve().parents[2] / "frontend" / "src"


def _frontend_operations() -> dict[str, str]:
    """Every operation the web UI sends, with the fragments it may spread."""
    blocks = []
    for path in sorted(FRONTEND.rglob("*.ts*")):
        if "gql" not in path.parts:
            blocks += re.findall(r"graphql\(\s*(?:/\* GraphQL \*/\s*)?`([^`]*)`", path.read_text())
    fragments = "\n".join(b for b in blocks if b.strip().startswith("fragment"))
    operations = {}
    for block in blocks:
        named = re.search(r"^\s*(?:query|mutation|subscription)\s+(\w+)", block)
        if named:
            operations[named.group(1)] = block + "\n" + fragments
    return operations


def test_every_operation_of_the_web_ui_is_well_within_the_limit() -> None:
    operations = _frontend_operations()
    assert len(operations) > 40 and "DocumentComments" in operations
    costs = {name: query_cost(SCHEMA, parse(source)) for name, source in operations.items()}
    assert max(costs.values()) < MAX_COST / 3, sorted(costs.items(), key=lambda item: item[1])[-3:]


@pytest.mark.parametrize(
    "query",
    [
        "{documents{sections{document{sections{document{sections{document{id}}}}}}}}",  # the probe's, 79 characters
        "{documents{sections{document{sections{id}}}}}",  # the same list again, through a back-reference
        "{documents{sections{versions(limit: 100){section{versions(limit: 100){number}}}}}}",
        "{documents{sections{comments{replies{edits{body}}}}}}",  # five nested lists
        "query($n: Int){documents{sections{versions(limit: $n){number}}}}",
    ],
)
def test_queries_that_multiply_are_over_the_limit(query: str) -> None:
    variables = {"n": 100_000} if "$n" in query else None
    assert query_cost(SCHEMA, parse(query), variables) > MAX_COST


def test_a_back_reference_that_does_not_walk_a_list_again_is_cheap() -> None:
    assert query_cost(SCHEMA, parse("{documents{sections{document{id title}}}}")) < 2_000


def test_a_connection_costs_the_page_it_asks_for() -> None:
    def cost(first: int) -> int:
        query = "query($id: ID!, $n: Int!) { node(id: $id) { ... on Section { commentThreads(first: $n) { "
        query += "totalCount nodes { id replies { id } } } } } }"
        return query_cost(SCHEMA, parse(query), {"id": "sec", "n": first})

    # Each thread of the page with the replies a list is assumed to hold.
    assert cost(5) == 1 + 1 + 1 + 5 * (1 + 1 + 20 * 1) + 1
    assert cost(100_000) > MAX_COST
