"""A party's response: the submit preview, the confirmation, and comments locked once sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.api.drafting_support import new_document
from tests.support import KL, KL_COMMENTER, REGIONS, REGIONS_COMMENTER, SECRETARIAT, Api

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
