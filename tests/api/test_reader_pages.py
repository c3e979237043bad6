"""The reader reads a document's sections in pages (``Document.sections(first, after)``): in the document's
order, never overlapping, going on from where the last section read stood when sections were added, deleted
or moved in between; a cursor that is not one of the document's sections is refused in words."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from server import ids
from server.store import Store
from tests.api.drafting_support import new_document, save
from tests.support import KL, KL_COMMENTER, PLO_COMMENTER, REGIONS, SECRETARIAT, Api, RunningApp

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


CONTENTS = """query($slug: String!) { document(slug: $slug) {
  headings { id key title } sections { id key title } } }"""
RESTORE = """mutation($input: RestoreSectionInput!) { restoreSection(input: $input) { __typename } }"""
RESTORE_VERSION = """mutation($input: RestoreSectionVersionInput!) { restoreSectionVersion(input: $input) {
  __typename } }"""


async def _contents(api: Api, slug: str) -> list[tuple[str, str, str]]:
    """The table of contents, checked against the sections read in full: the same sections, keys and titles."""
    document = (await api.execute(CONTENTS, {"slug": slug}))["document"]
    headings = [(h["id"], h["key"], h["title"]) for h in document["headings"]]
    assert headings == [(s["id"], s["key"], s["title"]) for s in document["sections"]]
    return headings


async def test_the_table_of_contents_follows_every_change_of_the_sections(as_user: AsUser) -> None:
    """The contents are kept apart from the sections (so that a reader does not read them all): every write
    that changes them keeps them in step — a new title saved or restored, a section added, moved, deleted or
    brought back — and a save that keeps the title leaves them as they are."""
    sec, doc = await _five(as_user)
    s0, s1, s2, s3, s4 = doc["sections"]
    slug = doc["slug"]

    async def titles() -> list[str]:
        return [title for _, _, title in await _contents(sec, slug)]

    async def change(mutation: str, name: str, done: str, **input: object) -> None:
        assert (await sec.execute(mutation, {"input": input}))[name]["__typename"] == done

    assert await titles() == [f"Afsnit {n}" for n in range(5)]
    assert (await save(sec, s1, 1, "Ny tekst.", title="Borgeren først"))["__typename"] == "SectionSaved"
    assert (await save(sec, s1, 2, "Nyere tekst.", title="Borgeren først"))["__typename"] == "SectionSaved"
    assert await titles() == ["Afsnit 0", "Borgeren først", "Afsnit 2", "Afsnit 3", "Afsnit 4"]
    await change(RESTORE_VERSION, "restoreSectionVersion", "SectionSaved", sectionId=s1, version=1)
    assert await titles() == [f"Afsnit {n}" for n in range(5)]

    added = await sec.execute(ADD, {"input": {"documentId": doc["id"], "title": "Indledning", "position": 0}})
    new = added["addSection"]["section"]["id"]
    assert [(i, k) for i, k, _ in await _contents(sec, slug)][:2] == [(new, "indledning"), (s0, "afsnit-0")]
    await change(MOVE, "moveSection", "SectionMoved", sectionId=s4, position=1)
    await change(DELETE, "deleteSection", "SectionDeleted", sectionId=s2)
    assert [i for i, _, _ in await _contents(sec, slug)] == [new, s4, s0, s1, s3]
    await change(RESTORE, "restoreSection", "SectionRestored", sectionId=s2)
    assert [i for i, _, _ in await _contents(sec, slug)] == [new, s4, s0, s1, s3, s2]  # back at the end
    # A commenter reads the same contents.
    assert await _contents(await as_user(KL_COMMENTER), slug) == await _contents(sec, slug)


async def test_the_table_of_contents_is_right_after_concurrent_changes(as_user: AsUser) -> None:
    """Titles saved at once in several sections of a document (and twice in one), with a section added and one
    deleted meanwhile: once all have answered, the contents show each section as it is."""
    sec, doc = await _five(as_user)
    s0, s1, s2, s3, s4 = doc["sections"]
    editors = [await as_user(email) for email in (SECRETARIAT, KL, REGIONS)]
    work = [
        save(editors[i % 3], s, 1, f"Tekst {i} skrevet om.", title=f"Titel {i}") for i, s in enumerate(doc["sections"])
    ]
    work += [
        save(editors[1], s0, 1, "Tekst 0.", title="Titel 0"),  # the same title from the same base: merged or not
        sec.execute(ADD, {"input": {"documentId": doc["id"], "title": "Tillæg"}}),
        sec.execute(DELETE, {"input": {"sectionId": s3}}),
    ]
    results = await asyncio.gather(*work)
    assert all(r["__typename"] in ("SectionSaved", "VersionConflict") for r in results[:6]), results
    contents = await _contents(sec, doc["slug"])
    assert [i for i, _, _ in contents][:4] == [s0, s1, s2, s4]
    assert {title for _, _, title in contents} == {"Titel 0", "Titel 1", "Titel 2", "Titel 4", "Tillæg"}


async def test_a_section_written_past_the_kept_contents_is_found_and_repaired_by_check(
    app: RunningApp, mongodb_uri: str, as_user: AsUser, store: Store
) -> None:
    """A crash between a section's change and keeping the contents leaves them stale: ``check`` finds it, and
    ``check --repair`` keeps them again."""
    sec, doc = await _five(as_user)
    oid = ids.parse(doc["sections"][2], "Section")
    await store.db["sections"].update_one({"_id": oid}, {"$set": {"title": "Skrevet uden om"}})
    stale = (await sec.execute(HEADINGS, {"slug": doc["slug"]}))["document"]["headings"]
    assert stale[2]["title"] == "Afsnit 2"
    env = {**os.environ, "MONGODB_URI": mongodb_uri, "DATABASE": app.settings.database}
    env["SECRET_KEY"] = app.settings.secret_key
    check = subprocess.run([sys.executable, "-m", "server", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 1 and f"document {ids.parse(doc['id'], 'Document')}: table of contents stale" in (
        check.stdout
    )
    repair = subprocess.run(
        [sys.executable, "-m", "server", "check", "--repair"], env=env, capture_output=True, text=True
    )
    assert repair.returncode == 0 and "table of contents derived again" in repair.stdout
    assert [t for _, _, t in await _contents(sec, doc["slug"])][2] == "Skrevet uden om"


async def test_contents_stored_from_a_stale_reading_are_put_right_by_their_writer(
    as_user: AsUser, store: Store
) -> None:
    """The race ``keep_headings`` settles: a writer that derived the contents before another writer's change and
    stores them after it derives them again once stored, and stores what it finds."""
    sec, doc = await _five(as_user)
    document_id = ids.parse(doc["id"], "Document")
    assert document_id is not None
    right = await store.drafting.derive_headings(document_id)
    kept = await store.drafting.keep_headings(document_id, proposal=right[::-1][1:])  # out of date and in disorder
    assert kept == right == await store.drafting.headings(document_id)
    assert [i for i, _, _ in await _contents(sec, doc["slug"])] == doc["sections"]


async def test_a_section_added_at_the_end_or_moved_one_place_renumbers_only_what_moved(
    app: RunningApp, as_user: AsUser
) -> None:
    """Sections are numbered again after a change of their order, but only those whose number changes are
    written: adding at the end of a long document rewrites none of the others (each write of a section makes
    the embedded store read and rewrite it whole)."""
    sec, doc = await _five(as_user)
    assert app.counter is not None

    async def section_updates(mutation: str, input: dict[str, object]) -> int:
        app.counter.request_targets.clear()
        await sec.execute(mutation, {"input": input})
        return app.counter.request_targets.count("update sections")

    assert await section_updates(ADD, {"documentId": doc["id"], "title": "Sidst"}) == 0
    assert await section_updates(MOVE, {"sectionId": doc["sections"][3], "position": 4}) == 2  # 3 and 4 swap
    assert await section_updates(DELETE, {"sectionId": doc["sections"][0]}) == 5  # the five after it move up
    contents = await _contents(sec, doc["slug"])
    assert [t for _, _, t in contents] == ["Afsnit 1", "Afsnit 2", "Afsnit 4", "Afsnit 3", "Sidst"]
