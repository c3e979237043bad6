"""The reader's comment markers (``Section.commentMarkers``): kept per section beside the open
counts, right after every change, repaired by ``check --repair``, and read without reading comments."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import bson
from bson import Binary

from server import ids
from server.comments.service import check_open_counts
from server.markdown import plain_text
from server.store import Store
from tests.api.drafting_support import new_document
from tests.api.test_comments import (
    APPLY,
    BODY,
    DELETE,
    EDIT,
    RESPOND,
    _add,
    _added,
    _anchor,
    _document,
    _kl_drafts_two,
    _save,
    _submit,
)
from tests.support import KL, KL_COMMENTER, REGIONS, REGIONS_COMMENTER, SDS, SECRETARIAT, SUM, Api, RunningApp

AsUser = Callable[[str], Awaitable[Api]]

# What the reader (ReaderSection.tsx, Suggestions.tsx) asks of each marker, and the same of each thread.
_FIELDS = """id kind status submitted sectionVersion proposedText appliedVersion anchorStatus passage
  anchor { exact prefix suffix } anchorLocation { version start end exact }
  organization { shortName } viewerCan { edit respond applyProposal }"""
BOTH = f"""query($id: ID!) {{ node(id: $id) {{ ... on Section {{
  commentMarkers {{ {_FIELDS} }} comments {{ {_FIELDS} }}
  readerMarkers {{ count passages {{ start end ids count proposalCount firstId }} outdated {{ id }}
    openProposals {{ id proposedText }} }} }} }} }}"""
# What the reader (ReaderSection.tsx) asks of each section's markers with the page's text,
READER_MARKERS = """readerMarkers { count passages { start end count proposalCount firstId }
  outdated { id passage anchor { exact } } }"""
READER = f"""query($id: ID!) {{ node(id: $id) {{ ... on Document {{ sections {{ id version html {READER_MARKERS} }} }} }} }}"""
# and then of the page's sections for the suggestions in the text (Suggestions.tsx).
SUGGESTIONS = """query($id: ID!) { node(id: $id) { ... on Document { sections { id readerMarkers {
  openProposals { id kind status proposedText appliedVersion anchorLocation { start } consultedLocation { start }
    organization { id name shortName } viewerCan { respond applyProposal } } } } } } }"""


def _as_marker(comment: dict[str, Any]) -> dict[str, Any]:
    """A thread as its marker shows it: the proposed text only while it is an open proposal."""
    open_proposal = (
        comment["kind"] == "PROPOSAL"
        and comment["status"] == "OPEN"
        and comment["appliedVersion"] is None
        and comment["anchor"] is not None
    )
    return {**comment, "proposedText": comment["proposedText"] if open_proposal else None}


def _as_read(markers: list[dict[str, Any]]) -> dict[str, Any]:
    """What ``Section.readerMarkers`` holds of these markers, for a reader of the current text: each passage
    with the comments marking it, the outdated ones, the open proposals in the text."""
    placed = [m for m in markers if m["anchorLocation"] is not None]
    passages: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for m in placed:
        passages.setdefault((m["anchorLocation"]["start"], m["anchorLocation"]["end"]), []).append(m)
    return {
        "count": len(markers),
        "passages": [
            {
                "start": start,
                "end": end,
                "ids": [m["id"] for m in found],
                "count": len(found),
                "proposalCount": sum(1 for m in found if m["proposedText"]),
                "firstId": found[0]["id"],
            }
            for (start, end), found in passages.items()
        ],
        "outdated": [{"id": m["id"]} for m in markers if m["anchor"] is not None and m["anchorLocation"] is None],
        "openProposals": [{"id": m["id"], "proposedText": m["proposedText"]} for m in placed if m["proposedText"]],
    }


async def _markers_match_threads(api: Api, section: str) -> list[dict[str, Any]]:
    """The section's markers as ``api``'s user sees them, checked against the threads they stand for, and
    the reader's lean form of them against the markers."""
    node = (await api.execute(BOTH, {"id": section}))["node"]
    threads = sorted((_as_marker(c) for c in node["comments"]), key=lambda c: ids.parse(c["id"], "Comment").binary)  # type: ignore[union-attr]
    assert node["commentMarkers"] == threads
    assert node["readerMarkers"] == _as_read(node["commentMarkers"])
    return node["commentMarkers"]  # type: ignore[no-any-return]


async def test_markers_follow_every_change_as_each_organisation_sees_them(as_user: AsUser) -> None:
    doc = await _kl_drafts_two(as_user)  # KL's two drafts: an anchored remark and a proposal
    kl, regions, kl_editor = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER), await as_user(KL)
    viewers = [kl, regions, kl_editor, await as_user(REGIONS), await as_user(SECRETARIAT)]

    async def seen() -> list[list[dict[str, Any]]]:
        return [await _markers_match_threads(api, doc["section"]) for api in viewers]

    first = await seen()
    assert [len(m) for m in first] == [2, 0, 2, 0, 0]  # drafts: their organisation only
    proposal = next(m for m in first[0] if m["kind"] == "PROPOSAL")
    assert proposal["proposedText"] == "bør tilbydes flere patienter" and proposal["anchorStatus"] == "ANCHORED"
    assert proposal["viewerCan"] == {"edit": True, "respond": False, "applyProposal": False}

    await _added(kl, doc["section"], "Et svar i tråden.", parentId=doc["remark"]["id"])
    assert [len(m) for m in await seen()] == [2, 0, 2, 0, 0]  # a reply has no marker of its own
    edited = await kl.execute(
        EDIT,
        {"input": {"commentId": doc["proposal"]["id"], "body": "Bedre sådan.", "proposedText": "kan tilbydes"}},
    )
    assert edited["editComment"]["__typename"] == "CommentEdited"
    assert next(m for m in (await seen())[0] if m["kind"] == "PROPOSAL")["proposedText"] == "kan tilbydes"

    await _submit(kl, doc["document"])
    submitted = await seen()
    assert [len(m) for m in submitted] == [2, 2, 2, 2, 2] and all(m["submitted"] for m in submitted[1])
    # The editors may now answer and take the proposal in.
    assert next(m for m in submitted[3] if m["kind"] == "PROPOSAL")["viewerCan"]["applyProposal"] is True

    own = await _added(regions, doc["section"], "Regionernes bemærkning.", anchor=_anchor(BODY, "samtykke"))
    assert [len(m) for m in await seen()] == [2, 3, 2, 3, 2]
    withdrawn = await regions.execute(DELETE, {"input": {"commentId": own["id"]}})
    assert withdrawn["deleteComment"]["__typename"] == "CommentDeleted"
    assert [len(m) for m in await seen()] == [2, 2, 2, 2, 2]

    answer = {"commentId": doc["remark"]["id"], "status": "REJECTED", "response": "Nej."}
    assert (await viewers[3].execute(RESPOND, {"input": answer}))["respondToComment"]["__typename"] == "CommentAnswered"
    remark = next(m for m in (await seen())[1] if m["kind"] == "REMARK")
    assert remark["status"] == "REJECTED"  # an answered thread keeps its marker, with its status

    applied = await kl_editor.execute(APPLY, {"input": {"commentId": doc["proposal"]["id"]}})
    assert applied["applyProposal"]["__typename"] == "ProposalApplied"
    taken_in = next(m for m in (await seen())[0] if m["kind"] == "PROPOSAL")
    # Taken in: no longer a suggestion in the text (no proposed text shown), the new version linked.
    assert taken_in["status"] == "ACCEPTED" and taken_in["proposedText"] is None and taken_in["appliedVersion"] == 2

    # A save moves the text: the markers relocate into the new version as the threads do.
    await _save(kl_editor, doc["section"], 2, "Indledning.\n\n" + BODY)
    moved = await seen()
    assert all(m["anchorLocation"] is None or m["anchorLocation"]["version"] == 3 for m in moved[0])


async def test_simultaneous_comments_all_get_their_markers(as_user: AsUser, store: Store) -> None:
    doc = await _document(await as_user(SECRETARIAT), participants=("kl", "danske-regioner", "sum"))
    editors = [await as_user(user) for user in (KL, REGIONS, SUM, SDS)]
    added = await asyncio.gather(
        *(
            _add(editor, doc["section"], f"Bemærkning {i} fra {n}.", anchor=_anchor(BODY, "samtykke"))
            for n, editor in enumerate(editors)
            for i in range(8)
        )
    )
    assert [a["__typename"] for a in added] == ["CommentAdded"] * 32
    markers = await _markers_match_threads(editors[0], doc["section"])
    assert {m["id"] for m in markers} == {a["comment"]["id"] for a in added}
    section = ids.parse(doc["section"], "Section")
    assert section not in {wrong.section_id for wrong in await check_open_counts(store, repair=False)}


async def test_check_finds_and_repairs_a_wrong_marker_document(as_user: AsUser, store: Store) -> None:
    doc = await _kl_drafts_two(as_user)
    kl = await as_user(KL_COMMENTER)
    right = await _markers_match_threads(kl, doc["section"])
    section = ids.parse(doc["section"], "Section")
    kept = _kept_markers(await store.db["comment_markers"].find_one({"_id": section}))
    assert len(kept) == 2
    # A crash between a write and its recount: one marker says REJECTED, the other is gone; the
    # counts happen to be right, so only the markers are wrong.
    wrong = bson.encode({"markers": [{**kept[0], "status": "REJECTED"}]})
    await store.db["comment_markers"].update_one({"_id": section}, {"$set": {"packed": Binary(wrong)}})
    shown = (await kl.execute(BOTH, {"id": doc["section"]}))["node"]["commentMarkers"]
    assert [m["status"] for m in shown] == ["REJECTED"]  # what is kept is what the reader shows

    [found] = [w for w in await check_open_counts(store, repair=False) if w.section_id == section]
    assert found.markers and found.stored == found.counted == 2
    await check_open_counts(store, repair=True)
    assert await _markers_match_threads(kl, doc["section"]) == right
    assert section not in {w.section_id for w in await check_open_counts(store, repair=False)}


async def test_check_finds_and_repairs_markers_kept_without_their_counts(as_user: AsUser, store: Store) -> None:
    doc = await _kl_drafts_two(as_user)
    kl = await as_user(KL_COMMENTER)
    await _markers_match_threads(kl, doc["section"])  # placed in the text and kept
    section = ids.parse(doc["section"], "Section")
    before = await store.db["comment_counts"].find_one({"_id": section})
    assert before is not None
    edit = {"commentId": doc["proposal"]["id"], "body": "Et andet forslag.", "proposedText": "kan tilbydes patienter"}
    assert (await kl.execute(EDIT, {"input": edit}))["editComment"]["__typename"] == "CommentEdited"
    # A crash in the recount after the edit: the markers and thread keys were stored, the counts were not.
    # The numbers are unchanged, but the stamp kept with them is that of the markers before the edit.
    await store.db["comment_counts"].replace_one({"_id": section}, before)
    shown = (await kl.execute(BOTH, {"id": doc["section"]}))["node"]["readerMarkers"]["openProposals"]
    assert [p["proposedText"] for p in shown] == ["bør tilbydes flere patienter"]  # the placement kept before

    [found] = [w for w in await check_open_counts(store, repair=False) if w.section_id == section]
    assert found.markers and found.stored == found.counted == 2
    await check_open_counts(store, repair=True)
    shown = (await kl.execute(BOTH, {"id": doc["section"]}))["node"]["readerMarkers"]["openProposals"]
    assert [p["proposedText"] for p in shown] == ["kan tilbydes patienter"]
    await _markers_match_threads(kl, doc["section"])
    assert section not in {w.section_id for w in await check_open_counts(store, repair=False)}


async def test_markers_never_kept_are_derived_when_the_reader_opens(as_user: AsUser, store: Store) -> None:
    doc = await _kl_drafts_two(as_user)
    kl = await as_user(KL_COMMENTER)
    right = await _markers_match_threads(kl, doc["section"])
    section = ids.parse(doc["section"], "Section")
    await store.db["comment_markers"].delete_one({"_id": section})  # data from before the markers
    assert await _markers_match_threads(kl, doc["section"]) == right
    assert len(_kept_markers(await store.db["comment_markers"].find_one({"_id": section}))) == 2


async def test_markers_kept_before_they_were_packed_are_derived_again(as_user: AsUser, store: Store) -> None:
    doc = await _kl_drafts_two(as_user)
    kl = await as_user(KL_COMMENTER)
    right = await _markers_match_threads(kl, doc["section"])
    section = ids.parse(doc["section"], "Section")
    kept = _kept_markers(await store.db["comment_markers"].find_one({"_id": section}))
    # The shape of a store written before the markers were packed: an array of subdocuments.
    await store.db["comment_markers"].replace_one({"_id": section}, {"markers": kept[:1]})
    assert section in {w.section_id for w in await check_open_counts(store, repair=False)}
    assert await _markers_match_threads(kl, doc["section"]) == right
    assert len(_kept_markers(await store.db["comment_markers"].find_one({"_id": section}))) == 2
    assert section not in {w.section_id for w in await check_open_counts(store, repair=False)}


async def test_the_reader_places_again_what_was_placed_from_other_markers(as_user: AsUser, store: Store) -> None:
    doc = await _kl_drafts_two(as_user)
    kl = await as_user(KL_COMMENTER)
    right = await _markers_match_threads(kl, doc["section"])  # placed in the text and kept
    section = ids.parse(doc["section"], "Section")
    kept = await store.db["comment_placements"].find_one({"_id": section})
    assert kept is not None and [v["version"] for v in kept["views"]] == [1]
    # A placement made from markers that are no longer kept (its stamp is not theirs) is not shown:
    # the reader places the markers again.
    nothing = {"section": [], "passages": [], "outdated": [], "proposals": []}
    stale = {**kept["views"][0], "stamp": Binary(b"\x00" * 16), "packed": Binary(bson.encode(nothing))}
    await store.db["comment_placements"].replace_one({"_id": section}, {"views": [stale]})
    assert await _markers_match_threads(kl, doc["section"]) == right
    # Counts kept before they carried the stamp of their markers: counted again, which keeps it.
    await store.db["comment_counts"].update_one({"_id": section}, {"$unset": {"markers": ""}})
    assert await _markers_match_threads(kl, doc["section"]) == right
    counts = await store.db["comment_counts"].find_one({"_id": section})
    assert counts is not None and len(counts["markers"]) == 16
    # A new version of the text: the markers are placed in it, and kept beside the earlier version's.
    await _save(await as_user(KL), doc["section"], 1, BODY + "\nEt nyt afsnit.\n")
    await _markers_match_threads(kl, doc["section"])
    kept = await store.db["comment_placements"].find_one({"_id": section})
    assert kept is not None and [v["version"] for v in kept["views"]] == [2, 1]


def _kept_markers(kept: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The markers a ``comment_markers`` document keeps (packed as BSON, see comments/repository.py)."""
    assert kept is not None and set(kept) == {"_id", "packed"}, kept
    return list(bson.decode(kept["packed"])["markers"])


# What the reader reads of its own (the app's background work — mail, sweeps, events — uses others).
_READER_COLLECTIONS = (
    "comments",
    "comment_counts",
    "comment_markers",
    "comment_placements",
    "sections",
    "section_versions",
)


async def test_the_reader_reads_as_many_documents_whatever_the_number_of_comments(
    app: RunningApp, as_user: AsUser
) -> None:
    secretariat = await as_user(SECRETARIAT)
    kl = await as_user(KL)
    doc = await _document(secretariat)
    assert app.counter is not None
    read = []
    for total in (0, 3, 24):
        while len((await kl.execute(BOTH, {"id": doc["section"]}))["node"]["comments"]) < total:
            await _added(kl, doc["section"], "Bemærkning.", anchor=_anchor(BODY, "samtykke"))
        await kl.execute(READER, {"id": doc["document"]})  # the commented version, cached from now on
        app.counter.returned.clear()
        app.counter.targets.clear()
        reader = (await kl.execute(READER, {"id": doc["document"]}))["node"]
        markers = reader["sections"][0]["readerMarkers"]
        # Every comment marks the same passage: one marker for all of them.
        assert markers["count"] == sum(p["count"] for p in markers["passages"]) == total
        assert len(markers["passages"]) == min(total, 1) and markers["outdated"] == []
        returned = {c: n for c, n in app.counter.returned.items() if c in _READER_COLLECTIONS}
        trips = [t for t in app.counter.targets if t.split(" ")[-1] in _READER_COLLECTIONS]
        read.append((returned, trips))
    # The same documents and round trips for 0, 3 and 24 comments: two small kept documents per section
    # (the counts, with the stamp of the markers, and the markers placed in the text, without the open
    # proposals), never the markers themselves nor a comment.
    assert read[0] == read[1] == read[2], read
    assert read[2][0].get("comment_placements") == 1 and read[2][0].get("comment_counts") == 1, read
    assert "comment_markers" not in read[2][0] and "comments" not in read[2][0], read


async def test_a_page_of_sections_reads_the_markers_of_its_sections_only(app: RunningApp, as_user: AsUser) -> None:
    secretariat, kl = await as_user(SECRETARIAT), await as_user(KL)
    doc = await new_document(secretariat, [(f"Afsnit {n}", BODY) for n in range(3)])
    for section in doc["sections"]:
        await _added(kl, section, "Bemærkning.", anchor=_anchor(BODY, "samtykke"))
    page = f"""query($slug: String!, $after: ID) {{ document(slug: $slug) {{
      sections(first: 1, after: $after) {{ id {READER_MARKERS} }} }} }}"""
    assert app.counter is not None
    for after, shown in ((None, doc["sections"][0]), (doc["sections"][0], doc["sections"][1])):
        await kl.execute(page, {"slug": doc["slug"], "after": after})
        app.counter.returned.clear()
        [section] = (await kl.execute(page, {"slug": doc["slug"], "after": after}))["document"]["sections"]
        assert section["id"] == shown and section["readerMarkers"]["count"] == 1
        assert app.counter.returned.get("comment_placements") == 1, app.counter.returned
        assert "comment_markers" not in app.counter.returned, app.counter.returned


async def test_the_reader_gets_outdated_passages_and_open_proposals_in_full_and_the_rest_lean(
    as_user: AsUser,
) -> None:
    doc = await _document(await as_user(SECRETARIAT))
    kl = await as_user(KL)  # the steering group publishes directly
    remark = await _added(kl, doc["section"], "Hvem giver samtykket?", anchor=_anchor(BODY, "giver samtykke"))
    proposal = await _added(
        kl,
        doc["section"],
        "Et tilbud, ikke et krav.",
        anchor=_anchor(BODY, "skal udbredes til flere patienter"),
        proposedText="bør tilbydes flere patienter",
    )
    await _added(kl, doc["section"], "Om hele afsnittet.")  # not on a passage: counted, not placed
    await _save(kl, doc["section"], 1, BODY.replace(" når borgeren giver samtykke", ""))
    section = (await kl.execute(READER, {"id": doc["document"]}))["node"]["sections"][0]
    markers = section["readerMarkers"]
    assert markers["count"] == 3
    assert markers["outdated"] == [
        {"id": remark["id"], "passage": "giver samtykke", "anchor": {"exact": "giver samtykke"}}
    ]
    [placed] = markers["passages"]
    start = plain_text(BODY.replace(" når borgeren giver samtykke", "")).index("skal udbredes")
    end = start + len("skal udbredes til flere patienter")
    assert placed == {"start": start, "end": end, "count": 1, "proposalCount": 1, "firstId": proposal["id"]}
    [suggestion] = (await kl.execute(SUGGESTIONS, {"id": doc["document"]}))["node"]["sections"][0]["readerMarkers"][
        "openProposals"
    ]
    assert suggestion["id"] == proposal["id"] and suggestion["proposedText"] == "bør tilbydes flere patienter"
    assert suggestion["anchorLocation"] == {"start": start} and suggestion["consultedLocation"] is None
    assert suggestion["viewerCan"] == {"respond": True, "applyProposal": True}
    assert suggestion["organization"]["shortName"] == "KL"
