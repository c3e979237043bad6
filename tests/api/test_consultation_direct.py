"""Consultations on documents with direct submission (no drafts: a comment goes in as it is written).

A party must not be able to infer the steering group's unpublished answers — not from what it may
do with its comment, nor from what it is told, nor from the section's history — and a party whose
comments went in without a recorded response has responded, in every place that says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from server.store import Store
from tests.api.drafting_support import new_document, org_ids
from tests.support import KL_COMMENTER, PLO_COMMENTER, SECRETARIAT, Api, ManualClock

AsUser = Callable[[str], Awaitable[Api]]

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id submitted } } ... on UserError { message code } } }"""
EDIT = """mutation($input: EditCommentInput!) { editComment(input: $input) {
  __typename ... on CommentEdited { comment { body } } ... on UserError { message code } } }"""
DELETE = """mutation($input: DeleteCommentInput!) { deleteComment(input: $input) {
  __typename ... on UserError { message code } } }"""
RESPOND = """mutation($input: RespondToCommentInput!) { respondToComment(input: $input) {
  __typename ... on UserError { message } } }"""
APPLY = """mutation($input: ApplyProposalInput!) { applyProposal(input: $input) {
  __typename ... on ProposalApplied { version { number summary } } ... on UserError { message } } }"""
PUBLISH = """mutation($input: PublishAnswersInput!) { publishAnswers(input: $input) {
  __typename ... on UserError { message } } }"""
CLOSE = """mutation($input: CloseConsultationInput!) { closeConsultation(input: $input) {
  __typename ... on UserError { message } } }"""
NO_REMARKS = """mutation($input: ConsultationPartyInput!) { respondNoRemarks(input: $input) {
  __typename ... on UserError { message code } } }"""
COMMENT = """query($id: ID!) { node(id: $id) { ... on Comment {
  body status response changedSinceAnswer viewerCan { edit } } } }"""
MARKERS = """query($id: ID) { document(id: $id) { sections { commentMarkers { id status viewerCan { edit } } } } }"""
VERSIONS = """query($id: ID!) { node(id: $id) { ... on Section { versions { number summary } } } }"""
PARTIES = """query($id: ID!) { consultation(id: $id) {
  parties { organization { slug } status respondedAt late noResponse }
  viewerCan { respondFor { slug } }
  report { responseCount parties { organization { slug } status noResponse } } } }"""
TASKS = """{ myTasks { kind document { id } } }"""


async def _consultation(sec: Api, clock: ManualClock, slugs: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """A document with direct submission, sent for consultation to ``slugs``."""
    doc = await new_document(
        sec, [("Data", "Data skal deles sikkert mellem sektorerne.")], ("kl", "danske-regioner", "plo")
    )
    await sec.execute(
        """mutation($input: UpdateDocumentSettingsInput!) { updateDocumentSettings(input: $input) { __typename } }""",
        {"input": {"documentId": doc["id"], "directSubmission": True}},
    )
    snapshot = await sec.execute(
        """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
             ... on SnapshotCreated { snapshot { id } } } }""",
        {"input": {"documentId": doc["id"], "label": "Høringsudkast"}},
    )
    opened = await sec.execute(
        """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
             __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }""",
        {
            "input": {
                "snapshotId": snapshot["createSnapshot"]["snapshot"]["id"],
                "deadline": (clock.now() + timedelta(days=14)).isoformat(),
                "organizationIds": await org_ids(sec, *slugs),
                "letter": "Hermed i høring.",
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    return doc, opened["openConsultation"]["consultation"]["id"]


async def _add(api: Api, section: str, body: str, **extra: Any) -> str:
    data = await api.execute(ADD, {"input": {"sectionId": section, "version": 1, "body": body, **extra}})
    assert data["addComment"]["__typename"] == "CommentAdded", data
    assert data["addComment"]["comment"]["submitted"] is True  # direct submission: no draft
    return data["addComment"]["comment"]["id"]  # type: ignore[no-any-return]


async def _comment(api: Api, comment: str) -> dict[str, Any]:
    return (await api.execute(COMMENT, {"id": comment}))["node"]  # type: ignore[no-any-return]


async def _marker(api: Api, document: str, comment: str) -> dict[str, Any]:
    sections = (await api.execute(MARKERS, {"id": document}))["document"]["sections"]
    return next(m for s in sections for m in s["commentMarkers"] if m["id"] == comment)


async def test_an_unpublished_answer_changes_nothing_a_party_may_do_or_is_told(
    as_user: AsUser, clock: ManualClock
) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    doc, consultation = await _consultation(sec, clock, ("kl",))
    section = doc["sections"][0]
    remark = await _add(kl, section, "Hvem har ansvaret for sikkerheden?")
    withdrawn = await _add(kl, section, "Denne trækker vi tilbage.")
    for comment in (remark, withdrawn):
        answer = {"commentId": comment, "status": "REJECTED", "response": "Styregruppens udkast til svar."}
        assert (await sec.execute(RESPOND, {"input": answer}))["respondToComment"]["__typename"] == "CommentAnswered"

    # KL sees its comment as it was: open, editable — in the thread and on the reader's marker.
    seen = await _comment(kl, remark)
    assert (seen["status"], seen["response"], seen["viewerCan"]["edit"]) == ("OPEN", "", True)
    assert seen["changedSinceAnswer"] is False
    marker = await _marker(kl, doc["id"], remark)
    assert (marker["status"], marker["viewerCan"]["edit"]) == ("OPEN", True)
    assert (await _marker(sec, doc["id"], remark))["status"] == "REJECTED"

    # …and may do what it may do with any open comment: change it, or withdraw it.
    edited = await kl.execute(EDIT, {"input": {"commentId": remark, "body": "Hvem har ansvaret for driften?"}})
    assert edited["editComment"]["__typename"] == "CommentEdited", edited
    assert (await kl.execute(DELETE, {"input": {"commentId": withdrawn}}))["deleteComment"]["__typename"] == (
        "CommentDeleted"
    )

    # The steering group still has its answer, and is told the comment changed after it answered.
    steering = await _comment(sec, remark)
    assert (steering["body"], steering["status"], steering["changedSinceAnswer"]) == (
        "Hvem har ansvaret for driften?",
        "REJECTED",
        True,
    )
    assert (await _comment(kl, remark))["changedSinceAnswer"] is False  # nothing of the answer for KL
    revised = {"commentId": remark, "status": "NOTED", "response": "Driften beskrives i afsnit 7."}
    assert (await sec.execute(RESPOND, {"input": revised}))["respondToComment"]["__typename"] == "CommentAnswered"
    assert (await _comment(sec, remark))["changedSinceAnswer"] is False  # answered again since

    # Once published, the answer is KL's to read, and it locks the comment — the same in both places.
    assert (await sec.execute(PUBLISH, {"input": {"consultationId": consultation}}))["publishAnswers"][
        "__typename"
    ] == "AnswersPublished"
    seen = await _comment(kl, remark)
    assert (seen["status"], seen["viewerCan"]["edit"]) == ("NOTED", False)
    assert (await _marker(kl, doc["id"], remark))["viewerCan"]["edit"] is False
    refused = (await kl.execute(EDIT, {"input": {"commentId": remark, "body": "Tredje ordlyd."}}))["editComment"]
    assert (refused["__typename"], refused["code"]) == ("InvalidInput", "COMMENT_NOT_OPEN")
    assert refused["message"] == "Kommentaren er besvaret og kan ikke længere ændres eller slettes."


async def test_the_version_taking_a_proposal_in_does_not_name_the_party_before_answers_are_published(
    as_user: AsUser, clock: ManualClock
) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    doc, consultation = await _consultation(sec, clock, ("kl",))
    section = doc["sections"][0]
    proposal = await _add(kl, section, "Skriv »trygt«.", proposedText="Data skal deles trygt mellem sektorerne.")
    applied = (await sec.execute(APPLY, {"input": {"commentId": proposal}}))["applyProposal"]
    assert applied["__typename"] == "ProposalApplied", applied
    assert applied["version"] == {"number": 2, "summary": "Ændringsforslag indarbejdet"}
    for reader in (kl, sec):
        versions = (await reader.execute(VERSIONS, {"id": section}))["node"]["versions"]
        assert [v["summary"] for v in versions if v["number"] == 2] == ["Ændringsforslag indarbejdet"]
        assert not any("KL" in v["summary"] for v in versions)
    assert (await _comment(kl, proposal))["status"] == "OPEN"

    # Outside a consultation's unpublished answers, the version names whose proposal it took in.
    await sec.execute(PUBLISH, {"input": {"consultationId": consultation}})
    later = await _add(kl, section, "Og »hurtigt«.", proposedText="Data skal deles trygt og hurtigt.")
    applied = (await sec.execute(APPLY, {"input": {"commentId": later}}))["applyProposal"]
    assert applied["__typename"] == "ProposalApplied", applied
    assert applied["version"]["summary"] == "Ændringsforslag fra KL indarbejdet"


async def test_a_party_whose_comments_went_in_without_a_response_has_responded(
    as_user: AsUser, clock: ManualClock, store: Store
) -> None:
    sec, kl, plo = await as_user(SECRETARIAT), await as_user(KL_COMMENTER), await as_user(PLO_COMMENTER)
    doc, consultation = await _consultation(sec, clock, ("kl", "danske-regioner", "plo"))
    await _add(kl, doc["sections"][0], "KL's bemærkning, indsendt med det samme.")
    [plo_org] = await org_ids(sec, "plo")
    answered = await plo.execute(NO_REMARKS, {"input": {"consultationId": consultation, "organizationId": plo_org}})
    assert answered["respondNoRemarks"]["__typename"] == "ConsultationAnswered", answered

    # KL has responded: no »ingen bemærkninger« after its remarks, no task, nothing owed.
    [kl_org] = await org_ids(sec, "kl")
    refused = await kl.execute(NO_REMARKS, {"input": {"consultationId": consultation, "organizationId": kl_org}})
    assert (refused["respondNoRemarks"]["__typename"], refused["respondNoRemarks"]["code"]) == (
        "InvalidInput",
        "CONSULTATION_ALREADY_ANSWERED",
    )
    read = (await kl.execute(PARTIES, {"id": consultation}))["consultation"]
    assert read["viewerCan"]["respondFor"] == []
    assert [t for t in (await kl.execute(TASKS))["myTasks"] if t["document"]["id"] == doc["id"]] == []

    assert (await sec.execute(CLOSE, {"input": {"consultationId": consultation}}))["closeConsultation"][
        "__typename"
    ] == "ConsultationClosed"
    read = (await sec.execute(PARTIES, {"id": consultation}))["consultation"]
    statuses = {p["organization"]["slug"]: (p["status"], p["noResponse"]) for p in read["parties"]}
    assert statuses == {
        "kl": ("RESPONDED", False),
        "danske-regioner": ("INVITED", True),
        "plo": ("NO_REMARKS", False),
    }
    assert next(p for p in read["parties"] if p["organization"]["slug"] == "kl")["respondedAt"] is not None
    report = read["report"]
    assert report["responseCount"] == 2
    assert {p["organization"]["slug"]: p["noResponse"] for p in report["parties"]} == {
        "kl": False,
        "danske-regioner": True,
        "plo": False,
    }
    markdown = await sec.http.get(f"/exports/consultations/{consultation}.md")
    assert markdown.status_code == 200
    kl_line = next(line for line in markdown.text.splitlines() if line.lstrip("-* ").startswith("KL"))
    assert "Intet svar" not in kl_line, kl_line
    assert "Intet svar" in next(line for line in markdown.text.splitlines() if "Danske Regioner" in line)


async def test_a_party_changes_nothing_once_the_consultation_has_closed(as_user: AsUser, clock: ManualClock) -> None:
    """The høringsfrist ends what a party may send, and so what it may change: after the close its comments
    stand as they went in — the same answer from viewerCan, the thread and the reader's marker."""
    sec, kl = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    doc, consultation = await _consultation(sec, clock, ("kl",))
    remark = await _add(kl, doc["sections"][0], "Hvem har ansvaret for sikkerheden?")
    assert (await _comment(kl, remark))["viewerCan"]["edit"] is True
    assert (await sec.execute(CLOSE, {"input": {"consultationId": consultation}}))["closeConsultation"][
        "__typename"
    ] == "ConsultationClosed"

    assert (await _comment(kl, remark))["viewerCan"]["edit"] is False
    assert (await _marker(kl, doc["id"], remark))["viewerCan"]["edit"] is False
    refused = (await kl.execute(EDIT, {"input": {"commentId": remark, "body": "En ny ordlyd."}}))["editComment"]
    assert refused["__typename"] == "Forbidden" and "høringen sluttede" in refused["message"], refused
    withdrawn = (await kl.execute(DELETE, {"input": {"commentId": remark}}))["deleteComment"]
    assert withdrawn["__typename"] == "Forbidden", withdrawn
    assert (await _comment(sec, remark))["body"] == "Hvem har ansvaret for sikkerheden?"
