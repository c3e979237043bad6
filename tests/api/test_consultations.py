"""Consultations (høringer) over the API (issue 18): open, extend, close, answer, publish.

Each test makes its own document, so the seeded demo data stays as other tests expect it. Time
moves with the shared test clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId

from server import ids
from server.clock import COPENHAGEN
from server.consultations import service
from server.store import Store
from tests.api.drafting_support import new_document, org_ids
from tests.support import KL, KL_COMMENTER, PLO_COMMENTER, REGIONS_COMMENTER, SECRETARIAT, Api, ManualClock

AsUser = Callable[[str], Awaitable[Api]]

CONSULTATION = """
  id deadline state letter letterHtml acceptLate openedAt closedAt closeCause
  snapshot { id number label }
  document { id phase participants { slug } }
  parties { organization { slug } status respondedAt late noResponse answersPublished }
  extensions { previousDeadline deadline reason }
  viewerCan { manage respondFor { slug } }
"""
RESULT = """__typename
  ... on UserError { message code }
  ... on InvalidInput { field }"""
OPEN = f"""mutation($input: OpenConsultationInput!) {{ openConsultation(input: $input) {{
  {RESULT} ... on ConsultationOpened {{ consultation {{ {CONSULTATION} }} }} }} }}"""
EXTEND = f"""mutation($input: ExtendConsultationInput!) {{ extendConsultation(input: $input) {{
  {RESULT} ... on ConsultationExtended {{ consultation {{ {CONSULTATION} }} }} }} }}"""
CLOSE = f"""mutation($input: CloseConsultationInput!) {{ closeConsultation(input: $input) {{
  {RESULT} ... on ConsultationClosed {{ consultation {{ {CONSULTATION} }} }} }} }}"""
NO_REMARKS = f"""mutation($input: ConsultationPartyInput!) {{ respondNoRemarks(input: $input) {{
  {RESULT} ... on ConsultationAnswered {{ consultation {{ {CONSULTATION} }} }} }} }}"""
DECLINE = f"""mutation($input: ConsultationPartyInput!) {{ declineConsultation(input: $input) {{
  {RESULT} ... on ConsultationAnswered {{ consultation {{ {CONSULTATION} }} }} }} }}"""
PUBLISH = f"""mutation($input: PublishAnswersInput!) {{ publishAnswers(input: $input) {{
  {RESULT} ... on AnswersPublished {{ organizations {{ slug }} consultation {{ {CONSULTATION} }} }} }} }}"""
READ = f"query($id: ID!) {{ consultation(id: $id) {{ {CONSULTATION} }} }}"
DOCUMENT = f"""query($id: ID!) {{ document(id: $id) {{ phase participants {{ slug }}
  consultation {{ id state }} consultations {{ {CONSULTATION} }} }} }}"""
SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id number label } } } }"""
LETTER = "Sundhedsdatastyrelsen sender hermed **Udgave 1 – Høringsudkast** i høring."
PARTIES = ("kl", "danske-regioner", "plo")


async def _document(sec: Api) -> tuple[dict[str, Any], dict[str, Any], datetime]:
    """A fresh strategy in which KL and Danske Regioner take part (PLO does not), its first snapshot,
    and the server's time."""
    document = await new_document(sec, [("Borgeren som aktiv partner", "Borgerne skal have adgang til egne data.")])
    data = await sec.execute(SNAPSHOT, {"input": {"documentId": document["id"], "label": "Høringsudkast"}})
    now = await sec.execute("query($id: ID!) { document(id: $id) { createdAt } }", {"id": document["id"]})
    return document, data["createSnapshot"]["snapshot"], datetime.fromisoformat(now["document"]["createdAt"])


async def _open(
    sec: Api, snapshot_id: str, deadline: datetime | str, slugs: tuple[str, ...] = PARTIES, **extra: Any
) -> Any:
    data = await sec.execute(
        OPEN,
        {
            "input": {
                "snapshotId": snapshot_id,
                "deadline": deadline if isinstance(deadline, str) else deadline.isoformat(),
                "organizationIds": await org_ids(sec, *slugs),
                "letter": LETTER,
                **extra,
            }
        },
    )
    return data["openConsultation"]


async def _party_input(api: Api, consultation_id: str, slug: str) -> dict[str, Any]:
    [organization] = await org_ids(api, slug)
    return {"input": {"consultationId": consultation_id, "organizationId": organization}}


def _party(consultation: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(p for p in consultation["parties"] if p["organization"]["slug"] == slug)


def _copenhagen_wall_time(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).replace(tzinfo=None, second=0, microsecond=0).isoformat()


async def _written(store: Store, document_id: str) -> tuple[int, int, int, int]:
    """What a refused workflow must not change: consultations, their log entries, responses, publications."""
    oid = ids.parse(document_id, "Document")
    assert oid is not None
    found = await store.consultations.for_documents([oid])
    consultation_ids = [c.id for c in found]
    return (
        len(found),
        sum(len(c.entries) for c in found),
        len(await store.consultations.responses(consultation_ids)),
        len(await store.consultations.publications(consultation_ids)),
    )


async def _events(store: Store, document_id: str) -> int:
    oid = ids.parse(document_id, "Document")
    assert oid is not None
    return len(await store.events.for_document(oid, limit=10_000))


async def test_the_secretariat_sends_a_snapshot_for_consultation(as_user: AsUser, store: Store) -> None:
    sec, plo = await as_user(SECRETARIAT), await as_user(PLO_COMMENTER)
    document, snapshot, now = await _document(sec)
    typed = _copenhagen_wall_time(now + timedelta(days=21))

    opened = await _open(sec, snapshot["id"], typed)

    assert opened["__typename"] == "ConsultationOpened", opened
    consultation = opened["consultation"]
    assert consultation["state"] == "OPEN" and consultation["acceptLate"] is False
    assert consultation["snapshot"] == snapshot
    assert consultation["letter"] == LETTER
    assert "<strong>Udgave 1 – Høringsudkast</strong>" in consultation["letterHtml"]
    # Typed without an offset, the deadline is Copenhagen time, shown with its offset.
    deadline = datetime.fromisoformat(consultation["deadline"])
    assert deadline.replace(tzinfo=None).isoformat() == typed
    assert deadline.utcoffset() == deadline.astimezone(COPENHAGEN).utcoffset() != timedelta(0)
    # The høringsliste, in order, everyone invited; PLO, consulted, now takes part in the document.
    assert [(p["organization"]["slug"], p["status"]) for p in consultation["parties"]] == [
        ("kl", "INVITED"),
        ("danske-regioner", "INVITED"),
        ("plo", "INVITED"),
    ]
    assert all(p["respondedAt"] is None and not p["late"] and not p["noResponse"] for p in consultation["parties"])
    assert consultation["document"]["phase"] == "CONSULTATION"
    assert "plo" in {p["slug"] for p in consultation["document"]["participants"]}
    assert consultation["viewerCan"] == {"manage": True, "respondFor": []}

    # PLO reads the document it was consulted on, and the consultation by id and as a node.
    seen = (await plo.execute(DOCUMENT, {"id": document["id"]}))["document"]
    assert seen["phase"] == "CONSULTATION"
    assert seen["consultation"] == {"id": consultation["id"], "state": "OPEN"}
    assert [c["id"] for c in seen["consultations"]] == [consultation["id"]]
    by_id = (await plo.execute(READ, {"id": consultation["id"]}))["consultation"]
    assert by_id["viewerCan"] == {"manage": False, "respondFor": [{"slug": "plo"}]}
    node = await plo.execute(
        "query($id: ID!) { node(id: $id) { id ... on Consultation { state } } }", {"id": by_id["id"]}
    )
    assert node["node"] == {"id": consultation["id"], "state": "OPEN"}

    # The activity feed says what happened, in Danish, without internal codes.
    feed = await sec.execute(
        "query($d: ID!) { events(documentId: $d) { items { kind description } } }", {"d": document["id"]}
    )
    described = {e["kind"]: e["description"] for e in feed["events"]["items"]}
    assert "i høring hos" in described["consultation.opened"] and "PLO" in described["consultation.opened"]
    assert "CONSULTATION" not in " ".join(described.values())


async def test_bad_openings_are_refused_with_a_reason_and_write_nothing(
    as_user: AsUser, store: Store, app: Any
) -> None:
    sec = await as_user(SECRETARIAT)
    document, snapshot, now = await _document(sec)
    before = (await _written(store, document["id"]), await _events(store, document["id"]))
    [kl] = await org_ids(sec, "kl")
    unknown = ids.encode("Organization", ObjectId())  # a well-formed id of nobody

    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"deadline": (now - timedelta(hours=1)).isoformat()}, "deadline", "fremtiden"),
        ({"organizationIds": [kl, unknown]}, "organizationIds", "findes ikke"),
        ({"organizationIds": [kl, "org_ikke-et-id"]}, "organizationIds", "findes ikke"),
        ({"organizationIds": []}, "organizationIds", "mindst én organisation"),
        ({"letter": "  "}, "letter", "udfyldes"),
    ]
    for change, field, words in cases:
        variables = {
            "snapshotId": snapshot["id"],
            "deadline": (now + timedelta(days=14)).isoformat(),
            "organizationIds": [kl],
            "letter": LETTER,
            **change,
        }
        refused = (await sec.execute(OPEN, {"input": variables}))["openConsultation"]
        assert refused["__typename"] == "InvalidInput", (change, refused)
        assert refused["field"] == field and words in refused["message"], refused
    assert (await _written(store, document["id"]), await _events(store, document["id"])) == before
    assert (await sec.execute(DOCUMENT, {"id": document["id"]}))["document"]["phase"] == "DRAFTING"

    # One open consultation per document, on whichever snapshot.
    assert (await _open(sec, snapshot["id"], now + timedelta(days=14)))["__typename"] == "ConsultationOpened"
    again = await sec.execute(SNAPSHOT, {"input": {"documentId": document["id"], "label": "Udgave 2"}})
    written = (await _written(store, document["id"]), await _events(store, document["id"]))
    for target in (snapshot["id"], again["createSnapshot"]["snapshot"]["id"]):
        second = await _open(sec, target, now + timedelta(days=20))
        assert second["__typename"] == "InvalidInput" and second["field"] == "snapshotId", second
        assert second["message"] == "Dokumentet er allerede i høring. Afslut den åbne høring, før en ny sendes ud."
    assert (await _written(store, document["id"]), await _events(store, document["id"])) == written

    # In English on request.
    english = Api(app.url, headers={"Accept-Language": "en"})
    english.http.cookies = sec.http.cookies
    answered = (await english.execute(OPEN, {"input": {
        "snapshotId": snapshot["id"], "deadline": (now + timedelta(days=20)).isoformat(),
        "organizationIds": [kl], "letter": LETTER}}))["openConsultation"]  # fmt: skip
    await english.close()
    assert (
        answered["message"]
        == "The document is already in consultation. Close the open consultation before opening a new one."
    )


async def test_two_secretaries_opening_at_once_open_one(as_user: AsUser, store: Store) -> None:
    sec = await as_user(SECRETARIAT)
    document, snapshot, now = await _document(sec)
    results = await asyncio.gather(*(_open(sec, snapshot["id"], now + timedelta(days=14)) for _ in range(4)))
    assert sorted(r["__typename"] for r in results) == ["ConsultationOpened"] + ["InvalidInput"] * 3
    assert (await _written(store, document["id"]))[0] == 1


async def test_extend_and_close(as_user: AsUser, store: Store) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL)
    document, snapshot, now = await _document(sec)
    consultation = (await _open(sec, snapshot["id"], now + timedelta(days=14)))["consultation"]
    cid = consultation["id"]

    extended = (
        await sec.execute(
            EXTEND,
            {
                "input": {
                    "consultationId": cid,
                    "deadline": (now + timedelta(days=21)).isoformat(),
                    "reason": "KL's bestyrelse",
                }
            },
        )
    )["extendConsultation"]
    assert extended["__typename"] == "ConsultationExtended", extended
    [extension] = extended["consultation"]["extensions"]
    assert extension["reason"] == "KL's bestyrelse"
    assert datetime.fromisoformat(extended["consultation"]["deadline"]) == now + timedelta(days=21)

    written = await _written(store, document["id"])
    earlier = (
        await sec.execute(
            EXTEND, {"input": {"consultationId": cid, "deadline": (now + timedelta(days=15)).isoformat()}}
        )
    )["extendConsultation"]
    assert earlier["__typename"] == "InvalidInput" and earlier["field"] == "deadline", earlier
    by_kl = (await kl.execute(CLOSE, {"input": {"consultationId": cid}}))["closeConsultation"]
    assert by_kl["__typename"] == "Forbidden", by_kl
    assert await _written(store, document["id"]) == written

    closed = (await sec.execute(CLOSE, {"input": {"consultationId": cid}}))["closeConsultation"]
    assert closed["__typename"] == "ConsultationClosed", closed
    assert closed["consultation"]["state"] == "CLOSED" and closed["consultation"]["closeCause"] == "CLOSED"
    assert closed["consultation"]["document"]["phase"] == "DRAFTING"
    # Nobody answered: every party shows "no response".
    assert all(p["noResponse"] and p["status"] == "INVITED" for p in closed["consultation"]["parties"])

    written = await _written(store, document["id"])
    twice = (await sec.execute(CLOSE, {"input": {"consultationId": cid}}))["closeConsultation"]
    assert twice["__typename"] == "InvalidInput" and "afsluttet" in twice["message"], twice
    late = (
        await sec.execute(
            EXTEND, {"input": {"consultationId": cid, "deadline": (now + timedelta(days=30)).isoformat()}}
        )
    )["extendConsultation"]
    assert late["__typename"] == "InvalidInput", late
    assert await _written(store, document["id"]) == written

    # A new consultation may follow the closed one.
    assert (await _open(sec, snapshot["id"], now + timedelta(days=30)))["__typename"] == "ConsultationOpened"


async def test_the_consultation_closes_at_its_deadline(as_user: AsUser, store: Store, clock: ManualClock) -> None:
    sec, plo = await as_user(SECRETARIAT), await as_user(PLO_COMMENTER)
    document, snapshot, now = await _document(sec)
    read_one = (await _open(sec, snapshot["id"], now + timedelta(hours=1)))["consultation"]
    other, other_snapshot, _ = await _document(sec)
    unread = (await _open(sec, other_snapshot["id"], now + timedelta(hours=1)))["consultation"]
    lenient_doc, lenient_snapshot, _ = await _document(sec)
    lenient = (await _open(sec, lenient_snapshot["id"], now + timedelta(hours=1), acceptLate=True))["consultation"]

    clock.advance(timedelta(hours=2))

    # Closed on read, at the deadline's moment, by itself; the document leaves CONSULTATION.
    seen = (await plo.execute(READ, {"id": read_one["id"]}))["consultation"]
    assert seen["state"] == "CLOSED" and seen["closeCause"] == "DEADLINE"
    assert seen["closedAt"] == seen["deadline"]
    assert seen["document"]["phase"] == "DRAFTING"
    assert all(p["noResponse"] for p in seen["parties"])
    # The background task closes the one nobody reads.
    assert await service.close_due_consultations(store, clock.now()) >= 1
    oid = ids.parse(unread["id"], "Consultation")
    assert oid is not None
    stored = await store.consultations.consultation(oid)
    assert stored is not None and not stored.is_open
    assert (await sec.execute(DOCUMENT, {"id": other["id"]}))["document"]["phase"] == "DRAFTING"
    # Late responses accepted: it stays open past the deadline until the secretariat closes it.
    assert (await sec.execute(READ, {"id": lenient["id"]}))["consultation"]["state"] == "OPEN"
    assert (await sec.execute(DOCUMENT, {"id": lenient_doc["id"]}))["document"]["phase"] == "CONSULTATION"


async def test_parties_answer_no_remarks_or_decline_once(as_user: AsUser, store: Store, clock: ManualClock) -> None:
    sec, plo, kl_c, reg_c, kl = (
        await as_user(SECRETARIAT),
        await as_user(PLO_COMMENTER),
        await as_user(KL_COMMENTER),
        await as_user(REGIONS_COMMENTER),
        await as_user(KL),
    )
    document, snapshot, now = await _document(sec)
    cid = (await _open(sec, snapshot["id"], now + timedelta(days=7)))["consultation"]["id"]

    # PLO: "ingen bemærkninger", in one action.
    answered = (await plo.execute(NO_REMARKS, await _party_input(plo, cid, "plo")))["respondNoRemarks"]
    assert answered["__typename"] == "ConsultationAnswered", answered
    party = _party(answered["consultation"], "plo")
    assert party["status"] == "NO_REMARKS" and party["respondedAt"] and party["late"] is False
    # Danske Regioner declines.
    declined = (await reg_c.execute(DECLINE, await _party_input(reg_c, cid, "danske-regioner")))["declineConsultation"]
    assert _party(declined["consultation"], "danske-regioner")["status"] == "DECLINED"

    written = (await _written(store, document["id"]), await _events(store, document["id"]))
    # Once per party; never for another party; never by the secretariat.
    again = (await plo.execute(DECLINE, await _party_input(plo, cid, "plo")))["declineConsultation"]
    assert again["__typename"] == "InvalidInput" and "allerede" in again["message"], again
    for api, slug, expected in (
        (kl_c, "plo", "Forbidden"),
        (sec, "kl", "Forbidden"),
        (kl, "danske-regioner", "Forbidden"),
    ):
        refused = (await api.execute(NO_REMARKS, await _party_input(api, cid, slug)))["respondNoRemarks"]
        assert refused["__typename"] == expected, (slug, refused)
    assert (await _written(store, document["id"]), await _events(store, document["id"])) == written

    # After the deadline, without late responses accepted: a clear refusal, nothing written.
    clock.advance(timedelta(days=8))
    too_late = (await kl_c.execute(NO_REMARKS, await _party_input(kl_c, cid, "kl")))["respondNoRemarks"]
    assert too_late["__typename"] == "InvalidInput", too_late
    assert too_late["message"] == "Høringsfristen er udløbet, og der modtages ikke svar efter fristen."
    closed = (await sec.execute(READ, {"id": cid}))["consultation"]
    assert _party(closed, "kl")["noResponse"] is True and _party(closed, "plo")["noResponse"] is False
    assert (await _written(store, document["id"]))[2] == written[0][2]


async def test_late_responses_are_marked_late_when_accepted(as_user: AsUser, store: Store, clock: ManualClock) -> None:
    sec, kl_c = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    _, snapshot, now = await _document(sec)
    cid = (await _open(sec, snapshot["id"], now + timedelta(days=2), acceptLate=True))["consultation"]["id"]
    clock.advance(timedelta(days=3))
    answered = (await kl_c.execute(NO_REMARKS, await _party_input(kl_c, cid, "kl")))["respondNoRemarks"]
    assert answered["__typename"] == "ConsultationAnswered", answered
    assert _party(answered["consultation"], "kl")["late"] is True


async def test_answers_are_published_all_at_once_or_per_party_and_only_once(as_user: AsUser, store: Store) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL)
    document, snapshot, now = await _document(sec)
    cid = (await _open(sec, snapshot["id"], now + timedelta(days=7)))["consultation"]["id"]
    [kl_id, plo_id] = await org_ids(sec, "kl", "plo")

    by_kl = (await kl.execute(PUBLISH, {"input": {"consultationId": cid}}))["publishAnswers"]
    assert by_kl["__typename"] == "Forbidden", by_kl
    first = (await sec.execute(PUBLISH, {"input": {"consultationId": cid, "organizationIds": [kl_id]}}))[
        "publishAnswers"
    ]
    assert first["__typename"] == "AnswersPublished" and first["organizations"] == [{"slug": "kl"}], first
    assert [p["answersPublished"] for p in first["consultation"]["parties"]] == [True, False, False]

    written = (await _written(store, document["id"]), await _events(store, document["id"]))
    for named in ([kl_id], [plo_id, kl_id]):
        twice = (await sec.execute(PUBLISH, {"input": {"consultationId": cid, "organizationIds": named}}))[
            "publishAnswers"
        ]
        assert twice["__typename"] == "InvalidInput" and twice["field"] == "organizationIds", twice
        assert "allerede offentliggjort" in twice["message"]
    assert (await _written(store, document["id"]), await _events(store, document["id"])) == written

    rest = (await sec.execute(PUBLISH, {"input": {"consultationId": cid}}))["publishAnswers"]
    assert [o["slug"] for o in rest["organizations"]] == ["danske-regioner", "plo"]
    all_again = (await sec.execute(PUBLISH, {"input": {"consultationId": cid}}))["publishAnswers"]
    assert all_again["__typename"] == "InvalidInput", all_again


ADD_COMMENT = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id submitted } } ... on UserError { message code }
  ... on InvalidInput { field } } }"""
COMMENTING = """query($id: ID!) { document(id: $id) {
  viewerCan { comment }
  commenting { open until closedSince countsAsResponse message consultation { id } snapshot { id } } } }"""
SAVE = """mutation($input: SaveSectionInput!) { saveSection(input: $input) { __typename } }"""
OPEN_ROUND = """mutation($input: OpenApprovalRoundInput!) { openApprovalRound(input: $input) {
  __typename ... on UserError { message } } }"""
PHASE = """mutation($input: SetDocumentPhaseInput!) { setDocumentPhase(input: $input) {
  __typename ... on UserError { message } ... on InvalidInput { field } } }"""


async def _comment(api: Api, section: str, version: int, body: str) -> dict[str, Any]:
    data = await api.execute(ADD_COMMENT, {"input": {"sectionId": section, "version": version, "body": body}})
    return data["addComment"]  # type: ignore[no-any-return]


async def _stored_comment(store: Store, comment_id: str) -> Any:
    oid = ids.parse(comment_id, "Comment")
    assert oid is not None
    return await store.comments.comment(oid)


async def _comments(store: Store, document_id: str) -> int:
    oid = ids.parse(document_id, "Document")
    assert oid is not None
    return len(await store.comments.for_document(oid))


async def test_commenting_belongs_to_the_consultation(as_user: AsUser, store: Store, app: Any) -> None:
    sec, kl, plo, reg_c = (
        await as_user(SECRETARIAT),
        await as_user(KL),
        await as_user(PLO_COMMENTER),
        await as_user(REGIONS_COMMENTER),
    )
    document, snapshot, now = await _document(sec)
    [section] = document["sections"]
    # Before any consultation, commenting follows the phase as it always did.
    assert (await _comment(reg_c, section, 1, "Regionernes tidlige bemærkning."))["__typename"] == "CommentAdded"
    cid = (await _open(sec, snapshot["id"], now + timedelta(days=14), ("kl", "plo")))["consultation"]["id"]

    # PLO, consulted, comments on the snapshot's text: part of PLO's response, a draft until sent.
    added = await _comment(plo, section, 1, "PLO savner almen praksis.")
    assert added["__typename"] == "CommentAdded", added
    stored = await _stored_comment(store, added["comment"]["id"])
    assert stored.consultation_id == ids.parse(cid, "Consultation") and stored.submitted is False
    assert _party((await sec.execute(READ, {"id": cid}))["consultation"], "plo")["status"] == "DRAFTING"
    # The steering group comments at any time, and never as a høringssvar.
    steering = await _comment(kl, section, 1, "Styregruppens spørgsmål til PLO.")
    assert steering["__typename"] == "CommentAdded", steering
    assert (await _stored_comment(store, steering["comment"]["id"])).consultation_id is None

    window = (await plo.execute(COMMENTING, {"id": document["id"]}))["document"]
    assert window["viewerCan"] == {"comment": True}
    commenting = window["commenting"]
    assert commenting["open"] is True and commenting["countsAsResponse"] is True
    assert commenting["snapshot"] == {"id": snapshot["id"]} and commenting["consultation"] == {"id": cid}
    assert datetime.fromisoformat(commenting["until"]) == now + timedelta(days=14)
    assert commenting["message"].startswith("Der kan kommenteres indtil høringsfristen ")
    steering_window = (await kl.execute(COMMENTING, {"id": document["id"]}))["document"]["commenting"]
    assert steering_window["open"] is True and steering_window["countsAsResponse"] is False
    assert "tæller ikke som høringssvar" in steering_window["message"]

    # Danske Regioner takes part in the document but is not consulted: it is told so.
    written = await _comments(store, document["id"])
    refused = await _comment(reg_c, section, 1, "Regionerne vil også svare.")
    assert refused["__typename"] == "Forbidden", refused
    assert refused["message"] == "Din organisation er ikke på høringslisten og kan ikke kommentere i denne høring."
    regions_window = (await reg_c.execute(COMMENTING, {"id": document["id"]}))["document"]
    assert regions_window["viewerCan"] == {"comment": False}
    assert regions_window["commenting"]["open"] is False
    assert regions_window["commenting"]["message"] == refused["message"]
    # A newer version is not what was sent for consultation.
    saved = await sec.execute(
        SAVE, {"input": {"sectionId": section, "baseVersion": 1, "title": "Borgeren", "body": "Ny tekst."}}
    )
    assert saved["saveSection"]["__typename"] == "SectionSaved"
    off = await _comment(plo, section, 2, "PLO om den nye tekst.")
    assert off["__typename"] == "InvalidInput" and off["field"] == "version", off
    assert off["message"] == "Høringen gælder udgave 1: kommentér afsnittets version 1, som den står i den udgave."
    assert await _comments(store, document["id"]) == written

    # Closed: parties are told since when; the steering group still comments.
    closed = (await sec.execute(CLOSE, {"input": {"consultationId": cid}}))["closeConsultation"]["consultation"]
    late = await _comment(plo, section, 1, "PLO for sent.")
    assert late["__typename"] == "Forbidden", late
    assert late["message"].startswith("Der kan ikke længere kommenteres: høringen sluttede ")
    assert "kl." in late["message"] and "T" not in late["message"].split("sluttede")[1]
    assert await _comments(store, document["id"]) == written
    assert (await _comment(kl, section, 2, "Styregruppen arbejder videre."))["__typename"] == "CommentAdded"
    after = (await plo.execute(COMMENTING, {"id": document["id"]}))["document"]["commenting"]
    assert after["open"] is False and after["closedSince"] == closed["closedAt"]
    assert after["message"] == late["message"] and after["until"] is None
    # In English on request, without a Danish date.
    english = Api(app.url, headers={"Accept-Language": "en"})
    english.http.cookies = plo.http.cookies
    in_english = await _comment(english, section, 1, "Too late.")
    await english.close()
    assert in_english["message"].startswith("Commenting is closed: the consultation ended ")
    assert "kl." not in in_english["message"]


CONSULTED = """query($id: ID!) { document(id: $id) {
  sections { id version title consultedVersion { number title body html } } } }"""


async def test_a_consulted_party_reads_and_comments_on_the_text_sent_after_the_steering_group_edits(
    as_user: AsUser, store: Store
) -> None:
    """Issue 18: a party comments on the consultation's snapshot while it is open, even once the
    steering group has edited a section; `Section.consultedVersion` is that text, for parties only."""
    sec, kl, plo, reg_c = (
        await as_user(SECRETARIAT),
        await as_user(KL),
        await as_user(PLO_COMMENTER),
        await as_user(REGIONS_COMMENTER),
    )
    document, snapshot, now = await _document(sec)
    [section] = document["sections"]
    cid = (await _open(sec, snapshot["id"], now + timedelta(days=14), ("kl", "plo")))["consultation"]["id"]
    saved = await sec.execute(
        SAVE, {"input": {"sectionId": section, "baseVersion": 1, "title": "Borgeren", "body": "Ny tekst."}}
    )
    assert saved["saveSection"]["__typename"] == "SectionSaved", saved
    added = await sec.execute(
        """mutation($input: AddSectionInput!) { addSection(input: $input) {
             __typename ... on SectionAdded { section { id } } } }""",
        {"input": {"documentId": document["id"], "title": "Efter høringen", "body": "Kom til senere."}},
    )
    later = added["addSection"]["section"]["id"]

    sections = (await plo.execute(CONSULTED, {"id": document["id"]}))["document"]["sections"]
    assert [(s["id"], s["version"], s["title"]) for s in sections] == [
        (section, 2, "Borgeren"),
        (later, 1, "Efter høringen"),
    ]
    consulted = sections[0]["consultedVersion"]
    assert consulted["number"] == 1 and consulted["title"] == "Borgeren som aktiv partner"
    assert consulted["body"] == "Borgerne skal have adgang til egne data."
    assert "Borgerne skal have adgang" in consulted["html"]
    assert sections[1]["consultedVersion"] is None  # added since: not part of the consultation
    # The steering group and those not consulted read the current text only.
    for other in (kl, sec, reg_c):
        theirs = (await other.execute(CONSULTED, {"id": document["id"]}))["document"]["sections"]
        assert [s["consultedVersion"] for s in theirs] == [None, None]

    # PLO comments on a passage of the text sent (the consulted version), as part of its response.
    anchored = await plo.execute(
        ADD_COMMENT,
        {
            "input": {
                "sectionId": section,
                "version": consulted["number"],
                "body": "PLO: adgang alene er ikke nok.",
                "anchor": {"exact": "adgang til egne data", "prefix": "Borgerne skal have ", "suffix": "."},
            }
        },
    )
    assert anchored["addComment"]["__typename"] == "CommentAdded", anchored
    stored = await _stored_comment(store, anchored["addComment"]["comment"]["id"])
    assert stored.section_version == 1 and stored.consultation_id == ids.parse(cid, "Consultation")
    assert stored.anchor is not None and stored.anchor.exact == "adgang til egne data"

    # Closed: the reader shows the current text again.
    await sec.execute(CLOSE, {"input": {"consultationId": cid}})
    after = (await plo.execute(CONSULTED, {"id": document["id"]}))["document"]["sections"]
    assert [s["consultedVersion"] for s in after] == [None, None]


READER = """query($id: ID!) { document(id: $id) { sections { id position deleted consultedVersion { number }
  commentMarkers { id anchorStatus anchorLocation { version start end exact }
    consultedLocation { version start end exact } }
  readerMarkers { passages { start end ids } outdated { id } } } } }"""
READER_PAGE = (
    """query($id: ID!, $after: ID!) { document(id: $id) { sections(first: 1, after: $after) { id deleted } } }"""
)
HEADINGS = """query($id: ID!) { document(id: $id) { headings { id title } } }"""
DELETE_SECTION = """mutation($input: DeleteSectionInput!) { deleteSection(input: $input) { __typename } }"""
SUBMISSION = """query($id: ID!) { document(id: $id) { submissionPreview { count sections { title count } } } }"""


async def test_a_consulted_party_keeps_its_markers_and_the_sections_deleted_since_in_the_text_sent(
    as_user: AsUser,
) -> None:
    """Issue 18: once the steering group has rewritten a section and deleted another during the consultation,
    the party's comments are placed in the text sent (`consultedLocation`), and the deleted section is still
    read and commented on by the party — in its place, marked deleted. The steering group reads as before."""
    sec, kl, plo, reg_c = (
        await as_user(SECRETARIAT),
        await as_user(KL),
        await as_user(PLO_COMMENTER),
        await as_user(REGIONS_COMMENTER),
    )
    document = await new_document(
        sec,
        [
            ("Borgeren", "Borgerne skal have adgang til egne data."),
            ("Almen praksis", "Lægen deler journalen med patienten."),
            ("Økonomi", "Midlerne fordeles årligt."),
        ],
        ("kl", "danske-regioner", "plo"),
    )
    first, second, third = document["sections"]
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": document["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]
    now = datetime.fromisoformat(
        (await sec.execute("query($id: ID!) { document(id: $id) { createdAt } }", {"id": document["id"]}))["document"][
            "createdAt"
        ]
    )
    cid = (await _open(sec, snapshot["id"], now + timedelta(days=14), ("kl", "plo")))["consultation"]["id"]
    anchor = {"exact": "adgang til egne data", "prefix": "Borgerne skal have ", "suffix": "."}
    placed = await plo.execute(
        ADD_COMMENT, {"input": {"sectionId": first, "version": 1, "body": "PLO: og lægen?", "anchor": anchor}}
    )
    assert placed["addComment"]["__typename"] == "CommentAdded", placed
    comment = placed["addComment"]["comment"]["id"]

    # The steering group rewrites the passage away and deletes the second section.
    saved = await sec.execute(
        SAVE,
        {"input": {"sectionId": first, "baseVersion": 1, "title": "Borgernes valg", "body": "Borgerne bestemmer."}},
    )
    assert saved["saveSection"]["__typename"] == "SectionSaved", saved
    deleted = await sec.execute(DELETE_SECTION, {"input": {"sectionId": second}})
    assert deleted["deleteSection"]["__typename"] == "SectionDeleted", deleted

    sections = (await plo.execute(READER, {"id": document["id"]}))["document"]["sections"]
    # In the order sent, the deleted section where it stood (clients sort stably by position).
    assert [s["id"] for s in sorted(sections, key=lambda s: s["position"])] == [first, second, third]
    assert [s["deleted"] for s in sections] == [False, True, False]
    assert [s["consultedVersion"]["number"] for s in sections] == [1, 1, 1]
    [marker] = sections[0]["commentMarkers"]
    assert marker["id"] == comment
    # Gone from the current text, where the steering group reads it; in place in the text PLO reads.
    assert marker["anchorStatus"] == "OUTDATED" and marker["anchorLocation"] is None
    assert marker["consultedLocation"] == {"version": 1, "start": 19, "end": 39, "exact": "adgang til egne data"}
    # The reader places it in the text PLO reads, and pages through the sections as sent.
    assert sections[0]["readerMarkers"] == {"passages": [{"start": 19, "end": 39, "ids": [comment]}], "outdated": []}
    page = (await plo.execute(READER_PAGE, {"id": document["id"], "after": first}))["document"]["sections"]
    assert page == [{"id": second, "deleted": True}]
    page = (await plo.execute(READER_PAGE, {"id": document["id"], "after": second}))["document"]["sections"]
    assert page == [{"id": third, "deleted": False}]
    # Its table of contents: the sections and titles sent.
    headings = (await plo.execute(HEADINGS, {"id": document["id"]}))["document"]["headings"]
    assert headings == [
        {"id": first, "title": "Borgeren"},
        {"id": second, "title": "Almen praksis"},
        {"id": third, "title": "Økonomi"},
    ]

    # PLO comments on the deleted section, on the version sent; the steering group may not comment there.
    on_deleted = await plo.execute(
        ADD_COMMENT,
        {
            "input": {
                "sectionId": second,
                "version": 1,
                "body": "PLO beklager, at afsnittet udgår.",
                "anchor": {"exact": "deler journalen", "prefix": "Lægen ", "suffix": " med patienten."},
            }
        },
    )
    assert on_deleted["addComment"]["__typename"] == "CommentAdded", on_deleted
    refused = await _comment(kl, second, 1, "Styregruppens egen bemærkning.")
    assert refused["__typename"] == "InvalidInput" and refused["code"] == "SECTION_DELETED", refused
    assert (await _comment(reg_c, second, 1, "Ikke hørt."))["__typename"] == "Forbidden"
    sections = (await plo.execute(READER, {"id": document["id"]}))["document"]["sections"]
    [marker] = sections[1]["commentMarkers"]
    assert marker["consultedLocation"] == {"version": 1, "start": 6, "end": 21, "exact": "deler journalen"}
    preview = (await plo.execute(SUBMISSION, {"id": document["id"]}))["document"]["submissionPreview"]
    assert [(s["title"], s["count"]) for s in preview["sections"]] == [("Borgernes valg", 1), ("Almen praksis", 1)]

    # The steering group and the parties not consulted read the document as it is now.
    for other in (kl, sec, reg_c):
        theirs = (await other.execute(READER, {"id": document["id"]}))["document"]["sections"]
        assert [s["id"] for s in theirs] == [first, third]
        assert all(m["consultedLocation"] is None for s in theirs for m in s["commentMarkers"])
        page = (await other.execute(READER_PAGE, {"id": document["id"], "after": first}))["document"]["sections"]
        assert page == [{"id": third, "deleted": False}]
        headings = (await other.execute(HEADINGS, {"id": document["id"]}))["document"]["headings"]
        assert headings == [{"id": first, "title": "Borgernes valg"}, {"id": third, "title": "Økonomi"}]
    # Once the consultation is closed, PLO does too.
    await sec.execute(CLOSE, {"input": {"consultationId": cid}})
    after = (await plo.execute(READER, {"id": document["id"]}))["document"]["sections"]
    assert [s["id"] for s in after] == [first, third]
    assert after[0]["commentMarkers"][0]["consultedLocation"] is None


CONTENTS_PAGE = """query($id: ID!, $after: ID) { document(id: $id) {
  headings { id title } sections(first: 2, after: $after) { id title deleted } } }"""
ADD_SECTION = """mutation($input: AddSectionInput!) { addSection(input: $input) {
  __typename ... on SectionAdded { section { id } } } }"""


async def test_a_consulted_party_pages_through_the_contents_as_sent_with_the_sections_added_since(
    as_user: AsUser,
) -> None:
    """The contents a consulted party reads while the steering group rewrites: the titles sent, a section deleted
    since in its place, a section added since under its own title; its pages follow those contents. The steering
    group reads them as they are now."""
    sec, plo = await as_user(SECRETARIAT), await as_user(PLO_COMMENTER)
    document = await new_document(sec, [("Et", "Første."), ("To", "Andet."), ("Tre", "Tredje.")], PARTIES)
    first, second, third = document["sections"]
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": document["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]
    now = (await sec.execute("query($id: ID!) { document(id: $id) { createdAt } }", {"id": document["id"]}))[
        "document"
    ]["createdAt"]
    opened = await _open(sec, snapshot["id"], datetime.fromisoformat(now) + timedelta(days=14), ("plo",))
    assert opened["__typename"] == "ConsultationOpened", opened
    assert (await sec.execute(DELETE_SECTION, {"input": {"sectionId": first}}))["deleteSection"]["__typename"] == (
        "SectionDeleted"
    )
    saved = await sec.execute(
        SAVE, {"input": {"sectionId": third, "baseVersion": 1, "title": "Tre omskrevet", "body": "Nyt."}}
    )
    assert saved["saveSection"]["__typename"] == "SectionSaved", saved
    added = await sec.execute(ADD_SECTION, {"input": {"documentId": document["id"], "title": "Fire", "position": 2}})
    fourth = added["addSection"]["section"]["id"]

    read = (await plo.execute(CONTENTS_PAGE, {"id": document["id"]}))["document"]
    assert read["headings"] == [
        {"id": first, "title": "Et"},
        {"id": second, "title": "To"},
        {"id": third, "title": "Tre"},
        {"id": fourth, "title": "Fire"},
    ]
    assert read["sections"] == [
        {"id": first, "title": "Et", "deleted": True},
        {"id": second, "title": "To", "deleted": False},
    ]
    rest = (await plo.execute(CONTENTS_PAGE, {"id": document["id"], "after": second}))["document"]["sections"]
    assert [(s["id"], s["deleted"]) for s in rest] == [(third, False), (fourth, False)]

    read = (await sec.execute(CONTENTS_PAGE, {"id": document["id"]}))["document"]
    assert read["headings"] == [
        {"id": second, "title": "To"},
        {"id": third, "title": "Tre omskrevet"},
        {"id": fourth, "title": "Fire"},
    ]
    assert [s["id"] for s in read["sections"]] == [second, third]


async def test_the_phase_follows_the_consultation(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    document, snapshot, now = await _document(sec)
    by_hand = await sec.execute(PHASE, {"input": {"documentId": document["id"], "phase": "CONSULTATION"}})
    assert by_hand["setDocumentPhase"]["__typename"] == "InvalidInput", by_hand
    assert "sender en udgave i høring" in by_hand["setDocumentPhase"]["message"]
    await _open(sec, snapshot["id"], now + timedelta(days=14))
    leave = await sec.execute(PHASE, {"input": {"documentId": document["id"], "phase": "DRAFTING"}})
    assert leave["setDocumentPhase"]["__typename"] == "InvalidInput", leave
    assert leave["setDocumentPhase"]["message"] == "Dokumentet er i høring. Afslut høringen, før fasen ændres."
    assert (await sec.execute(DOCUMENT, {"id": document["id"]}))["document"]["phase"] == "CONSULTATION"
    # Nor does a written procedure take the phase from an open consultation.
    round_input = {
        "snapshotId": snapshot["id"],
        "title": "Skriftlig proces",
        "deadline": (now + timedelta(days=30)).isoformat(),
        "organizationIds": await org_ids(sec, "kl"),
    }
    round = await sec.execute(OPEN_ROUND, {"input": round_input})
    assert round["openApprovalRound"]["__typename"] == "InvalidInput", round
    assert round["openApprovalRound"]["message"] == (
        "Dokumentet er i høring. Afslut høringen, før en skriftlig proces åbnes."
    )
    # The round form is told so before it is filled in.
    blocker = await sec.execute(
        "query($id: ID!) { document(id: $id) { approvalRoundBlocker } }", {"id": document["id"]}
    )
    assert blocker["document"]["approvalRoundBlocker"] == round["openApprovalRound"]["message"]
    assert (await sec.execute(DOCUMENT, {"id": document["id"]}))["document"]["phase"] == "CONSULTATION"
