"""A section's comment threads a page at a time (``Section.commentThreads``): the comments panel of
the reader reads and shows only the page it shows (issue 17: lists page)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bson import Binary, ObjectId

from server import ids
from server.comments.service import check_open_counts
from server.store import Store
from tests.api.test_comments import RESPOND, _add, _added, _document, _section, _submit
from tests.support import KL, KL_COMMENTER, REGIONS, REGIONS_COMMENTER, SDS, SECRETARIAT, SUM, Api, RunningApp

AsUser = Callable[[str], Awaitable[Api]]

THREADS = """query($id: ID!, $first: Int!, $after: String, $status: CommentStatus) {
  node(id: $id) { ... on Section { commentThreads(first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id body status response organization { slug } replies { id body } }
  } } } }"""


async def _page(
    api: Api, section: str, first: int, after: str | None = None, status: str | None = None
) -> dict[str, Any]:
    variables = {"id": section, "first": first, "after": after, "status": status}
    return (await api.execute(THREADS, variables))["node"]["commentThreads"]  # type: ignore[no-any-return]


async def _all_pages(api: Api, section: str, first: int) -> list[dict[str, Any]]:
    pages = [await _page(api, section, first)]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        assert len(pages) < 20, "paging does not end"
        pages.append(await _page(api, section, first, pages[-1]["pageInfo"]["endCursor"]))
    return pages


def _bodies(page: dict[str, Any]) -> list[str]:
    return [thread["body"] for thread in page["nodes"]]


async def test_pages_follow_each_other_in_the_order_the_threads_were_written(as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc = await _document(secretariat)
    threads = [await _added(secretariat, doc["section"], f"Tråd {i}.") for i in range(5)]
    await _added(secretariat, doc["section"], "Svar på tråd 1.", parentId=threads[1]["id"])
    await _added(secretariat, doc["section"], "Svar på tråd 4.", parentId=threads[4]["id"])

    pages = await _all_pages(secretariat, doc["section"], 2)
    assert [_bodies(p) for p in pages] == [["Tråd 0.", "Tråd 1."], ["Tråd 2.", "Tråd 3."], ["Tråd 4."]]
    assert [p["totalCount"] for p in pages] == [5, 5, 5]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False]
    assert [p["pageInfo"]["endCursor"] for p in pages] == [threads[1]["id"], threads[3]["id"], threads[4]["id"]]
    replies = {t["body"]: [r["body"] for r in t["replies"]] for p in pages for t in p["nodes"]}
    assert replies["Tråd 1."] == ["Svar på tråd 1."] and replies["Tråd 4."] == ["Svar på tråd 4."]
    assert replies["Tråd 0."] == []
    # The same threads as the whole list, in the same order.
    everything = (await _section(secretariat, doc["section"]))["comments"]
    assert [t["id"] for p in pages for t in p["nodes"]] == [c["id"] for c in everything]

    # Past the last page: nothing more, and the cursor stays where it was.
    after_last = await _page(secretariat, doc["section"], 2, threads[4]["id"])
    assert after_last["nodes"] == [] and after_last["pageInfo"] == {"hasNextPage": False, "endCursor": threads[4]["id"]}
    # A page asks for at least one thread and at most 50.
    assert _bodies(await _page(secretariat, doc["section"], 0)) == ["Tråd 0."]
    assert len((await _page(secretariat, doc["section"], 1000))["nodes"]) == 5


async def test_other_organisations_drafts_are_neither_shown_nor_counted_on_any_page(as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc = await _document(secretariat)
    kl, regions = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER)
    await _added(kl, doc["section"], "KL's udkast 1.")
    await _added(regions, doc["section"], "Regionernes svar 1.")
    await _added(kl, doc["section"], "KL's udkast 2.")
    await _added(regions, doc["section"], "Regionernes svar 2.")
    await _added(secretariat, doc["section"], "Sekretariatets bemærkning.")
    await _submit(regions, doc["document"])

    for api, expected in [
        (regions, ["Regionernes svar 1.", "Regionernes svar 2.", "Sekretariatets bemærkning."]),
        (secretariat, ["Regionernes svar 1.", "Regionernes svar 2.", "Sekretariatets bemærkning."]),
        (kl, ["KL's udkast 1.", "Regionernes svar 1.", "KL's udkast 2.", "Regionernes svar 2.",
              "Sekretariatets bemærkning."]),
    ]:  # fmt: skip
        pages = await _all_pages(api, doc["section"], 1)
        assert [b for p in pages for b in _bodies(p)] == expected
        assert {p["totalCount"] for p in pages} == {len(expected)}
        assert all(len(p["nodes"]) == 1 for p in pages)  # no page is short by a hidden draft


async def test_a_thread_written_between_two_pages_is_neither_lost_nor_shown_twice(as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc = await _document(secretariat)
    threads = [await _added(secretariat, doc["section"], f"Tråd {i}.") for i in range(4)]
    first = await _page(secretariat, doc["section"], 2)
    assert _bodies(first) == ["Tråd 0.", "Tråd 1."] and first["totalCount"] == 4

    await _added(secretariat, doc["section"], "Skrevet imens.")
    # The thread a cursor names may go meanwhile: the next page starts after it all the same.
    withdrawn = await secretariat.execute(
        """mutation($input: DeleteCommentInput!) { deleteComment(input: $input) { __typename } }""",
        {"input": {"commentId": threads[1]["id"]}},
    )
    assert withdrawn["deleteComment"]["__typename"] == "CommentDeleted", withdrawn
    second = await _page(secretariat, doc["section"], 2, first["pageInfo"]["endCursor"])
    third = await _page(secretariat, doc["section"], 2, second["pageInfo"]["endCursor"])
    assert _bodies(second) == ["Tråd 2.", "Tråd 3."] and second["pageInfo"]["hasNextPage"] is True
    assert _bodies(third) == ["Skrevet imens."] and third["pageInfo"]["hasNextPage"] is False
    assert second["totalCount"] == third["totalCount"] == 4


async def test_a_status_pages_through_the_threads_of_that_status(as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc = await _document(secretariat)
    threads = [await _added(secretariat, doc["section"], f"Tråd {i}.") for i in range(5)]
    for thread in threads[1::2]:
        answered = await secretariat.execute(RESPOND, {"input": {"commentId": thread["id"], "status": "NOTED"}})
        assert answered["respondToComment"]["__typename"] == "CommentAnswered", answered
    first = await _page(secretariat, doc["section"], 1, status="OPEN")
    rest = await _page(secretariat, doc["section"], 5, first["pageInfo"]["endCursor"], status="OPEN")
    assert (_bodies(first), _bodies(rest)) == (["Tråd 0."], ["Tråd 2.", "Tråd 4."])
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    noted = await _page(secretariat, doc["section"], 5, status="NOTED")
    assert _bodies(noted) == ["Tråd 1.", "Tråd 3."] and noted["totalCount"] == 2


async def test_a_malformed_cursor_is_a_clear_error(as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc = await _document(secretariat)
    await _added(secretariat, doc["section"], "Tråd.")
    response = await secretariat.raw(THREADS, {"id": doc["section"], "first": 5, "after": doc["section"]})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_CURSOR"
    assert "endCursor" in error["message"]


async def test_a_page_reads_only_its_own_threads_and_their_replies(app: RunningApp, as_user: AsUser) -> None:
    assert app.counter is not None
    secretariat = await as_user(SECRETARIAT)
    doc = await _document(secretariat)
    for i in range(30):
        thread = await _added(secretariat, doc["section"], f"Tråd {i}.")
        await _added(secretariat, doc["section"], f"Svar {i}.", parentId=thread["id"])
    await _page(secretariat, doc["section"], 5)  # the session and the versions read once
    before = app.counter.returned.get("comments", 0)
    page = await _page(secretariat, doc["section"], 5)
    assert len(page["nodes"]) == 5 and page["totalCount"] == 30
    # 5 threads and their 5 replies of the section's 60 comments.
    assert app.counter.returned.get("comments", 0) - before == 10


async def _three_threads(secretariat: Api) -> tuple[dict[str, Any], ObjectId]:
    """A document whose section has three threads, »Tråd 0.« to »Tråd 2.«, and that section's id."""
    doc = await _document(secretariat)
    for i in range(3):
        await _added(secretariat, doc["section"], f"Tråd {i}.")
    section = ids.parse(doc["section"], "Section")
    assert section is not None
    return doc, section


async def test_a_section_kept_before_its_thread_keys_were_is_paged_all_the_same(as_user: AsUser, store: Store) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc, section = await _three_threads(secretariat)
    # The shape of a store written before the keys were kept in a document of their own: beside
    # the markers (``threads``), which are not read for them.
    kept = await store.db["comment_thread_keys"].find_one_and_delete({"_id": section})
    assert kept is not None
    await store.db["comment_markers"].update_one({"_id": section}, {"$set": {"threads": kept["keys"][:25]}})
    pages = await _all_pages(secretariat, doc["section"], 2)
    assert [_bodies(p) for p in pages] == [["Tråd 0.", "Tråd 1."], ["Tråd 2."]]
    again = await store.db["comment_thread_keys"].find_one({"_id": section})
    assert again is not None and again["keys"] == kept["keys"]  # kept again, for the next reader
    markers = await store.db["comment_markers"].find_one({"_id": section})
    assert markers is not None and "threads" not in markers  # the markers as kept now


async def test_check_finds_and_repairs_wrong_thread_keys(as_user: AsUser, store: Store) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc, section = await _three_threads(secretariat)
    kept = await store.db["comment_thread_keys"].find_one({"_id": section})
    assert kept is not None
    # A thread's key lost (a store damaged outside the app): its page goes without it.
    wrong = Binary(kept["keys"][: 2 * 25])
    await store.db["comment_thread_keys"].update_one({"_id": section}, {"$set": {"keys": wrong}})
    assert _bodies(await _page(secretariat, doc["section"], 5)) == ["Tråd 0.", "Tråd 1."]
    assert section in {w.section_id for w in await check_open_counts(store, repair=False)}
    await check_open_counts(store, repair=True)
    assert _bodies(await _page(secretariat, doc["section"], 5)) == ["Tråd 0.", "Tråd 1.", "Tråd 2."]
    assert section not in {w.section_id for w in await check_open_counts(store, repair=False)}


async def test_threads_written_at_once_are_all_paged_once_in_order(as_user: AsUser, store: Store) -> None:
    doc = await _document(await as_user(SECRETARIAT), participants=("kl", "danske-regioner", "sum"))
    writers = [await as_user(user) for user in (KL, REGIONS, SUM, SDS)]
    # Four organisations' editors write twelve threads each at once: every write recounts the
    # section's keys while the others' land (``Comments.recount``).
    added = await asyncio.gather(
        *(_add(writer, doc["section"], f"Tråd {i} fra {n}.") for n, writer in enumerate(writers) for i in range(12))
    )
    assert [a["__typename"] for a in added] == ["CommentAdded"] * 48
    written = sorted((a["comment"]["id"] for a in added), key=lambda i: ids.parse(i, "Comment").binary)
    pages = await _all_pages(writers[0], doc["section"], 20)
    assert [t["id"] for p in pages for t in p["nodes"]] == written  # each once, in the order written
    assert [p["totalCount"] for p in pages] == [48, 48, 48]
    section = ids.parse(doc["section"], "Section")
    assert section not in {w.section_id for w in await check_open_counts(store, repair=False)}


async def test_a_draft_is_shown_and_counted_only_inside_its_organisation(as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    doc = await _document(secretariat)
    kl, regions = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER)
    for i in range(3):
        await _added(regions, doc["section"], f"Regionernes svar {i}.")
    await _submit(regions, doc["document"])
    draft = await _added(kl, doc["section"], "KL's udkast.")  # after the cursor of every page below
    for api in (secretariat, regions):
        pages = await _all_pages(api, doc["section"], 2)
        assert [b for p in pages for b in _bodies(p)] == [f"Regionernes svar {i}." for i in range(3)]
        assert [p["totalCount"] for p in pages] == [3, 3]
        assert pages[-1]["pageInfo"]["hasNextPage"] is False  # no page waits for the hidden draft
        # Nor does a cursor past the shown threads find it.
        rest = await _page(api, doc["section"], 2, pages[-1]["pageInfo"]["endCursor"])
        assert rest["nodes"] == [] and rest["totalCount"] == 3
    pages = await _all_pages(kl, doc["section"], 2)
    assert [t["id"] for p in pages for t in p["nodes"]][-1] == draft["id"] and pages[0]["totalCount"] == 4
