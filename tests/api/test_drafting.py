"""Drafting: sections, immutable versions, merge, diff, snapshots, phases (issue 4)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bson import ObjectId

from server import ids
from server.store import Store
from tests.api.drafting_support import new_document, save
from tests.support import KL, REGIONS, SECRETARIAT, Api, RunningApp

AsUser = Callable[[str], Awaitable[Api]]
P1, P2, P3 = "Borgeren er aktiv partner.", "Data bruges fuldt ud.", "Sikkerhed er en forudsætning."
BODY = f"{P1}\n\n{P2}\n\n{P3}\n"


async def _versions(store: Store, section_id: str) -> list[int]:
    oid = ids.parse(section_id, "Section")
    assert oid is not None
    return sorted(v.number for v in await store.drafting.versions(oid, limit=1000))


async def test_save_writes_a_new_immutable_version(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    result = await save(sec, section, 1, BODY.replace("aktiv", "meget aktiv"), summary="Skærpet")
    assert result["__typename"] == "SectionSaved"
    assert result["merged"] is False and result["changed"] is True
    assert result["version"]["number"] == 2 and result["section"]["version"] == 2
    first = await sec.execute(
        "query($id: ID!) { node(id: $id) { ... on Section { versionAt(version: 1) { body summary author { name } } "
        "versions { number summary } } } }",
        {"id": section},
    )
    assert first["node"]["versionAt"]["body"] == BODY
    assert [v["number"] for v in first["node"]["versions"]] == [2, 1]
    assert first["node"]["versions"][0]["summary"] == "Skærpet"


async def test_edits_to_different_paragraphs_merge(as_user: AsUser) -> None:
    kl, regions = await as_user(KL), await as_user(REGIONS)
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    first = await save(kl, section, 1, BODY.replace(P1, "Borgeren er en aktiv og ligeværdig partner."))
    second = await save(regions, section, 1, BODY.replace(P3, "Informationssikkerhed er en forudsætning."))
    assert first["__typename"] == second["__typename"] == "SectionSaved"
    assert second["merged"] is True
    body = second["version"]["body"]
    assert "aktiv og ligeværdig partner" in body and "Informationssikkerhed er en forudsætning" in body
    assert second["version"]["number"] == 3


async def test_overlapping_edits_return_a_conflict_and_write_nothing(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    kl, regions = await as_user(KL), await as_user(REGIONS)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    await save(kl, section, 1, BODY.replace(P2, "Data skal bruges fuldt ud af alle."))
    conflict = await save(regions, section, 1, BODY.replace(P2, "Data skal deles sikkert."))
    assert conflict["__typename"] == "VersionConflict"
    assert conflict["base"] == BODY
    assert "fuldt ud af alle" in conflict["current"]
    assert "deles sikkert" in conflict["yours"]
    assert (conflict["baseVersion"], conflict["currentVersion"]) == (1, 2)
    # It names the colleague who saved version 2, their organisation and when.
    assert conflict["currentAuthor"] == {"name": "Karen Kommune"}
    assert conflict["currentOrganization"] == {"shortName": "KL"}
    section_oid = ids.parse(section, "Section")
    assert section_oid is not None
    second = await store.drafting.version(section_oid, 2)
    assert second is not None and datetime.fromisoformat(conflict["currentSavedAt"]) == second.created_at
    assert await _versions(store, section) == [1, 2]


async def test_a_save_without_change_writes_no_version(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    result = await save(sec, doc["sections"][0], 1, BODY + "\n\n")
    assert result["__typename"] == "SectionSaved" and result["changed"] is False
    assert result["version"]["number"] == 1
    assert await _versions(store, doc["sections"][0]) == [1]


ADDRESS = "Sundhedsdatastyrelsen\nAnkerhus\nEdvard Thomsens Vej 10\n2300 København S"


async def test_a_save_that_only_adds_hard_breaks_is_a_new_version(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", f"{P1}\n\n{ADDRESS}\n")])
    section = doc["sections"][0]
    with_breaks = f"{P1}\n\n{ADDRESS.replace(chr(10), '  ' + chr(10))}\n"
    result = await save(sec, section, 1, with_breaks)
    assert result["__typename"] == "SectionSaved" and result["changed"] is True
    assert result["version"]["number"] == 2 and result["version"]["body"] == with_breaks
    assert await _versions(store, section) == [1, 2]
    rendered = await sec.execute("query($id: ID!) { node(id: $id) { ... on Section { html } } }", {"id": section})
    assert "Ankerhus<br" in rendered["node"]["html"]


async def test_hard_breaks_survive_a_concurrent_merge(as_user: AsUser) -> None:
    kl, regions = await as_user(KL), await as_user(REGIONS)
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", f"{P1}\n\n{ADDRESS}\n\n{P3}\n")])
    section = doc["sections"][0]
    address = ADDRESS.replace("\n", "  \n")
    first = await save(kl, section, 1, f"{P1}\n\n{address}\n\n{P3}\n")
    second = await save(regions, section, 1, f"{P1} Også pårørende.\n\n{ADDRESS}\n\n{P3}\n")
    assert first["changed"] is True and second["__typename"] == "SectionSaved"
    assert second["merged"] is True and second["version"]["number"] == 3
    assert second["version"]["body"] == f"{P1} Også pårørende.\n\n{address}\n\n{P3}"
    # The notice names what came from the colleague: the address block with its breaks.
    assert second["mergedFromColleague"] == ["Sundhedsdatastyrelsen Ankerhus Edvard Thomsens Vej 10 2300 …"]


async def test_a_merge_inside_one_paragraph_says_what_came_from_the_colleague(as_user: AsUser) -> None:
    kl, regions = await as_user(KL), await as_user(REGIONS)
    sec = await as_user(SECRETARIAT)
    paragraph = f"{P1} {P2} {P3}"
    doc = await new_document(sec, [("Afsnit", paragraph)])
    section = doc["sections"][0]
    await save(kl, section, 1, paragraph.replace("aktiv partner", "aktiv og ligeværdig partner"))
    second = await save(regions, section, 1, paragraph.replace("Sikkerhed er", "Informationssikkerhed er"))
    assert second["__typename"] == "SectionSaved" and second["merged"] is True
    assert second["version"]["body"] == (
        "Borgeren er aktiv og ligeværdig partner. Data bruges fuldt ud. Informationssikkerhed er en forudsætning."
    )
    assert second["mergedFromColleague"] == ["Borgeren er aktiv og ligeværdig partner. Data bruges fuldt …"]


async def test_bad_input_is_refused_and_writes_nothing(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    cases = [
        (section, 5, "Afsnit", BODY, "InvalidInput", "baseVersion"),
        (section, 1, "   ", BODY, "InvalidInput", "title"),
        (section, 1, "Afsnit", "x" * 200_001, "InvalidInput", "body"),
        (section, 1, "Afsnit", "NUL\x00tegn", "InvalidInput", "body"),
        ("sec_000000000000000000000000", 1, "Afsnit", BODY, "NotFound", None),
        ("ikke-et-id", 1, "Afsnit", BODY, "NotFound", None),
    ]
    for section_id, base, title, body, typename, field in cases:
        result = await save(sec, section_id, base, body, title=title)
        assert result["__typename"] == typename, (base, title, result)
        if field:
            assert result["field"] == field
            assert result["message"]
    assert await _versions(store, section) == [1]


async def test_deleted_section_is_hidden_kept_and_restorable(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Et", "Første."), ("To", "Andet.")])
    first = doc["sections"][0]
    deleted = await sec.execute(
        "mutation($input: DeleteSectionInput!) { deleteSection(input: $input) { __typename } }",
        {"input": {"sectionId": first}},
    )
    assert deleted["deleteSection"]["__typename"] == "SectionDeleted"
    view = await sec.execute(
        "query($id: ID!) { document(id: $id) { sections { title position } all: sections(includeDeleted: true) "
        "{ title deleted versions { number } } } }",
        {"id": doc["id"]},
    )
    assert [s["title"] for s in view["document"]["sections"]] == ["To"]
    assert view["document"]["sections"][0]["position"] == 0
    assert {s["title"]: s["deleted"] for s in view["document"]["all"]} == {"Et": True, "To": False}
    refused = await save(sec, first, 1, "Ny tekst", title="Et")
    assert refused["__typename"] == "InvalidInput"
    restored = await sec.execute(
        "mutation($input: RestoreSectionInput!) { restoreSection(input: $input) { __typename "
        "... on SectionRestored { section { deleted } } } }",
        {"input": {"sectionId": first}},
    )
    assert restored["restoreSection"]["section"]["deleted"] is False


async def test_move_section_reorders(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("A", "a"), ("B", "b"), ("C", "c")])
    moved = await sec.execute(
        "mutation($input: MoveSectionInput!) { moveSection(input: $input) { __typename } }",
        {"input": {"sectionId": doc["sections"][2], "position": 0}},
    )
    assert moved["moveSection"]["__typename"] == "SectionMoved"
    view = await sec.execute("query($id: ID!) { document(id: $id) { sections { title position } } }", {"id": doc["id"]})
    assert [(s["title"], s["position"]) for s in view["document"]["sections"]] == [("C", 0), ("A", 1), ("B", 2)]
    bad = await sec.execute(
        "mutation($input: MoveSectionInput!) { moveSection(input: $input) { __typename ... on InvalidInput { field } } }",
        {"input": {"sectionId": doc["sections"][0], "position": 7}},
    )
    assert bad["moveSection"] == {"__typename": "InvalidInput", "field": "position"}


async def test_diff_and_restore_an_earlier_version(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    await save(sec, section, 1, BODY.replace("aktiv partner", "aktiv medspiller"))
    data = await sec.execute(
        "query($id: ID!) { node(id: $id) { ... on Section { diff(from: 1, to: 2) { segments { kind text } html } } } }",
        {"id": section},
    )
    diff = data["node"]["diff"]
    assert {"kind": "DELETE", "text": "partner"} in diff["segments"]
    assert {"kind": "INSERT", "text": "medspiller"} in diff["segments"]
    assert "<del>partner</del>" in diff["html"] and "<ins>medspiller</ins>" in diff["html"]
    restored = await sec.execute(
        "mutation($input: RestoreSectionVersionInput!) { restoreSectionVersion(input: $input) { __typename "
        "... on SectionSaved { version { number body restoredFrom } } } }",
        {"input": {"sectionId": section, "version": 1}},
    )
    version = restored["restoreSectionVersion"]["version"]
    assert version == {"number": 3, "body": BODY, "restoredFrom": 1}


async def test_diff_html_escapes_user_text(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Ren tekst.")])
    section = doc["sections"][0]
    await save(sec, section, 1, "Ren <script>alert(1)</script> tekst.")
    data = await sec.execute(
        "query($id: ID!) { node(id: $id) { ... on Section { html diff { html } } } }", {"id": section}
    )
    assert "<script>" not in data["node"]["html"] and "<script>" not in data["node"]["diff"]["html"]
    assert "&lt;script&gt;" in data["node"]["diff"]["html"]


async def test_snapshots_are_numbered_frozen_and_comparable(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Vision", "Vores vision."), ("Data", "Data bruges."), ("Drift", "Drift.")])
    snap = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
        __typename ... on SnapshotCreated { snapshot { id number label fingerprint sections { title body number } } } } }"""
    one = (await sec.execute(snap, {"input": {"documentId": doc["id"], "label": "Til styregruppen"}}))["createSnapshot"]
    assert one["snapshot"]["number"] == 1 and one["snapshot"]["label"] == "Til styregruppen"
    await save(sec, doc["sections"][1], 1, "Data bruges fuldt ud.", title="Data")
    await sec.execute(
        "mutation($input: DeleteSectionInput!) { deleteSection(input: $input) { __typename } }",
        {"input": {"sectionId": doc["sections"][2]}},
    )
    await sec.execute(
        "mutation($input: AddSectionInput!) { addSection(input: $input) { __typename } }",
        {"input": {"documentId": doc["id"], "title": "Sikkerhed", "body": "Ny."}},
    )
    await sec.execute(
        "mutation($input: MoveSectionInput!) { moveSection(input: $input) { __typename } }",
        {"input": {"sectionId": doc["sections"][0], "position": 1}},
    )
    two = (await sec.execute(snap, {"input": {"documentId": doc["id"], "label": ""}}))["createSnapshot"]["snapshot"]
    assert two["number"] == 2 and two["label"] == "Udkast 2"
    assert two["fingerprint"] != one["snapshot"]["fingerprint"]
    frozen = await sec.execute(
        "query($id: ID!) { node(id: $id) { ... on Snapshot { sections { title body } } } }",
        {"id": one["snapshot"]["id"]},
    )
    assert [s["body"] for s in frozen["node"]["sections"]] == ["Vores vision.", "Data bruges.", "Drift."]
    changes = await sec.execute(
        "query($id: ID!, $other: ID!) { node(id: $id) { ... on Snapshot { changesSince(snapshotId: $other) "
        "{ kind moved old { title } new { title } diff { html } } } } }",
        {"id": two["id"], "other": one["snapshot"]["id"]},
    )
    kinds = {(c["new"] or c["old"])["title"]: c["kind"] for c in changes["node"]["changesSince"]}
    assert kinds == {"Data": "CHANGED", "Vision": "MOVED", "Sikkerhed": "ADDED", "Drift": "REMOVED"}


async def test_frozen_phases_refuse_editing(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    phase = """mutation($input: SetDocumentPhaseInput!) { setDocumentPhase(input: $input) {
        __typename ... on DocumentPhaseChanged { document { phase } } ... on InvalidInput { field } } }"""
    archived = await sec.execute(phase, {"input": {"documentId": doc["id"], "phase": "ARCHIVED"}})
    assert archived["setDocumentPhase"]["document"]["phase"] == "ARCHIVED"
    refused = await save(sec, doc["sections"][0], 1, "Ændret", title="Afsnit")
    assert refused["__typename"] == "Forbidden"
    assert "»Arkiveret«" in refused["message"] and "ARCHIVED" not in refused["message"]
    direct = await sec.execute(phase, {"input": {"documentId": doc["id"], "phase": "APPROVED"}})
    assert direct["setDocumentPhase"] == {"__typename": "InvalidInput", "field": "phase"}


async def test_concurrent_saves_from_one_base_lose_nothing(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    editors = [await as_user(email) for email in (SECRETARIAT, KL, REGIONS)]
    paragraphs = [f"Afsnit {i} om digital sundhed." for i in range(20)]
    doc = await new_document(sec, [("Storm", "\n\n".join(paragraphs))])
    section = doc["sections"][0]

    def edited(i: int) -> str:
        return "\n\n".join(p.replace("digital", f"digital ({i})") if j == i else p for j, p in enumerate(paragraphs))

    results = await asyncio.gather(*(save(editors[i % 3], section, 1, edited(i)) for i in range(20)))
    assert {r["__typename"] for r in results} <= {"SectionSaved", "VersionConflict"}
    landed = [r for r in results if r["__typename"] == "SectionSaved"]
    assert landed
    numbers = await _versions(store, section)
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == 1 + len(landed)
    for i, result in enumerate(results):
        if result["__typename"] == "SectionSaved":
            assert f"digital ({i})" in result["version"]["body"]
    final = await sec.execute("query($id: ID!) { node(id: $id) { ... on Section { version body } } }", {"id": section})
    assert final["node"]["version"] == numbers[-1]
    for i, result in enumerate(results):  # every landed edit survives in the head: they touched different paragraphs
        if result["__typename"] == "SectionSaved":
            assert f"digital ({i})" in final["node"]["body"]


async def test_document_view_costs_a_fixed_number_of_round_trips(app: RunningApp, as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    small = await new_document(sec, [(f"Afsnit {i}", f"Tekst {i}.") for i in range(2)])
    large = await new_document(sec, [(f"Afsnit {i}", f"Tekst {i}.") for i in range(12)])
    for doc in (small, large):
        for section in doc["sections"]:
            await save(sec, section, 1, "Redigeret af sekretariatet.", title="Afsnit")
    view = """query($slug: String!) { document(slug: $slug) { title phase participants { name }
        sections { id title version html updatedAt updatedBy { name organization { name } } } } }"""
    counts = []
    assert app.counter is not None
    for doc in (small, large):
        await sec.execute(view, {"slug": doc["slug"]})  # warm the session's last-seen update
        app.counter.commands.clear()
        await sec.execute(view, {"slug": doc["slug"]})
        counts.append(len(app.counter.commands))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 7


async def _written_before_a_crash(
    store: Store, app: RunningApp, doc: dict[str, Any], *, title: str, body: str, html: str = ""
) -> None:
    """Version 2 of the document's first section, written as a save writes it, by a save that crashed before it
    moved the head (or kept anything else)."""
    await store.db["section_versions"].insert_one(
        {
            "_id": ObjectId(),
            "section_id": ids.parse(doc["sections"][0], "Section"),
            "document_id": ids.parse(doc["id"], "Document"),
            "number": 2,
            "title": title,
            "body": body,
            "html": html,
            "author_id": None,
            "organization_id": None,
            "created_at": app.clock.now(),
            "summary": "",
            "base_version": 1,
            "merged": False,
            "restored_from": None,
        }
    )


async def test_check_finds_and_repairs_a_lagging_head(
    app: RunningApp, mongodb_uri: str, as_user: AsUser, store: Store
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    # A crash between the two writes: version 2 is written, the head still says 1.
    await _written_before_a_crash(
        store, app, doc, title="Afsnit", body="Efter nedbrud.", html="<p>Efter nedbrud.</p>\n"
    )
    head = await sec.execute("query($id: ID!) { node(id: $id) { ... on Section { version } } }", {"id": section})
    assert head["node"]["version"] == 1  # never a number without its version document
    env = {
        **os.environ,
        "MONGODB_URI": mongodb_uri,
        "DATABASE": app.settings.database,
        "SECRET_KEY": app.settings.secret_key,
    }
    check = subprocess.run([sys.executable, "-m", "server", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 1 and "head 1 lags" in check.stdout
    repair = subprocess.run(
        [sys.executable, "-m", "server", "check", "--repair"], env=env, capture_output=True, text=True
    )
    assert repair.returncode == 0
    again = subprocess.run([sys.executable, "-m", "server", "check"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "nothing to repair" in again.stdout
    head = await sec.execute("query($id: ID!) { node(id: $id) { ... on Section { version body } } }", {"id": section})
    assert head["node"] == {"version": 2, "body": "Efter nedbrud."}


async def test_a_save_after_a_crash_catches_the_head_up(app: RunningApp, as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    await _written_before_a_crash(store, app, doc, title="Afsnit", body=BODY.replace(P1, "Nyt første afsnit."))
    result = await save(sec, section, 1, BODY.replace(P3, "Nyt sidste afsnit."))
    assert result["__typename"] == "SectionSaved" and result["merged"] is True
    assert result["version"]["number"] == 3
    assert "Nyt første afsnit." in result["version"]["body"] and "Nyt sidste afsnit." in result["version"]["body"]


async def test_a_title_left_behind_by_a_crash_reaches_the_table_of_contents_with_the_next_save(
    app: RunningApp, as_user: AsUser, store: Store
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    section = doc["sections"][0]
    # A crash after version 2 (a new title) was written: neither the head nor the contents know it.
    await _written_before_a_crash(store, app, doc, title="Nyt navn", body=BODY)
    # A colleague who read version 1 saves a new last paragraph, keeping the title as they saw it.
    result = await save(sec, section, 1, BODY.replace(P3, "Nyt sidste afsnit."))
    assert result["__typename"] == "SectionSaved" and result["version"]["title"] == "Nyt navn"
    contents = await sec.execute(
        "query($slug: String!) { document(slug: $slug) { headings { title } } }", {"slug": doc["slug"]}
    )
    assert contents["document"]["headings"] == [{"title": "Nyt navn"}]


async def test_documents_with_the_same_title_get_distinct_short_names(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    create = """mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
        __typename ... on DocumentCreated { document { slug } } ... on InvalidInput { field } } }"""
    first = await sec.execute(create, {"input": {"title": "Fælles titel", "kind": "STRATEGY"}})
    second = await sec.execute(create, {"input": {"title": "Fælles titel", "kind": "STRATEGY"}})
    assert first["createDocument"]["document"]["slug"] == "faelles-titel"
    assert second["createDocument"]["document"]["slug"] == "faelles-titel-2"
    chosen = await sec.execute(create, {"input": {"title": "Andet", "kind": "STRATEGY", "slug": "faelles-titel"}})
    assert chosen["createDocument"] == {"__typename": "InvalidInput", "field": "slug"}


async def test_a_history_page_seen_before_is_listed_without_the_store(app: RunningApp, as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Version 1.")])
    section = doc["sections"][0]
    for n in range(1, 4):
        await save(sec, section, n, f"Version {n + 1}.", title="Afsnit")
    history = """query($id: ID!) { node(id: $id) { ... on Section { version versions(limit: 10) { number body } } } }"""
    first = (await sec.execute(history, {"id": section}))["node"]
    assert [v["number"] for v in first["versions"]] == [4, 3, 2, 1]
    assert app.counter is not None
    app.counter.targets.clear()
    again = (await sec.execute(history, {"id": section}))["node"]
    assert again == first
    assert "find section_versions" not in app.counter.targets  # versions never change: kept from the first view
    await save(sec, section, 4, "Version 5.", title="Afsnit")
    latest = (await sec.execute(history, {"id": section}))["node"]
    assert [v["number"] for v in latest["versions"]] == [5, 4, 3, 2, 1]
    assert latest["versions"][0]["body"] == "Version 5."


async def test_participants_added_at_the_same_moment_are_all_kept(as_user: AsUser, store: Store) -> None:
    # On the embedded store an update is read-then-write of the whole document: without a claim
    # per revision, simultaneous additions overwrote each other.
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", BODY)])
    document_id = ids.parse(doc["id"], "Document")
    assert document_id is not None
    before = await store.drafting.document(document_id)
    assert before is not None
    already = {ids.encode("Organization", o) for o in before.participant_ids}
    organizations = [
        o for o in (await sec.execute("{ organizations { id } }"))["organizations"] if o["id"] not in already
    ]
    assert len(organizations) >= 5
    add = """mutation($input: ChangeParticipantInput!) { addParticipant(input: $input) { __typename } }"""
    results = await asyncio.gather(
        *(sec.execute(add, {"input": {"documentId": doc["id"], "organizationId": o["id"]}}) for o in organizations)
    )
    assert {r["addParticipant"]["__typename"] for r in results} == {"ParticipantsChanged"}
    stored = await store.drafting.document(document_id)
    assert stored is not None
    assert {ids.encode("Organization", o) for o in stored.participant_ids} == already | {o["id"] for o in organizations}
