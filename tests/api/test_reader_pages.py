"""The reader reads a document's sections in pages (``Document.sections(first, after)``): in the document's
order, never overlapping, going on from where the last section read stood when sections were added, deleted
or moved in between; a cursor that is not one of the document's sections is refused in words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.api.drafting_support import new_document
from tests.support import KL_COMMENTER, PLO_COMMENTER, SECRETARIAT, Api

AsUser = Callable[[str], Awaitable[Api]]

PAGE = """query($slug: String!, $first: Int, $after: ID) {
  document(slug: $slug) { sections(first: $first, after: $after) { id title } } }"""
HEADINGS = """query($slug: String!) { document(slug: $slug) { headings { id key title } } }"""
ADD = """mutation($input: AddSectionInput!) { addSection(input: $input) {
  __typename ... on SectionAdded { section { id } } } }"""
DELETE = """mutation($input: DeleteSectionInput!) { deleteSection(input: $input) { __typename } }"""
MOVE = """mutation($input: MoveSectionInput!) { moveSection(input: $input) { __typename } }"""


async def _page(api: Api, slug: str, first: int | None = None, after: str | None = None) -> list[str]:
    document = (await api.execute(PAGE, {"slug": slug, "first": first, "after": after}))["document"]
    return [s["id"] for s in document["sections"]]


async def _five(as_user: AsUser) -> tuple[Api, dict[str, Any]]:
    sec = await as_user(SECRETARIAT)
    return sec, await new_document(sec, [(f"Afsnit {n}", f"Tekst {n}.") for n in range(5)])


async def test_pages_follow_the_document_order_and_never_overlap(as_user: AsUser) -> None:
    sec, doc = await _five(as_user)
    s = doc["sections"]
    assert await _page(sec, doc["slug"]) == s  # no paging arguments: every section, as before
    # The outline the reader pages along: every section, in the same order.
    headings = (await sec.execute(HEADINGS, {"slug": doc["slug"]}))["document"]["headings"]
    assert headings == [{"id": section, "key": f"afsnit-{n}", "title": f"Afsnit {n}"} for n, section in enumerate(s)]
    assert await _page(sec, doc["slug"], first=2) == s[:2]
    assert await _page(sec, doc["slug"], first=2, after=s[1]) == s[2:4]
    assert await _page(sec, doc["slug"], first=2, after=s[3]) == s[4:]
    assert await _page(sec, doc["slug"], first=2, after=s[4]) == []
    assert await _page(sec, doc["slug"], after=s[0]) == s[1:]  # the rest
    # The same for a commenter: pages are of the sections the reader may read.
    kl = await as_user(KL_COMMENTER)
    assert await _page(kl, doc["slug"], first=3, after=s[0]) == s[1:4]


async def test_a_section_added_deleted_or_moved_between_two_pages(as_user: AsUser) -> None:
    sec, doc = await _five(as_user)
    s0, s1, s2, s3, s4 = doc["sections"]
    slug, document_id = doc["slug"], doc["id"]
    assert await _page(sec, slug, first=2) == [s0, s1]  # the first page the reader has

    async def add(title: str, position: int) -> str:
        added = await sec.execute(ADD, {"input": {"documentId": document_id, "title": title, "position": position}})
        return str(added["addSection"]["section"]["id"])

    async def change(mutation: str, name: str, done: str, **input: object) -> None:
        assert (await sec.execute(mutation, {"input": input}))[name]["__typename"] == done

    # Added above the end of the page read: the next page is unchanged (the outline has it, and the
    # first page when read again); added below it: the next page starts with it.
    above = await add("Ovenover", 1)
    assert await _page(sec, slug, first=2, after=s1) == [s2, s3]
    below = await add("Nedenunder", 3)
    assert await _page(sec, slug, first=2, after=s1) == [below, s2]
    assert await _page(sec, slug) == [s0, above, s1, below, s2, s3, s4]

    # The last section read is deleted: the next page goes on from where it stood.
    await change(DELETE, "deleteSection", "SectionDeleted", sectionId=s1)
    assert await _page(sec, slug, first=2, after=s1) == [below, s2]
    await change(DELETE, "deleteSection", "SectionDeleted", sectionId=below)
    assert await _page(sec, slug, first=2, after=s1) == [s2, s3]

    # A section moved to the top is after nothing the reader has read below it.
    await change(MOVE, "moveSection", "SectionMoved", sectionId=s4, position=0)
    assert await _page(sec, slug, first=2, after=s2) == [s3]
    assert await _page(sec, slug, first=10) == await _page(sec, slug) == [s4, s0, above, s2, s3]


async def test_a_cursor_that_is_no_section_of_the_document_is_refused_in_words(as_user: AsUser) -> None:
    sec, doc = await _five(as_user)
    other = await new_document(sec, [("Andet", "Et andet dokument.")])
    cursors = [other["sections"][0], doc["id"], "ikke-et-id"]  # another document's section, not a section, no id
    for after in cursors:
        response = await sec.raw(PAGE, {"slug": doc["slug"], "first": 2, "after": after})
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_CURSOR", (after, error)
        assert "findes ikke i dokumentet" in error["message"], (after, error)
    # A page holds at least one section, as every other page of the API.
    assert await _page(sec, doc["slug"], first=0) == await _page(sec, doc["slug"], first=-3) == doc["sections"][:1]
    assert await _page(sec, doc["slug"]) == doc["sections"]  # and nothing changed


async def test_pages_show_nothing_to_those_who_may_not_read_the_document(as_user: AsUser) -> None:
    sec, doc = await _five(as_user)  # KL and the regions take part, PLO does not
    plo = await as_user(PLO_COMMENTER)
    for variables in ({"first": 2}, {"first": 2, "after": doc["sections"][1]}):
        assert (await plo.execute(PAGE, {"slug": doc["slug"], **variables}))["document"] is None
