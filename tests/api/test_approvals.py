"""Approval rounds — skriftlig proces — over the API (issue 6).

Each test makes its own documents (the seeded kommissorium is copied, never changed), so the
shared demo data stays as other tests expect it. Time moves with the shared test clock.
"""

from __future__ import annotations

import asyncio
import html as htmllib
import io
import itertools
import subprocess
import zipfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from server import ids
from server.approvals import service
from server.approvals.model import ClosureEntry, RoundState
from server.clock import COPENHAGEN
from server.store import Store
from tests.api.drafting_support import org_ids, save
from tests.support import KL, PLO_COMMENTER, REGIONS, SDS, SECRETARIAT, SUM, Api, ManualClock

AsUser = Callable[[str], Awaitable[Api]]
_n = itertools.count()

ROUND = """
  id title deadline silenceIsConsent state openedAt closedAt closeCause withdrawReason outcomeNote
  snapshot { id number label fingerprint }
  document { id phase }
  parties {
    organization { slug } decision remarks internalNote decidedAt decidedBy { name }
    awaitingBoard boardNote consentedBySilence sections { id title }
    decisions { decision }
    lastApprovedSnapshot { id number }
    changesSinceLastApproval { kind diff { html } new { title } }
  }
  history { organization { slug } decision remarks internalNote decidedAt decidedBy { name } }
  boardMarks { organization { slug } awaiting note }
  extensions { previousDeadline deadline reason by { name } }
  outcomeReasons { organization { slug } kind remarks }
  viewerCan { manage decideFor { slug } }
"""
RESULT = """__typename
  ... on UserError { message code }
  ... on InvalidInput { field }"""
OPEN = f"""mutation($input: OpenApprovalRoundInput!) {{ openApprovalRound(input: $input) {{
  {RESULT} ... on ApprovalRoundOpened {{ round {{ {ROUND} }} }} }} }}"""
DECIDE = f"""mutation($input: RecordDecisionInput!) {{ recordDecision(input: $input) {{
  {RESULT} ... on DecisionRecorded {{ round {{ {ROUND} }} }} }} }}"""
BOARD = f"""mutation($input: MarkAwaitingBoardInput!) {{ markAwaitingBoard(input: $input) {{
  {RESULT} ... on AwaitingBoardMarked {{ round {{ {ROUND} }} }} }} }}"""
EXTEND = f"""mutation($input: ExtendDeadlineInput!) {{ extendDeadline(input: $input) {{
  {RESULT} ... on DeadlineExtended {{ round {{ {ROUND} }} }} }} }}"""
WITHDRAW = f"""mutation($input: WithdrawApprovalRoundInput!) {{ withdrawApprovalRound(input: $input) {{
  {RESULT} ... on ApprovalRoundWithdrawn {{ round {{ {ROUND} }} }} }} }}"""
READ = f"query($id: ID!) {{ approvalRound(id: $id) {{ {ROUND} }} }}"
SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id number label fingerprint } } } }"""
DOCUMENT = """query($id: ID!) { document(id: $id) {
  phase createdAt approvedSnapshot { id } approvalRounds { id state } } }"""


async def _copy_of_kommissorium(sec: Api) -> dict[str, Any]:
    """A fresh terms-of-reference document with the seeded kommissorium's sections and parties."""
    seeded = await sec.execute(
        """{ document(slug: "kommissorium-styregruppe") {
             title participants { slug } sections { title body } } }"""
    )
    source = seeded["document"]
    participants = [p["slug"] for p in source["participants"] if p["slug"] != "sundhedsdatastyrelsen"]
    created = await sec.execute(
        """mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
             __typename ... on DocumentCreated { document { id title } } ... on UserError { message } } }""",
        {
            "input": {
                "title": source["title"],
                "kind": "TERMS_OF_REFERENCE",
                "slug": f"kommissorium-proces-{next(_n)}-{id(sec)}",
                "participantIds": await org_ids(sec, *participants),
            }
        },
    )
    document = created["createDocument"]["document"]
    sections = []
    for section in source["sections"]:
        added = await sec.execute(
            """mutation($input: AddSectionInput!) { addSection(input: $input) {
                 ... on SectionAdded { section { id title } } } }""",
            {"input": {"documentId": document["id"], **section}},
        )
        sections.append(added["addSection"]["section"])
    return {**document, "sections": sections}


async def _small_document(sec: Api, participants: tuple[str, ...] = ("kl", "danske-regioner")) -> dict[str, Any]:
    created = await sec.execute(
        """mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
             ... on DocumentCreated { document { id title } } } }""",
        {
            "input": {
                "title": "Kommissorium for en arbejdsgruppe",
                "kind": "TERMS_OF_REFERENCE",
                "slug": f"proces-{next(_n)}-{id(sec)}",
                "participantIds": await org_ids(sec, *participants),
            }
        },
    )
    document = created["createDocument"]["document"]
    sections = []
    for title, body in [("Formål", "Gruppen forbereder strategien."), ("Tidsplan", "Arbejdet slutter i 2017.")]:
        added = await sec.execute(
            """mutation($input: AddSectionInput!) { addSection(input: $input) {
                 ... on SectionAdded { section { id title } } } }""",
            {"input": {"documentId": document["id"], "title": title, "body": body}},
        )
        sections.append(added["addSection"]["section"])
    return {**document, "sections": sections}


async def _snapshot(sec: Api, document_id: str, label: str = "") -> dict[str, Any]:
    data = await sec.execute(SNAPSHOT, {"input": {"documentId": document_id, "label": label}})
    return data["createSnapshot"]["snapshot"]  # type: ignore[no-any-return]


async def _now(sec: Api, document_id: str) -> datetime:
    """The server's clock, as stamped on the document (the test clock moves only when told)."""
    data = await sec.execute("query($id: ID!) { document(id: $id) { createdAt } }", {"id": document_id})
    return datetime.fromisoformat(data["document"]["createdAt"])


async def _open(sec: Api, snapshot_id: str, slugs: tuple[str, ...], deadline: datetime | str, **extra: Any) -> Any:
    data = await sec.execute(
        OPEN,
        {
            "input": {
                "snapshotId": snapshot_id,
                "title": "Kommissorium for styregruppen i skriftlig proces",
                "deadline": deadline if isinstance(deadline, str) else deadline.isoformat(),
                "organizationIds": await org_ids(sec, *slugs),
                **extra,
            }
        },
    )
    return data["openApprovalRound"]


async def _decide(api: Api, round_id: str, slug: str, decision: str, **extra: Any) -> Any:
    [organization] = await org_ids(api, slug)
    data = await api.execute(
        DECIDE, {"input": {"roundId": round_id, "organizationId": organization, "decision": decision, **extra}}
    )
    return data["recordDecision"]


async def _read(api: Api, round_id: str) -> Any:
    return (await api.execute(READ, {"id": round_id}))["approvalRound"]


def _party(round: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(p for p in round["parties"] if p["organization"]["slug"] == slug)


async def _entries(store: Store, round_id: str) -> int:
    oid = ids.parse(round_id, "ApprovalRound")
    assert oid is not None
    found = await store.approvals.round(oid)
    assert found is not None
    return len(found.entries)


async def _rounds_of(store: Store, document_id: str) -> int:
    oid = ids.parse(document_id, "Document")
    assert oid is not None
    return len(await store.approvals.for_documents([oid]))


def _copenhagen_wall_time(moment: datetime) -> str:
    """A deadline as a secretary types it: Copenhagen wall-clock time, no offset."""
    return moment.astimezone(COPENHAGEN).replace(tzinfo=None, second=0, microsecond=0).isoformat()


async def test_the_kommissorium_is_approved_in_written_process(
    as_user: AsUser, store: Store, clock: ManualClock, app: Any
) -> None:
    sec, kl, regions = await as_user(SECRETARIAT), await as_user(KL), await as_user(REGIONS)
    sds, ministry = await as_user(SDS), await as_user(SUM)
    document = await _copy_of_kommissorium(sec)
    snapshot = await _snapshot(sec, document["id"], "Kommissorium til skriftlig proces")
    now = await _now(sec, document["id"])
    typed = _copenhagen_wall_time(now + timedelta(days=14))

    opened = await _open(
        sec, snapshot["id"], ("kl", "danske-regioner", "sum", "sundhedsdatastyrelsen"), typed, silenceIsConsent=True
    )
    assert opened["__typename"] == "ApprovalRoundOpened", opened
    round = opened["round"]
    round_id = round["id"]
    assert round["state"] == "OPEN" and round["silenceIsConsent"] is True
    assert round["snapshot"] == snapshot
    # Typed without an offset, the deadline is Copenhagen time, and is shown with its offset.
    deadline = datetime.fromisoformat(round["deadline"])
    assert deadline.replace(tzinfo=None).isoformat() == typed
    assert deadline.utcoffset() == deadline.astimezone(COPENHAGEN).utcoffset() != timedelta(0)
    assert [p["organization"]["slug"] for p in round["parties"]] == [
        "kl",
        "danske-regioner",
        "sum",
        "sundhedsdatastyrelsen",
    ]
    assert round["document"]["phase"] == "WRITTEN_PROCESS"
    assert round["viewerCan"]["manage"] is True and round["viewerCan"]["decideFor"] == []

    # KL first awaits its direktion — shown to everyone — then approves with a note on its handling.
    [kl_id] = await org_ids(kl, "kl")
    marked = await kl.execute(
        BOARD, {"input": {"roundId": round_id, "organizationId": kl_id, "note": "KL's direktion 15.8."}}
    )
    assert marked["markAwaitingBoard"]["__typename"] == "AwaitingBoardMarked"
    seen_by_regions = _party(await _read(regions, round_id), "kl")
    assert seen_by_regions["awaitingBoard"] is True and seen_by_regions["boardNote"] == "KL's direktion 15.8."
    assert (await _read(kl, round_id))["viewerCan"]["decideFor"] == [{"slug": "kl"}]

    approved = await _decide(kl, round_id, "kl", "APPROVE", internalNote="Behandlet i KL's direktion 15.8.")
    assert approved["__typename"] == "DecisionRecorded", approved
    kl_party = _party(approved["round"], "kl")
    assert kl_party["decision"] == "APPROVE" and kl_party["awaitingBoard"] is False
    assert kl_party["internalNote"] == "Behandlet i KL's direktion 15.8."
    assert kl_party["decidedBy"]["name"] and kl_party["decidedAt"]
    # The internal note is KL's own: another party and the secretariat see null, in parties and history.
    for other in (regions, sec):
        seen = await _read(other, round_id)
        assert _party(seen, "kl")["internalNote"] is None and _party(seen, "kl")["decision"] == "APPROVE"
        assert [h["internalNote"] for h in seen["history"]] == [None]
    assert [h["internalNote"] for h in (await _read(kl, round_id))["history"]] == ["Behandlet i KL's direktion 15.8."]

    # Danske Regioner approves with remarks that point at a section.
    remarks = "Regionernes rolle i styregruppen bør fremgå tydeligere."
    section = document["sections"][0]
    with_remarks = await _decide(
        regions, round_id, "danske-regioner", "APPROVE_WITH_REMARKS", remarks=remarks, sectionIds=[section["id"]]
    )
    assert with_remarks["__typename"] == "DecisionRecorded", with_remarks
    regions_party = _party(with_remarks["round"], "danske-regioner")
    assert regions_party["remarks"] == remarks and regions_party["sections"] == [section]

    # KL's approver cannot decide for Danske Regioner; nothing is written.
    before = await _entries(store, round_id)
    refused = await _decide(kl, round_id, "danske-regioner", "OBJECT", remarks="Nej.")
    assert refused["__typename"] == "Forbidden", refused
    assert await _entries(store, round_id) == before

    assert (await _decide(sds, round_id, "sundhedsdatastyrelsen", "APPROVE"))["__typename"] == "DecisionRecorded"
    waiting = await _read(sec, round_id)
    assert waiting["state"] == "OPEN" and _party(waiting, "sum")["decision"] is None

    # The deadline passes with the ministry silent: silence is consent, so the round is approved.
    clock.advance(timedelta(days=15))
    closed = await _read(regions, round_id)
    assert closed["state"] == "APPROVED" and closed["closeCause"] == "DEADLINE"
    assert datetime.fromisoformat(closed["closedAt"]) == deadline
    assert _party(closed, "sum")["consentedBySilence"] is True
    assert closed["outcomeReasons"] == []
    assert "godkendte ved stiltiende samtykke" in closed["outcomeNote"]
    assert [h["organization"]["slug"] for h in closed["history"]] == ["kl", "danske-regioner", "sundhedsdatastyrelsen"]
    assert closed["viewerCan"] == {"manage": False, "decideFor": []}
    doc = (await sec.execute(DOCUMENT, {"id": document["id"]}))["document"]
    assert doc["phase"] == "APPROVED" and doc["approvedSnapshot"] == {"id": snapshot["id"]}
    assert doc["approvalRounds"] == [{"id": round_id, "state": "APPROVED"}]

    # Too late now: the ministry's decision is refused and nothing is written.
    before = await _entries(store, round_id)
    late = await _decide(ministry, round_id, "sum", "OBJECT", remarks="For sent.")
    assert late["__typename"] == "InvalidInput" and late["field"] == "roundId" and late["code"] == "ROUND_CLOSED"
    assert await _entries(store, round_id) == before

    # Every change is an event.
    oid = ids.parse(document["id"], "Document")
    assert oid is not None
    kinds = [e.kind for e in await store.events.for_document(oid, limit=1000)]
    assert kinds.count("approval_round.decision_recorded") == 3
    for kind in ("approval_round.opened", "approval_round.awaiting_board", "approval_round.closed"):
        assert kinds.count(kind) == 1, kind
    assert kinds[-1] == "document.phase_changed"

    # The record for filing lists it all.
    html = await sec.http.get(f"/exports/approval-rounds/{round_id}.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    markdown = await sec.http.get(f"/exports/approval-rounds/{round_id}.md")
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    expected = [
        document["title"],
        "Kommissorium til skriftlig proces",
        "Udgave 1",
        snapshot["fingerprint"],
        "KL",
        "Danske Regioner",
        "Sundheds- og Ældreministeriet",
        remarks,
        section["title"],
        "Godkender med bemærkninger",
        "godkendte ved stiltiende samtykke",
        deadline.astimezone(COPENHAGEN).strftime("%d.%m.%Y %H:%M:%S %Z"),
        "fristen udløb",
    ]
    for text in expected:
        assert htmllib.escape(text) in html.text, text
        assert text in markdown.text.replace("\\", ""), text
    word = await sec.http.get(f"/exports/approval-rounds/{round_id}.docx")
    assert word.status_code == 200 and word.headers["content-type"].endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(word.content)) as archive:
        xml = archive.read("word/document.xml").decode()
    for text in (
        remarks,
        snapshot["fingerprint"],
        "Sundheds- og Ældreministeriet",
        "godkendte ved stiltiende samtykke",
    ):
        assert text in xml, text
    # KL's internal note is in no record, not even KL's own download, nor in any event.
    for download in (
        html.text,
        markdown.text,
        xml,
        (await kl.http.get(f"/exports/approval-rounds/{round_id}.md")).text,
    ):
        assert "Behandlet i KL" not in download and "Intern note" not in download
    events = await store.events.for_document(oid, limit=1000)
    assert not any("Behandlet i KL" in repr(e) for e in events)
    audit = await sec.http.get(f"/exports/events/{document['id']}.json")
    assert audit.status_code == 200 and "Behandlet i KL" not in audit.text
    english = await sec.http.get(f"/exports/approval-rounds/{round_id}.html", headers={"accept-language": "en"})
    assert "Record of the written procedure" in english.text and "approved by silent consent" in english.text


async def test_the_record_is_only_for_readers_of_the_document(as_user: AsUser, api: Api) -> None:
    sec = await as_user(SECRETARIAT)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"])
    round = await _open(sec, snapshot["id"], ("kl",), await _now(sec, document["id"]) + timedelta(days=7))
    path = f"/exports/approval-rounds/{round['round']['id']}.html"
    assert (await api.http.get(path)).status_code == 404  # not signed in
    outsider = await as_user(PLO_COMMENTER)  # PLO takes no part in this document
    assert (await outsider.http.get(path)).status_code == 404
    assert await outsider.execute(READ, {"id": round["round"]["id"]}) == {"approvalRound": None}
    node = await outsider.execute("query($id: ID!) { node(id: $id) { id } }", {"id": round["round"]["id"]})
    assert node == {"node": None}
    assert (await sec.http.get(path.replace(".html", ".odt"))).status_code == 404
    assert (await sec.http.get("/exports/approval-rounds/rnd_nonsense.html")).status_code == 404
    kl = await as_user(KL)
    assert (await kl.http.get(path)).status_code == 200
    node = await kl.execute(
        "query($id: ID!) { node(id: $id) { __typename ... on ApprovalRound { state } } }", {"id": round["round"]["id"]}
    )
    assert node == {"node": {"__typename": "ApprovalRound", "state": "OPEN"}}


async def test_bad_input_is_a_typed_error_and_writes_nothing(as_user: AsUser, store: Store) -> None:
    sec, kl, regions = await as_user(SECRETARIAT), await as_user(KL), await as_user(REGIONS)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"])
    now = await _now(sec, document["id"])
    later = now + timedelta(days=10)

    past = await _open(sec, snapshot["id"], ("kl", "danske-regioner"), now - timedelta(minutes=1))
    assert (past["__typename"], past["field"], past["code"]) == ("InvalidInput", "deadline", "DEADLINE_IN_PAST")
    outsider = await _open(sec, snapshot["id"], ("kl", "digitaliseringsstyrelsen"), later)
    assert (outsider["__typename"], outsider["field"]) == ("InvalidInput", "organizationIds")
    nobody = await _open(sec, snapshot["id"], (), later)
    assert (nobody["__typename"], nobody["field"]) == ("InvalidInput", "organizationIds")
    missing = await sec.execute(
        OPEN,
        {"input": {"snapshotId": "snp_nonsense", "title": "X", "deadline": later.isoformat(), "organizationIds": []}},
    )
    assert missing["openApprovalRound"]["__typename"] == "NotFound"
    assert await _rounds_of(store, document["id"]) == 0
    assert (await sec.execute(DOCUMENT, {"id": document["id"]}))["document"]["phase"] == "DRAFTING"

    opened = await _open(sec, snapshot["id"], ("kl", "danske-regioner"), later)
    assert opened["__typename"] == "ApprovalRoundOpened"
    round_id = opened["round"]["id"]
    second = await _open(sec, snapshot["id"], ("kl",), later)
    assert (second["__typename"], second["field"], second["code"]) == (
        "InvalidInput",
        "snapshotId",
        "ROUND_ALREADY_OPEN",
    )
    assert await _rounds_of(store, document["id"]) == 1

    before = await _entries(store, round_id)
    no_reason = await _decide(kl, round_id, "kl", "OBJECT", remarks="  ")
    assert (no_reason["__typename"], no_reason["field"], no_reason["code"]) == (
        "InvalidInput",
        "remarks",
        "REASON_REQUIRED",
    )
    no_remarks = await _decide(kl, round_id, "kl", "APPROVE_WITH_REMARKS")
    assert (no_remarks["__typename"], no_remarks["field"]) == ("InvalidInput", "remarks")
    foreign_section = await _decide(kl, round_id, "kl", "OBJECT", remarks="Nej.", sectionIds=["sec_nonsense"])
    assert (foreign_section["__typename"], foreign_section["field"]) == ("InvalidInput", "sectionIds")
    other = await _decide(kl, round_id, "danske-regioner", "APPROVE")
    assert other["__typename"] == "Forbidden"
    earlier = await sec.execute(
        EXTEND, {"input": {"roundId": round_id, "deadline": now.isoformat(), "reason": "Kortere."}}
    )
    assert earlier["extendDeadline"]["field"] == "deadline"
    assert await _entries(store, round_id) == before

    withdrawn = await sec.execute(WITHDRAW, {"input": {"roundId": round_id, "reason": "Tidsplanen rettes først."}})
    round = withdrawn["withdrawApprovalRound"]["round"]
    assert round["state"] == "WITHDRAWN" and round["withdrawReason"] == "Tidsplanen rettes først."
    assert round["document"]["phase"] == "DRAFTING"  # back to where it was before the round
    assert "Tidsplanen rettes først." in round["outcomeNote"]
    before = await _entries(store, round_id)
    on_withdrawn = await _decide(kl, round_id, "kl", "APPROVE")
    assert (on_withdrawn["__typename"], on_withdrawn["field"], on_withdrawn["code"]) == (
        "InvalidInput",
        "roundId",
        "ROUND_WITHDRAWN",
    )
    again = await sec.execute(WITHDRAW, {"input": {"roundId": round_id, "reason": "Igen."}})
    assert again["withdrawApprovalRound"]["field"] == "roundId"
    assert await _entries(store, round_id) == before

    # The snapshot is free for a new round; an objection there closes it not approved at once.
    reopened = await _open(sec, snapshot["id"], ("kl", "danske-regioner"), later)
    assert reopened["__typename"] == "ApprovalRoundOpened"
    new_id = reopened["round"]["id"]
    assert (await _decide(kl, new_id, "kl", "OBJECT", remarks="Tidsplanen holder ikke."))["round"]["state"] == "OPEN"
    closed = (await _decide(regions, new_id, "danske-regioner", "APPROVE"))["round"]
    assert closed["state"] == "NOT_APPROVED" and closed["closeCause"] == "ALL_DECIDED"
    assert closed["outcomeReasons"] == [
        {"organization": {"slug": "kl"}, "kind": "OBJECTED", "remarks": "Tidsplanen holder ikke."}
    ]
    # The outcome says who objected; the reason itself stands once, with KL's decision (record too).
    assert closed["outcomeNote"].startswith("Ikke godkendt. KL")
    assert closed["outcomeNote"].endswith(" gjorde indsigelse.")
    assert "Tidsplanen holder ikke." not in closed["outcomeNote"]
    record = (await sec.http.get(f"/exports/approval-rounds/{new_id}.md")).text
    assert "gjorde indsigelse." in record
    assert record.count("Tidsplanen holder ikke.") == 2  # in KL's decision, and in the decision history
    assert closed["document"]["phase"] == "DRAFTING"
    before = await _entries(store, new_id)
    on_closed = await _decide(kl, new_id, "kl", "APPROVE")
    assert (on_closed["__typename"], on_closed["code"]) == ("InvalidInput", "ROUND_CLOSED")
    extend_closed = await sec.execute(
        EXTEND, {"input": {"roundId": new_id, "deadline": (later + timedelta(days=1)).isoformat(), "reason": "Mere."}}
    )
    assert extend_closed["extendDeadline"]["code"] == "ROUND_CLOSED"
    assert await _entries(store, new_id) == before


async def test_a_round_past_its_deadline_steps_aside_for_a_new_one(as_user: AsUser, clock: ManualClock) -> None:
    sec = await as_user(SECRETARIAT)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"])
    now = await _now(sec, document["id"])
    first = await _open(sec, snapshot["id"], ("kl",), now + timedelta(days=1))
    clock.advance(timedelta(days=2))
    # Nobody read the first round since its deadline: opening the next one closes it first.
    second = await _open(sec, snapshot["id"], ("kl",), now + timedelta(days=5))
    assert second["__typename"] == "ApprovalRoundOpened", second
    closed = await _read(sec, first["round"]["id"])
    assert closed["state"] == "NOT_APPROVED" and closed["closeCause"] == "DEADLINE"
    assert second["round"]["document"]["phase"] == "WRITTEN_PROCESS"


async def test_a_decision_can_change_until_the_round_closes(as_user: AsUser) -> None:
    sec, kl, regions = await as_user(SECRETARIAT), await as_user(KL), await as_user(REGIONS)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"])
    opened = await _open(
        sec, snapshot["id"], ("kl", "danske-regioner"), await _now(sec, document["id"]) + timedelta(days=7)
    )
    round_id = opened["round"]["id"]
    await _decide(regions, round_id, "danske-regioner", "OBJECT", remarks="Afventer RSI.")
    await _decide(regions, round_id, "danske-regioner", "ABSTAIN")
    changed = await _decide(regions, round_id, "danske-regioner", "APPROVE", internalNote="Behandlet i RSI.")
    party = _party(changed["round"], "danske-regioner")
    assert party["decision"] == "APPROVE" and [d["decision"] for d in party["decisions"]] == [
        "OBJECT",
        "ABSTAIN",
        "APPROVE",
    ]
    done = (await _decide(kl, round_id, "kl", "APPROVE"))["round"]
    assert done["state"] == "APPROVED" and len(done["history"]) == 4
    assert [h["decision"] for h in done["history"]] == ["OBJECT", "ABSTAIN", "APPROVE", "APPROVE"]


async def test_extension_moves_the_deadline_and_is_recorded(as_user: AsUser, clock: ManualClock) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"])
    now = await _now(sec, document["id"])
    opened = await _open(sec, snapshot["id"], ("kl", "danske-regioner"), now + timedelta(days=7))
    round_id = opened["round"]["id"]
    typed = _copenhagen_wall_time(now + timedelta(days=21))
    extended = await sec.execute(
        EXTEND, {"input": {"roundId": round_id, "deadline": typed, "reason": "KL's direktion mødes først senere."}}
    )
    round = extended["extendDeadline"]["round"]
    assert datetime.fromisoformat(round["deadline"]).replace(tzinfo=None).isoformat() == typed
    [extension] = round["extensions"]
    assert extension["reason"] == "KL's direktion mødes først senere." and extension["by"]["name"]
    assert datetime.fromisoformat(extension["previousDeadline"]) == now + timedelta(days=7)
    clock.advance(timedelta(days=8))  # past the first deadline, not the new one
    assert (await _read(sec, round_id))["state"] == "OPEN"
    assert (await _decide(kl, round_id, "kl", "APPROVE"))["round"]["state"] == "OPEN"
    clock.advance(timedelta(days=14))
    closed = await _read(kl, round_id)
    assert closed["state"] == "NOT_APPROVED" and closed["closeCause"] == "DEADLINE"
    assert closed["outcomeReasons"] == [{"organization": {"slug": "danske-regioner"}, "kind": "SILENT", "remarks": ""}]


async def test_a_new_round_shows_what_changed_since_each_party_last_approved(as_user: AsUser) -> None:
    sec, kl, regions = await as_user(SECRETARIAT), await as_user(KL), await as_user(REGIONS)
    document = await _small_document(sec)
    first = await _snapshot(sec, document["id"])
    now = await _now(sec, document["id"])
    opened = await _open(sec, first["id"], ("kl", "danske-regioner"), now + timedelta(days=7))
    first_round = opened["round"]["id"]
    await _decide(kl, first_round, "kl", "APPROVE")
    not_approved = await _decide(regions, first_round, "danske-regioner", "OBJECT", remarks="Tidsplanen.")
    assert not_approved["round"]["state"] == "NOT_APPROVED"

    tidsplan = document["sections"][1]
    saved = await save(sec, tidsplan["id"], 1, "Arbejdet slutter i foråret 2018.", title="Tidsplan")
    assert saved["__typename"] == "SectionSaved"
    second = await _snapshot(sec, document["id"])
    reopened = await _open(sec, second["id"], ("kl", "danske-regioner"), now + timedelta(days=14))
    round = reopened["round"]
    kl_party = _party(round, "kl")
    assert kl_party["lastApprovedSnapshot"] == {"id": first["id"], "number": 1}
    [change] = kl_party["changesSinceLastApproval"]
    assert change["kind"] == "CHANGED" and change["new"]["title"] == "Tidsplan"
    assert "<ins>" in change["diff"]["html"] and "<del>" in change["diff"]["html"]
    regions_party = _party(round, "danske-regioner")
    assert regions_party["lastApprovedSnapshot"] is None and regions_party["changesSinceLastApproval"] is None
    listed = (await sec.execute(DOCUMENT, {"id": document["id"]}))["document"]["approvalRounds"]
    assert listed == [{"id": round["id"], "state": "OPEN"}, {"id": first_round, "state": "NOT_APPROVED"}]


async def test_the_background_task_closes_rounds_nobody_reads(
    as_user: AsUser, store: Store, clock: ManualClock
) -> None:
    sec = await as_user(SECRETARIAT)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"])
    now = await _now(sec, document["id"])
    opened = await _open(sec, snapshot["id"], ("kl",), now + timedelta(days=3), silenceIsConsent=True)
    oid = ids.parse(opened["round"]["id"], "ApprovalRound")
    assert oid is not None
    clock.advance(timedelta(days=4))
    await service.close_due_rounds(store, clock.now())  # what the app's task runs, without any read
    closed = await store.approvals.round(oid)
    assert closed is not None and closed.state == RoundState.APPROVED
    assert oid not in await store.approvals.due(clock.now())
    document_id = ids.parse(document["id"], "Document")
    assert document_id is not None
    approved = await store.drafting.document(document_id)
    assert approved is not None and approved.approved_snapshot_id == ids.parse(snapshot["id"], "Snapshot")


async def test_racing_decisions_and_a_withdrawal_leave_one_ordered_log(as_user: AsUser, store: Store) -> None:
    """No decision is lost to a concurrent one, and none is accepted after the closure."""
    sec, kl, regions = await as_user(SECRETARIAT), await as_user(KL), await as_user(REGIONS)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"])
    now = await _now(sec, document["id"])
    parties = ("kl", "danske-regioner", "sundhedsdatastyrelsen")  # SDS stays silent: the round stays open
    opened = await _open(sec, snapshot["id"], parties, now + timedelta(days=7))
    round_id = opened["round"]["id"]
    oid = ids.parse(round_id, "ApprovalRound")
    assert oid is not None
    kl_id, regions_id = await org_ids(sec, "kl", "danske-regioner")

    def decisions(n: int) -> list[Awaitable[dict[str, Any]]]:
        return [
            api.execute(
                DECIDE,
                {"input": {"roundId": round_id, "organizationId": org, "decision": "OBJECT", "remarks": f"Nr. {i}."}},
            )
            for i in range(n)
            for api, org in ((kl, kl_id), (regions, regions_id))
        ]

    first = await asyncio.gather(*decisions(8))
    assert all(r["recordDecision"]["__typename"] == "DecisionRecorded" for r in first)
    stored = await store.approvals.round(oid)
    assert stored is not None and len(stored.decisions) == 16  # every concurrent decision kept

    batch = decisions(8)
    withdrawal = sec.execute(WITHDRAW, {"input": {"roundId": round_id, "reason": "Trukket midt i det hele."}})
    results = await asyncio.gather(*batch[:8], withdrawal, *batch[8:])
    assert results.pop(8)["withdrawApprovalRound"]["__typename"] == "ApprovalRoundWithdrawn"
    accepted = [r for r in results if r["recordDecision"]["__typename"] == "DecisionRecorded"]
    refused = [r["recordDecision"] for r in results if r not in accepted]
    assert all(r["__typename"] == "InvalidInput" and r["code"] == "ROUND_WITHDRAWN" for r in refused)
    stored = await store.approvals.round(oid)
    assert stored is not None and stored.state == RoundState.WITHDRAWN
    assert [e.seq for e in stored.entries] == list(range(1, len(stored.entries) + 1))
    assert isinstance(stored.entries[-1], ClosureEntry)
    assert sum(isinstance(e, ClosureEntry) for e in stored.entries) == 1
    assert len(stored.decisions) == 16 + len(accepted)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _pdf_pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for n in range(1, count + 1)
    ]


async def test_the_record_of_a_closed_round_prints_for_filing(
    as_user: AsUser, clock: ManualClock, tmp_path: Path
) -> None:
    """Word and PDF/A of a closed kommissorium round, read as the archivist would: by its pages."""
    sec, kl, regions, sds = await as_user(SECRETARIAT), await as_user(KL), await as_user(REGIONS), await as_user(SDS)
    document = await _copy_of_kommissorium(sec)
    snapshot = await _snapshot(sec, document["id"], "Til skriftlig proces")
    deadline = await _now(sec, document["id"]) + timedelta(days=7)
    parties = ("kl", "danske-regioner", "sum", "sundhedsdatastyrelsen")
    round_id = (await _open(sec, snapshot["id"], parties, deadline, silenceIsConsent=True))["round"]["id"]
    remarks = "Kommunernes rolle i styregruppen og ansvarsfordelingen mellem parterne bør fremgå tydeligere."
    assert (await _decide(kl, round_id, "kl", "APPROVE_WITH_REMARKS", remarks=remarks))["__typename"] == (
        "DecisionRecorded"
    )
    await _decide(regions, round_id, "danske-regioner", "APPROVE", internalNote="Forelagt RSI 3.12.")
    await _decide(sds, round_id, "sundhedsdatastyrelsen", "APPROVE")
    clock.advance(timedelta(days=8))  # the ministry stays silent: approved by silent consent
    closed = await _read(sec, round_id)
    assert closed["state"] == "APPROVED"

    word = await sec.http.get(f"/exports/approval-rounds/{round_id}.docx")
    response = await sec.http.get(f"/exports/approval-rounds/{round_id}.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"pdfaid:part" in response.content  # PDF/A
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "approval-record.docx").write_bytes(word.content)
    pdf = ARTIFACTS / "approval-record.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "approval-record-page")], check=True, timeout=60
    )

    pages = _pdf_pages(pdf)
    # No near-empty page: every page but the last is well filled, and the last holds more than a line.
    sizes = [len("".join(page.split())) for page in pages]
    assert all(size >= 600 for size in sizes[:-1]) and sizes[-1] >= 200, sizes
    assert "Side 1 af" in pages[0]
    text = "\n".join(pages)
    words = {w.strip(".,:;()»«") for w in text.split()}
    # No word broken across lines, in the names, labels, dates and remarks a reader looks for.
    expected = [
        *"KL Kommunernes Landsforening Danske Regioner Sundheds- og Ældreministeriet Sundhedsdatastyrelsen".split(),
        *"Kontrolkode Udgave Registreret Bemærkninger Godkender stiltiende samtykke".split(),
        *remarks.rstrip(".").split(),
        deadline.astimezone(COPENHAGEN).strftime("%d.%m.%Y"),
    ]
    assert [w for w in expected if w not in words] == []
    assert snapshot["fingerprint"] in "".join(text.split())
    assert "Forelagt RSI" not in text  # the regions' internal note is theirs alone


async def test_the_activity_feed_names_the_round_and_the_decision_and_what_happened_by_itself(
    as_user: AsUser,
) -> None:
    sec, kl, regions = await as_user(SECRETARIAT), await as_user(KL), await as_user(REGIONS)
    document = await _small_document(sec)
    snapshot = await _snapshot(sec, document["id"], "Til godkendelse")
    deadline = await _now(sec, document["id"]) + timedelta(days=7)
    round_id = (await _open(sec, snapshot["id"], ("kl", "danske-regioner"), deadline))["round"]["id"]
    await _decide(regions, round_id, "danske-regioner", "APPROVE")
    await _decide(kl, round_id, "kl", "APPROVE_WITH_REMARKS", remarks="Med et forbehold.")  # the last: it closes
    feed = await sec.execute(
        """query($id: ID!) { events(documentId: $id, limit: 20) { items { kind actorName description actor { name } } } }""",
        {"id": document["id"]},
    )
    said = [(e["kind"], e["actorName"], e["description"]) for e in feed["events"]["items"]]
    title = "Kommissorium for styregruppen i skriftlig proces"
    assert (
        "approval_round.closed",
        "Udkast (automatisk)",
        f"afsluttede den skriftlige proces »{title}«: Godkendt.",
    ) in said
    assert ("document.phase_changed", "Udkast (automatisk)", "satte dokumentet i fasen »Godkendt«.") in said
    kl_name = (await kl.execute("{ viewer { name } }"))["viewer"]["name"]
    assert (
        "approval_round.decision_recorded",
        kl_name,
        f"registrerede beslutningen »Godkender med bemærkninger« for KL – Kommunernes Landsforening "
        f"i den skriftlige proces »{title}«.",
    ) in said
    opened = next(d for k, _, d in said if k == "approval_round.opened")
    assert opened.startswith(f"åbnede den skriftlige proces »{title}« om udgave 1 – Til godkendelse med frist ")
    # Nothing automatic is credited to a person, and no code shows in a sentence.
    assert all(e["actor"] is None for e in feed["events"]["items"] if e["actorName"] == "Udkast (automatisk)")
    assert not any(code in d for _, _, d in said for code in ("APPROVED", "APPROVE", "WRITTEN_PROCESS"))
