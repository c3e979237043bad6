"""The web UI's views and its comment cost a fixed number of store round trips, whatever the
number of comments or sections (issue 17: round trips constant as a document grows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import parse, print_ast, separate_operations

from tests.api.drafting_support import new_document
from tests.api.test_comments import _added, _anchor
from tests.support import KL_COMMENTER, SECRETARIAT, Api, RunningApp
from tests.unit.test_query_cost import _frontend_operations

AsUser = Callable[[str], Awaitable[Api]]


def _web_ui(name: str) -> str:
    """The web UI's operation ``name`` with just the fragments it spreads."""
    return print_ast(separate_operations(parse(_frontend_operations()[name]))[name])


# The document view as issue 10 puts it (the benchmark's document_outline): sections with open counts.
OUTLINE = """query($slug: String!) { document(slug: $slug) { id slug title kind phase summary
  viewerCan { edit comment }
  sections { id key title position version html updatedAt updatedBy { id name } openCommentCount } } }"""
BODY = "Kommunerne og regionerne samarbejder.\n\nData skal deles på tværs af sektorer.\n\nTelemedicin udbredes.\n"


async def _document(secretariat: Api, commenter: Api, sections: int, comments: int) -> dict[str, Any]:
    """A document of ``sections`` sections, the first two with a comment, and ``comments`` in all
    on the first (every other one anchored, a reply to every third)."""
    doc = await new_document(secretariat, [(f"Afsnit {i}", BODY) for i in range(sections)])
    for section in doc["sections"][:2]:
        await _added(commenter, section, "Bemærkning.", anchor=_anchor(BODY, "Data skal deles"))
    first = doc["sections"][0]
    threads = []
    for i in range(comments - 1):
        extra: dict[str, Any] = {"anchor": _anchor(BODY, "Telemedicin udbredes")} if i % 2 else {}
        if i % 3 == 2:
            extra = {"parentId": threads[-1]}
        added = await _added(commenter, first, f"Bemærkning {i}.", **extra)
        threads.append(added["id"])
    return doc


async def _trips(app: RunningApp, api: Api, query: str, variables: dict[str, Any]) -> Counter[str]:
    """The store commands of one request, after the same request once (versions, session warm)."""
    assert app.counter is not None
    await api.execute(query, variables)
    app.counter.request_targets.clear()
    await api.execute(query, variables)
    return Counter(app.counter.request_targets)


async def _costs(app: RunningApp, commenter: Api, doc: dict[str, Any]) -> dict[str, Counter[str]]:
    first = doc["sections"][0]
    add = {"input": {"sectionId": first, "version": 1, "body": "Endnu en bemærkning."}}
    return {
        "reader": await _trips(app, commenter, _web_ui("DocumentReader"), {"slug": doc["slug"], "first": 10}),
        "reader's next page": await _trips(
            app, commenter, _web_ui("ReaderSections"), {"slug": doc["slug"], "after": first, "first": 10}
        ),
        "outline": await _trips(app, commenter, OUTLINE, {"slug": doc["slug"]}),
        "comments panel": await _trips(app, commenter, _web_ui("SectionThreads"), {"id": first}),
        "add a comment": await _trips(app, commenter, _web_ui("AddComment"), add),
    }


async def test_views_and_a_comment_cost_the_same_round_trips_at_every_size(app: RunningApp, as_user: AsUser) -> None:
    secretariat, commenter = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    small = await _costs(app, commenter, await _document(secretariat, commenter, sections=2, comments=1))
    commented = await _costs(app, commenter, await _document(secretariat, commenter, sections=2, comments=16))
    # More sections than a store's first batch of a list holds (101): lists are read in one.
    long = await _costs(app, commenter, await _document(secretariat, commenter, sections=110, comments=1))
    for name, trips in small.items():
        assert commented[name] == trips, (name, "more comments", trips, commented[name])
        assert long[name] == trips, (name, "more sections", trips, long[name])
    # Each thing read once: the comment's answer (its section's open count) reads nothing the
    # workflow read already, and the open counts are kept and checked without reading them back.
    assert all(small.values()), small  # the probe counts the request's own commands (none would be a broken probe)
    # 14: the section's counts, markers and thread keys are three stores (thread keys apart: issue 17's fifth round).
    assert sum(small["add a comment"].values()) <= 14, small["add a comment"]
    assert sum(small["outline"].values()) <= 7, small["outline"]
    # The panel's page: the section's thread keys choose it (not its markers), then its threads and
    # their replies are read by id at once (two finds in flight together), none of the section's other comments.
    assert sum(small["comments panel"].values()) <= 10, small["comments panel"]
    assert small["comments panel"]["find comment_thread_keys"] == 1, small["comments panel"]
    assert "find comment_markers" not in small["comments panel"], small["comments panel"]
