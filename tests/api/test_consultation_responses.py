"""A party's response: the submit preview, the confirmation, and comments locked once sent."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import bson
import httpx
from bson import Binary, ObjectId

from server import ids
from server.store import Store
from tests.api.drafting_support import new_document, org_ids
from tests.support import KL, KL_COMMENTER, REGIONS, REGIONS_COMMENTER, SECRETARIAT, SUM, Api, RunningApp

AsUser = Callable[[str], Awaitable[Api]]

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id submitted } } ... on UserError { message code } } }"""
PREVIEW = """query($id: ID!) { document(id: $id) {
  viewerCan { submitResponse }
  submissionPreview { count canSubmit blocker
    sections { title count section { id title } comments { id body parent { id } author { name } } } } } }"""
SUBMIT = """mutation($documentId: ID!, $expectedCount: Int!) {
  submitOrganisationComments(documentId: $documentId, expectedCount: $expectedCount) {
    __typename ... on CommentsSubmitted { comments { id submitted inResponse } }
    ... on InvalidInput { field } ... on UserError { message code } } }"""
EDIT = """mutation($input: EditCommentInput!) { editComment(input: $input) {
  __typename ... on UserError { message code } } }"""
DELETE = """mutation($input: DeleteCommentInput!) { deleteComment(input: $input) {
  __typename ... on UserError { message code } } }"""
PREVIEW_WITH_RESPONSE = """query($id: ID!) { document(id: $id) {
  submissionPreview { count generalRemarks generalRemarksHtml letter { filename } } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Comment { id body submitted inResponse viewerCan { edit } } } }"""
PHASE = """mutation($input: SetDocumentPhaseInput!) { setDocumentPhase(input: $input) { __typename } }"""


async def _add(api: Api, section: str, body: str, parent: str | None = None) -> str:
    data = await api.execute(ADD, {"input": {"sectionId": section, "version": 1, "body": body, "parentId": parent}})
    assert data["addComment"]["__typename"] == "CommentAdded", data
    return str(data["addComment"]["comment"]["id"])


async def _preview(api: Api, document: str) -> dict[str, Any]:
    return (await api.execute(PREVIEW, {"id": document}))["document"]  # type: ignore[no-any-return]


async def _submit(api: Api, document: str, expected: int) -> dict[str, Any]:
    data = await api.execute(SUBMIT, {"documentId": document, "expectedCount": expected})
    return data["submitOrganisationComments"]  # type: ignore[no-any-return]


async def test_the_preview_shows_every_draft_of_the_organisation_by_section_and_its_count_is_what_is_sent(
    as_user: AsUser,
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Formål", "Første tekst."), ("Data", "Anden tekst."), ("Drift", "Tredje.")])
    purpose, data_section, _ = doc["sections"]
    kl, kl_colleague, regions = await as_user(KL_COMMENTER), await as_user(KL), await as_user(REGIONS_COMMENTER)
    on_data = await _add(kl, data_section, "Hvem ejer data?")
    on_purpose = await _add(kl, purpose, "Formålet bør nævne borgerne.")
    # A colleague's reply to the draft is a KL draft too: it goes with the response and is counted.
    reply = await _add(kl_colleague, data_section, "Og hvem betaler?", parent=on_data)
    await _add(regions, purpose, "Regionernes kladde.")

    preview = (await _preview(kl, doc["id"]))["submissionPreview"]
    assert preview["count"] == 3 and preview["canSubmit"] and preview["blocker"] is None
    assert [(s["title"], s["count"], s["section"]["id"]) for s in preview["sections"]] == [
        ("Formål", 1, purpose),
        ("Data", 2, data_section),
    ]
    assert [c["id"] for c in preview["sections"][1]["comments"]] == [on_data, reply]
    assert preview["sections"][1]["comments"][1]["parent"]["id"] == on_data
    # The colleague sees the same preview; the other organisation sees only its own draft.
    assert (await _preview(kl_colleague, doc["id"]))["submissionPreview"]["count"] == 3
    regions_preview = (await _preview(regions, doc["id"]))["submissionPreview"]
    assert [(s["title"], s["count"]) for s in regions_preview["sections"]] == [("Formål", 1)]

    # The button said 2 (say, before the colleague's reply arrived): nothing is sent.
    stale = await _submit(kl, doc["id"], 2)
    assert (stale["__typename"], stale["code"], stale["field"]) == (
        "InvalidInput",
        "SUBMISSION_COUNT_CHANGED",
        "expectedCount",
    )
    assert "3" in stale["message"] and "2" in stale["message"]
    regions_editor = await as_user(REGIONS)
    for comment in (on_data, on_purpose, reply):
        assert (await regions_editor.execute(NODE, {"id": comment}))["node"] is None

    sent = await _submit(kl, doc["id"], 3)
    assert sent["__typename"] == "CommentsSubmitted"
    assert {c["id"] for c in sent["comments"]} == {on_data, on_purpose, reply}
    assert all(c["submitted"] and c["inResponse"] for c in sent["comments"])
    for comment in (on_data, on_purpose, reply):
        assert (await regions_editor.execute(NODE, {"id": comment}))["node"]["submitted"] is True
    assert (await _preview(kl, doc["id"]))["submissionPreview"]["count"] == 0

    nothing = await _submit(kl, doc["id"], 0)
    assert (nothing["__typename"], nothing["code"]) == ("InvalidInput", "NOTHING_TO_SUBMIT")
    assert nothing["message"] == "Der er ingen kladder at indsende."


async def test_sent_comments_are_locked_and_a_correction_is_a_new_comment(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Formål", "Tekst.")])
    kl = await as_user(KL_COMMENTER)
    comment = await _add(kl, doc["sections"][0], "Første ordlyd.")
    assert (await kl.execute(NODE, {"id": comment}))["node"]["viewerCan"]["edit"] is True
    assert (await _submit(kl, doc["id"], 1))["__typename"] == "CommentsSubmitted"

    seen = (await kl.execute(NODE, {"id": comment}))["node"]
    assert (seen["inResponse"], seen["viewerCan"]["edit"]) == (True, False)
    edited = (await kl.execute(EDIT, {"input": {"commentId": comment, "body": "Ny ordlyd."}}))["editComment"]
    assert (edited["__typename"], edited["code"]) == ("InvalidInput", "COMMENT_SENT")
    assert "Skriv en ny kommentar" in edited["message"]
    deleted = (await kl.execute(DELETE, {"input": {"commentId": comment}}))["deleteComment"]
    assert (deleted["__typename"], deleted["code"]) == ("InvalidInput", "COMMENT_SENT")
    assert (await kl.execute(NODE, {"id": comment}))["node"]["body"] == "Første ordlyd."

    correction = await _add(kl, doc["sections"][0], "Rettelse: læs »borgere« for »brugere«.")
    assert (await _submit(kl, doc["id"], 1))["comments"][0]["id"] == correction


async def test_only_commenters_and_approvers_send_a_response(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(
        sec, [("Formål", "Tekst.")], participants=("kl", "danske-regioner", "sundhedsdatastyrelsen")
    )
    await _add(await as_user(KL_COMMENTER), doc["sections"][0], "Kladde.")
    refused = await _submit(sec, doc["id"], 0)  # the secretariat answers consultations; it does not respond
    assert refused["__typename"] == "Forbidden"
    assert (await _preview(sec, doc["id"]))["viewerCan"]["submitResponse"] is False
    approver = await as_user(KL)  # KL's approver sends KL's drafts
    assert (await _preview(approver, doc["id"]))["viewerCan"]["submitResponse"] is True
    assert (await _submit(approver, doc["id"], 1))["__typename"] == "CommentsSubmitted"


async def test_on_an_archived_document_submitting_is_refused_in_words_and_the_drafts_stay(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Formål", "Tekst.")])
    kl = await as_user(KL_COMMENTER)
    draft = await _add(kl, doc["sections"][0], "Nåede ikke at blive sendt.")
    archived = await sec.execute(PHASE, {"input": {"documentId": doc["id"], "phase": "ARCHIVED"}})
    assert archived["setDocumentPhase"]["__typename"] == "DocumentPhaseChanged"

    seen = await _preview(kl, doc["id"])
    assert seen["viewerCan"]["submitResponse"] is False
    preview = seen["submissionPreview"]
    assert (preview["count"], preview["canSubmit"]) == (1, False)
    refused = await _submit(kl, doc["id"], 1)
    assert refused["__typename"] == "Forbidden"
    assert refused["message"] == preview["blocker"]
    assert "»Arkiveret«" in refused["message"] and "ARCHIVED" not in refused["message"]
    assert "kan ikke længere indsendes" in refused["message"]
    kl.http.cookies.set("lang", "en")
    english = await _submit(kl, doc["id"], 1)
    assert "“Archived”" in english["message"] and "ARCHIVED" not in english["message"]
    kl.http.cookies.delete("lang")
    assert (await kl.execute(NODE, {"id": draft}))["node"]["submitted"] is False  # still KL's draft


# General remarks and the response letter, inside the party until it responds.

OPEN = """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message code } } }"""
SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  ... on SnapshotCreated { snapshot { id } } } }"""
DRAFT = """query($id: ID!) { responseDraft(consultationId: $id) {
  generalRemarks remarksSavedBy { name } letterUploadUrl letter { id filename size mediaType url } } }"""
REMARKS = """mutation($input: SaveGeneralRemarksInput!) { saveGeneralRemarks(input: $input) {
  __typename ... on GeneralRemarksSaved { draft { generalRemarks } } ... on UserError { message code } } }"""
REMOVE_LETTER = """mutation($input: RemoveResponseLetterInput!) { removeResponseLetter(input: $input) {
  __typename ... on ResponseLetterRemoved { draft { letter { id } } } ... on UserError { message code } } }"""
PARTIES = """query($id: ID!) { consultation(id: $id) { parties { organization { slug } status } } }"""
REPORT_REMARKS = """query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) {
  generalRemarks { organization { slug } remarks letter { url filename } } } }"""
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


async def _org(store: Store, slug: str) -> ObjectId:
    organization = await store.accounts.organization_by_slug(slug)
    assert organization is not None
    return organization.id


def _word_file(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def _consultation(
    sec: Api, clock_now: datetime, parties: tuple[str, ...] = ("kl", "danske-regioner", "plo")
) -> dict[str, Any]:
    """A document in which KL and Danske Regioner take part, snapshotted and sent for consultation."""
    doc = await new_document(sec, [("Formål", "Strategien samler indsatsen."), ("Data", "Data deles sikkert.")])
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"]}}))["createSnapshot"]["snapshot"]
    organizations = await org_ids(sec, *parties)
    opened = await sec.execute(
        OPEN,
        {
            "input": {
                "snapshotId": snapshot["id"],
                "deadline": (clock_now + timedelta(days=14)).isoformat(),
                "organizationIds": organizations,
                "letter": "Høringsbrev: vi beder om jeres bemærkninger.",
                "acceptLate": False,
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    return {**doc, "consultation": opened["openConsultation"]["consultation"]["id"], "snapshot": snapshot["id"]}


async def _upload(api: Api, url: str, filename: str, data: bytes) -> httpx.Response:
    return await api.http.post(str(httpx.URL(url).copy_merge_params({"filename": filename})), content=data)


async def test_general_remarks_and_the_letter_stay_in_the_party_until_it_responds(
    as_user: AsUser, app: RunningApp, store: Store
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await _consultation(sec, app.clock.now())
    consultation = doc["consultation"]
    kl, kl_approver = await as_user(KL_COMMENTER), await as_user(KL)
    regions, regions_editor = await as_user(REGIONS_COMMENTER), await as_user(REGIONS)

    saved = await kl.execute(
        REMARKS, {"input": {"consultationId": consultation, "generalRemarks": "KL støtter strategien overordnet."}}
    )
    assert saved["saveGeneralRemarks"]["__typename"] == "GeneralRemarksSaved", saved
    shared = (await kl_approver.execute(DRAFT, {"id": consultation}))["responseDraft"]  # a colleague's view
    assert shared["generalRemarks"] == "KL støtter strategien overordnet."
    assert shared["remarksSavedBy"]["name"]
    assert (await regions.execute(DRAFT, {"id": consultation}))["responseDraft"]["generalRemarks"] == ""
    assert (await sec.execute(DRAFT, {"id": consultation}))["responseDraft"] is None  # not consulted

    uploaded = await _upload(kl, shared["letterUploadUrl"], "KL høringssvar.pdf", PDF)
    assert uploaded.status_code == 200, uploaded.text
    letter = uploaded.json()["letter"]
    assert (letter["filename"], letter["size"], letter["mediaType"]) == (
        "KL høringssvar.pdf",
        len(PDF),
        "application/pdf",
    )
    own = await kl_approver.http.get(letter["url"])
    assert own.status_code == 200 and own.content == PDF
    assert own.headers["content-type"] == "application/pdf"
    assert "KL%20h%C3%B8ringssvar.pdf" in own.headers["content-disposition"]
    for outsider in (regions, regions_editor, sec):  # before KL responds, the letter is KL's alone
        assert (await outsider.http.get(letter["url"])).status_code == 404

    # Bad files are refused in words and change nothing.
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    refusals = {
        "not a PDF or Word file": (await _upload(kl, shared["letterUploadUrl"], "brev.pdf", png), "LETTER_TYPE"),
        "named as another kind": (
            await _upload(kl, shared["letterUploadUrl"], "brev.docx", PDF),
            "LETTER_NAME_MISMATCH",
        ),
        "a zip that is no Word file": (
            await _upload(kl, shared["letterUploadUrl"], "brev.docx", _zip({"a.txt": "x"})),
            "LETTER_TYPE",
        ),
        "too large": (
            await _upload(kl, shared["letterUploadUrl"], "stort.pdf", PDF + b"0" * (10 * 1024 * 1024)),
            "LETTER_TOO_LARGE",
        ),
    }
    for why, (response, code) in refusals.items():
        assert response.status_code == 400, (why, response.text)
        error = response.json()["error"]
        assert error["code"] == code, (why, error)
        assert "ARCHIVED" not in error["message"] and error["message"].endswith("."), (why, error)
    assert "højst fylde 10 MB" in refusals["too large"][0].json()["error"]["message"]
    assert (await kl.execute(DRAFT, {"id": consultation}))["responseDraft"]["letter"]["id"] == letter["id"]
    theirs = await _upload(regions, shared["letterUploadUrl"], "regionerne.pdf", PDF)
    assert theirs.status_code == 200  # the same address attaches Danske Regioner's own letter, not KL's
    assert (await kl.execute(DRAFT, {"id": consultation}))["responseDraft"]["letter"]["id"] == letter["id"]

    # A Word letter replaces the PDF; the preview shows what will be sent with the comments.
    word = _word_file("KL's høringssvar i Word.")
    replaced = (await _upload(kl, shared["letterUploadUrl"], "KL høringssvar.docx", word)).json()["letter"]
    assert replaced["mediaType"].endswith("wordprocessingml.document")
    await _add(kl, doc["sections"][1], "Hvem ejer data?")
    preview = (await kl.execute(PREVIEW_WITH_RESPONSE, {"id": doc["id"]}))["document"]["submissionPreview"]
    assert preview["count"] == 1
    assert preview["generalRemarks"] == "KL støtter strategien overordnet."
    assert preview["generalRemarksHtml"] == "<p>KL støtter strategien overordnet.</p>\n"  # as the report renders it
    assert preview["letter"]["filename"] == "KL høringssvar.docx"

    sent = await _submit(kl, doc["id"], 1)
    assert sent["__typename"] == "CommentsSubmitted", sent
    parties = (await sec.execute(PARTIES, {"id": consultation}))["consultation"]["parties"]
    assert {p["organization"]["slug"]: p["status"] for p in parties}["kl"] == "RESPONDED"
    response = await store.consultations.response(ids.parse(consultation, "Consultation"), await _org(store, "kl"))
    assert response is not None and response.general_remarks == "KL støtter strategien overordnet."
    assert response.attachment_id == ids.parse(replaced["id"], "ResponseLetter")
    assert len(response.comment_ids) == 1
    # Sent, the letter is read by those who read KL's submitted comments; the replaced one stays KL's.
    for reader in (sec, regions_editor, regions):
        got = await reader.http.get(replaced["url"])
        assert got.status_code == 200 and got.content == word
        assert (await reader.http.get(letter["url"])).status_code == 404
    assert (await (await as_user(SUM)).http.get(replaced["url"])).status_code == 404  # not a participant
    # The høringsnotat's general remarks link the letter sent, for whoever may download it.
    report = await sec.execute(REPORT_REMARKS, {"d": doc["id"], "s": doc["snapshot"]})
    remarks = {r["organization"]["slug"]: r for r in report["consultationReport"]["generalRemarks"]}
    assert remarks["kl"]["remarks"] == "KL støtter strategien overordnet."
    assert remarks["kl"]["letter"]["url"] == replaced["url"]
    assert remarks["kl"]["letter"]["filename"] == "KL høringssvar.docx"
    # GridFS through another client on the store: any app process reads the same file.
    assert await store.response_drafts.file(ids.parse(replaced["id"], "ResponseLetter")) == word

    late = await kl.execute(REMARKS, {"input": {"consultationId": consultation, "generalRemarks": "Tilføjelse."}})
    assert late["saveGeneralRemarks"]["code"] == "RESPONSE_SENT"
    removed = await kl.execute(REMOVE_LETTER, {"input": {"consultationId": consultation}})
    assert removed["removeResponseLetter"]["code"] == "RESPONSE_SENT"


async def test_a_party_may_respond_with_general_remarks_alone(as_user: AsUser, app: RunningApp) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await _consultation(sec, app.clock.now())
    regions = await as_user(REGIONS_COMMENTER)
    assert (await _submit(regions, doc["id"], 0))["code"] == "NOTHING_TO_SUBMIT"
    await regions.execute(
        REMARKS, {"input": {"consultationId": doc["consultation"], "generalRemarks": "Ingen bemærkninger til afsnit."}}
    )
    sent = await _submit(regions, doc["id"], 0)
    assert (sent["__typename"], sent["comments"]) == ("CommentsSubmitted", [])
    parties = (await sec.execute(PARTIES, {"id": doc["consultation"]}))["consultation"]["parties"]
    assert {p["organization"]["slug"]: p["status"] for p in parties}["danske-regioner"] == "RESPONDED"
    assert (await _submit(regions, doc["id"], 0))["code"] == "NOTHING_TO_SUBMIT"


# Answers are the steering group's until the secretariat publishes them.

RESPOND = """mutation($input: RespondToCommentInput!) { respondToComment(input: $input) {
  __typename ... on UserError { message code } } }"""
PUBLISH = """mutation($input: PublishAnswersInput!) { publishAnswers(input: $input) {
  __typename ... on UserError { message code } } }"""
SEEN = """query($id: ID!) { node(id: $id) { ... on Comment { status response responseHtml respondedAt
  appliedVersion respondedBy { name } } } }"""
SECTION_COMMENTS = """query($id: ID!) { node(id: $id) { ... on Section { openCommentCount
  open: comments(status: OPEN) { id } all: comments { id status response } } } }"""
FEED = """query($id: ID!) { events(documentId: $id, limit: 50) { items { kind } } }"""
REPORT = """query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) {
  sections { organizations { comments { id status response } } } } }"""


async def test_answers_are_the_steering_groups_until_the_secretariat_publishes_them(
    as_user: AsUser, app: RunningApp
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await _consultation(sec, app.clock.now())
    kl, regions = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER)
    kl_comment = await _add(kl, doc["sections"][0], "KL foreslår et mål om deling.")
    assert (await _submit(kl, doc["id"], 1))["__typename"] == "CommentsSubmitted"
    regions_comment = await _add(regions, doc["sections"][0], "Regionerne savner en tidsplan.")
    assert (await _submit(regions, doc["id"], 1))["__typename"] == "CommentsSubmitted"

    steering = await as_user(REGIONS)  # the steering group agrees its answers first
    for comment, answer in ((kl_comment, "Imødekommes i næste udgave."), (regions_comment, "Tidsplan følger.")):
        answered = await steering.execute(
            RESPOND, {"input": {"commentId": comment, "status": "ACCEPTED", "response": answer}}
        )
        assert answered["respondToComment"]["__typename"] == "CommentAnswered", answered

    unanswered = {
        "status": "OPEN",
        "response": "",
        "responseHtml": "",
        "respondedAt": None,
        "appliedVersion": None,
        "respondedBy": None,
    }
    for party in (kl, regions):
        for comment in (kl_comment, regions_comment):
            assert (await party.execute(SEEN, {"id": comment}))["node"] == unanswered
        section = (await party.execute(SECTION_COMMENTS, {"id": doc["sections"][0]}))["node"]
        assert section["openCommentCount"] == 2
        assert {c["id"] for c in section["open"]} == {kl_comment, regions_comment}
        kinds = [e["kind"] for e in (await party.execute(FEED, {"id": doc["id"]}))["events"]["items"]]
        assert "comment.answered" not in kinds and "comments.submitted" in kinds
        report = (await party.execute(REPORT, {"d": doc["id"], "s": doc["snapshot"]}))["consultationReport"]
        reported = [c for s in report["sections"] for o in s["organizations"] for c in o["comments"]]
        assert {(c["status"], c["response"]) for c in reported} == {("OPEN", "")}
        exported = await party.http.get(f"/exports/consultation-reports/{doc['snapshot']}.md")
        assert exported.status_code == 200
        assert "Imødekommes" not in exported.text and "Tidsplan følger" not in exported.text
    for member in (steering, sec, await as_user(KL)):  # the steering group sees its answers
        assert (await member.execute(SEEN, {"id": kl_comment}))["node"]["status"] == "ACCEPTED"
        kinds = [e["kind"] for e in (await member.execute(FEED, {"id": doc["id"]}))["events"]["items"]]
        assert "comment.answered" in kinds

    [kl_org] = await org_ids(sec, "kl")
    published = await sec.execute(
        PUBLISH, {"input": {"consultationId": doc["consultation"], "organizationIds": [kl_org]}}
    )
    assert published["publishAnswers"]["__typename"] == "AnswersPublished", published
    for party in (kl, regions):
        seen = (await party.execute(SEEN, {"id": kl_comment}))["node"]
        assert (seen["status"], seen["response"]) == ("ACCEPTED", "Imødekommes i næste udgave.")
        assert (await party.execute(SEEN, {"id": regions_comment}))["node"] == unanswered
        exported = await party.http.get(f"/exports/consultation-reports/{doc['snapshot']}.md")
        assert "Imødekommes i næste udgave." in exported.text and "Tidsplan følger" not in exported.text


# A document's sections answer their counts and editors read once for all of them (server/api/drafting.py
# sections_of): each must be what the section answers on its own, for every kind of reader.

LISTED = """query($id: ID!) { document(id: $id) { sections { id openCommentCount updatedBy { id name } } } }"""
ALONE = """query($id: ID!) { node(id: $id) { ... on Section { id openCommentCount updatedBy { id name } } } }"""


async def test_a_documents_sections_count_what_each_section_counts_on_its_own_for_every_reader(
    as_user: AsUser, app: RunningApp
) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await _consultation(sec, app.clock.now())
    kl, regions = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER)
    first, second = doc["sections"][:2]
    await _add(kl, first, "KL foreslår et mål om deling.")
    await _add(kl, second, "KL savner data.")
    assert (await _submit(kl, doc["id"], 2))["__typename"] == "CommentsSubmitted"
    await _add(kl, first, "Et udkast, KL ikke har sendt.")
    await _add(regions, first, "Regionernes udkast.")
    await _add(regions, second, "Regionernes andet udkast.")

    counts = {}
    for email in (SECRETARIAT, REGIONS, KL, KL_COMMENTER, REGIONS_COMMENTER):
        reader = await as_user(email)
        listed = (await reader.execute(LISTED, {"id": doc["id"]}))["document"]["sections"]
        alone = [(await reader.execute(ALONE, {"id": s["id"]}))["node"] for s in listed]
        assert listed == alone, email
        counts[email] = [s["openCommentCount"] for s in listed]
        assert {s["updatedBy"]["name"] for s in listed} == {"Signe Sekretær"}, email
    # Each counts what it may read: what has been submitted, and its own organisation's drafts.
    assert counts == {
        SECRETARIAT: [1, 1],
        REGIONS: [2, 2],
        KL: [2, 1],
        KL_COMMENTER: [2, 1],
        REGIONS_COMMENTER: [2, 2],
    }


READER_PROPOSALS = """query($id: ID!) { node(id: $id) { ... on Document { sections { readerMarkers {
  count passages { count proposalCount } openProposals { id status proposedText appliedVersion } } } } } }"""


async def test_a_partys_proposal_stays_open_in_the_reader_until_the_answers_are_published(
    as_user: AsUser, app: RunningApp, store: Store
) -> None:
    from tests.api.test_comments import _added, _anchor

    sec = await as_user(SECRETARIAT)
    doc = await _consultation(sec, app.clock.now())
    kl, regions = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER)
    anchor = _anchor("Strategien samler indsatsen.", "samler indsatsen")
    proposal = await _added(kl, doc["sections"][0], "Et forslag.", anchor=anchor, proposedText="samler arbejdet")
    assert (await _submit(kl, doc["id"], 1))["__typename"] == "CommentsSubmitted"

    async def reader(api: Api) -> dict[str, Any]:
        return (await api.execute(READER_PROPOSALS, {"id": doc["id"]}))["node"]["sections"][0]["readerMarkers"]  # type: ignore[no-any-return]

    def shown(status: str, open_: bool) -> dict[str, Any]:
        opened = [{"id": proposal["id"], "status": status, "proposedText": "samler arbejdet", "appliedVersion": None}]
        return {
            "count": 1,
            "passages": [{"count": 1, "proposalCount": int(open_)}],
            "openProposals": opened if open_ else [],
        }

    assert await reader(kl) == shown("OPEN", True)
    rejected = await sec.execute(
        RESPOND, {"input": {"commentId": proposal["id"], "status": "REJECTED", "response": "Nej."}}
    )
    assert rejected["respondToComment"]["__typename"] == "CommentAnswered", rejected
    # The secretariat places the markers first (kept), then each party reads them as it may: the answer to KL is
    # not published, so KL and the other parties see the proposal as it was sent, the steering group as answered.
    for _ in range(2):
        assert await reader(sec) == shown("REJECTED", False)
        assert await reader(await as_user(REGIONS)) == shown("REJECTED", False)
        for party in (kl, regions):
            assert await reader(party) == shown("OPEN", True)

    # Kept as before a dispositioned proposal's marker kept its text (the proposals placed without it, by
    # organisation alone): made again, the party sees it as it was sent.
    await _keep_as_before(store, ids.parse(doc["sections"][0], "Section"))
    assert await reader(kl) == shown("OPEN", True)
    assert await reader(sec) == shown("REJECTED", False)
    [kl_org] = await org_ids(sec, "kl")
    published = await sec.execute(
        PUBLISH, {"input": {"consultationId": doc["consultation"], "organizationIds": [kl_org]}}
    )
    assert published["publishAnswers"]["__typename"] == "AnswersPublished", published
    for api in (kl, regions, sec):
        assert await reader(api) == shown("REJECTED", False)


async def _keep_as_before(store: Store, section: ObjectId) -> None:
    """The section's markers, counts' stamp and placements as the app kept them before markers kept a
    dispositioned proposal's text: the text dropped, groups by organisation and draft state alone."""
    kept = await store.db["comment_markers"].find_one({"_id": section})
    assert kept is not None
    markers = [{**m, "proposed_text": None} for m in bson.decode(kept["packed"])["markers"]]
    packed = bson.encode({"markers": markers})
    stamp = Binary(hashlib.blake2b(packed, digest_size=16).digest())
    await store.db["comment_markers"].update_one({"_id": section}, {"$set": {"packed": Binary(packed)}})
    await store.db["comment_counts"].update_one({"_id": section}, {"$set": {"markers": stamp}})
    old_group = struct.Struct(">12s?II12s")  # organisation, submitted, count, open proposals, first
    [m] = markers
    group = Binary(old_group.pack(m["organization_id"].binary, m["submitted"], 1, 0, m["id"].binary))
    placements = await store.db["comment_placements"].find_one({"_id": section})
    assert placements is not None
    views = []
    for view in placements["views"]:
        placed = bson.decode(view["packed"])
        assert placed["form"] == 2
        old = {"section": group, "passages": [[*placed["passages"][0][:2], group]], "outdated": []}
        views.append({**view, "stamp": stamp, "packed": Binary(bson.encode(old))})
    await store.db["comment_placements"].replace_one({"_id": section}, {"views": views})
    proposals = [{**v, "stamp": stamp, "packed": Binary(bson.encode({"proposals": []}))} for v in views]
    await store.db["comment_placed_proposals"].replace_one({"_id": section}, {"views": proposals})
