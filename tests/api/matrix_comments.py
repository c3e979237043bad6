"""Permission matrix cases for comments: write, edit, delete, submit, respond, apply, settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.matrix import SECRETARIAT_ONLY, Case, World, op

# Who may comment: every commenting role of a participating organisation (a reader may not).
COMMENTING = "anon:N secretariat:O kl_editor:O kl_commenter:O kl_reader:F digst_editor:M digst_commenter:M"
# Who may answer comments and apply proposals: the steering group of participating organisations.
STEERING = "anon:N secretariat:O kl_editor:O kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"
# Only the author may change a comment; others who see it are refused.
AUTHOR_ONLY = "anon:N secretariat:F kl_editor:F kl_commenter:O kl_reader:F digst_editor:M digst_commenter:M"
# Who may send an organisation's drafts as its response: its commenters and approvers.
RESPONDING = "anon:N secretariat:F kl_editor:O kl_commenter:O kl_reader:F digst_editor:M digst_commenter:M"
# A comment sent in its organisation's response is locked, for its author too.
SENT = "anon:N secretariat:F kl_editor:F kl_commenter:I kl_reader:F digst_editor:M digst_commenter:M"

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id } } ... on UserError { message } } }"""
SUBMIT = """mutation($documentId: ID!, $expectedCount: Int!) { submitOrganisationComments(documentId: $documentId, expectedCount: $expectedCount) { __typename } }"""


async def _add_as(world: World, actor: str, section: str, **extra: Any) -> str:
    client = await world.client(actor)
    try:
        data = await client.execute(
            ADD, {"input": {"sectionId": section, "version": 1, "body": "Bemærkning.", **extra}}
        )
    finally:
        await client.close()
    result = data["addComment"]
    assert result["__typename"] == "CommentAdded", result
    return str(result["comment"]["id"])


async def _kl_commenter_comment(world: World, *, sent: bool = True) -> tuple[dict[str, str], str]:
    """A submitted comment by KL's commenter, visible to every participant: sent in KL's response
    (locked), or written on a document that takes comments directly (its author may still change it)."""
    doc = await world.new_document()
    if not sent:
        await world.secretariat.execute(
            """mutation($input: UpdateDocumentSettingsInput!) { updateDocumentSettings(input: $input) { __typename } }""",
            {"input": {"documentId": doc["document"], "directSubmission": True}},
        )
    comment = await _add_as(world, "kl_commenter", doc["section"])
    if sent:
        client = await world.client("kl_commenter")
        try:
            data = await client.execute(SUBMIT, {"documentId": doc["document"], "expectedCount": 1})
        finally:
            await client.close()
        assert data["submitOrganisationComments"]["__typename"] == "CommentsSubmitted", data
    return doc, comment


async def _add(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    anchor = {"exact": "Andet afsnit", "prefix": "Første afsnit.\n", "suffix": "."}
    return {"input": {"sectionId": doc["section"], "version": 1, "body": "Uddyb venligst.", "anchor": anchor}}


async def _own_comment(world: World, actor: str) -> dict[str, Any]:
    """The actor's own comment where the actor may write one; otherwise KL's commenter's."""
    if actor in ("secretariat", "kl_editor", "kl_commenter"):
        doc = await world.new_document()
        return {"input": {"commentId": await _add_as(world, actor, doc["section"])}}
    _, comment = await _kl_commenter_comment(world, sent=False)
    return {"input": {"commentId": comment}}


async def _edit_own(world: World, actor: str) -> dict[str, Any]:
    variables = await _own_comment(world, actor)
    return {"input": {**variables["input"], "body": "Præciseret bemærkning."}}


async def _edit_other(world: World, actor: str) -> dict[str, Any]:
    _, comment = await _kl_commenter_comment(world, sent=False)
    return {"input": {"commentId": comment, "body": "Præciseret bemærkning."}}


async def _delete_other(world: World, actor: str) -> dict[str, Any]:
    _, comment = await _kl_commenter_comment(world, sent=False)
    return {"input": {"commentId": comment}}


async def _edit_sent(world: World, actor: str) -> dict[str, Any]:
    _, comment = await _kl_commenter_comment(world)
    return {"input": {"commentId": comment, "body": "Rettet efter indsendelse."}}


async def _delete_sent(world: World, actor: str) -> dict[str, Any]:
    _, comment = await _kl_commenter_comment(world)
    return {"input": {"commentId": comment}}


async def _submit(world: World, actor: str) -> dict[str, Any]:
    """KL's commenter has one draft: what KL's commenters and approvers may send."""
    doc = await world.new_document()
    await _add_as(world, "kl_commenter", doc["section"])
    return {"documentId": doc["document"], "expectedCount": 1}


async def _respond(world: World, actor: str) -> dict[str, Any]:
    _, comment = await _kl_commenter_comment(world)
    return {"input": {"commentId": comment, "status": "NOTED", "response": "Tages til efterretning."}}


async def _apply(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    anchor = {"exact": "Første afsnit", "prefix": "", "suffix": "."}
    proposal = await _add_as(world, "secretariat", doc["section"], anchor=anchor, proposedText="Indledende afsnit")
    return {"input": {"commentId": proposal}}


async def _settings(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"documentId": doc["document"], "directSubmission": True}}


async def _edit_answered_unpublished(world: World, actor: str) -> dict[str, Any]:
    """KL's commenter's comment in a consultation, on a document that takes comments directly,
    answered by the steering group and not yet published: KL cannot see the answer, so it locks
    nothing — its author may still change it, as any open comment."""
    doc = await world.new_document()
    sec = world.secretariat
    await sec.execute(
        """mutation($input: UpdateDocumentSettingsInput!) { updateDocumentSettings(input: $input) { __typename } }""",
        {"input": {"documentId": doc["document"], "directSubmission": True}},
    )
    snapshot = await sec.execute(
        """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
             ... on SnapshotCreated { snapshot { id createdAt } } } }""",
        {"input": {"documentId": doc["document"]}},
    )
    frozen = snapshot["createSnapshot"]["snapshot"]
    opened = await sec.execute(
        """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) { __typename } }""",
        {
            "input": {
                "snapshotId": frozen["id"],
                "deadline": (datetime.fromisoformat(frozen["createdAt"]) + timedelta(days=14)).isoformat(),
                "organizationIds": [await world.organization_id("kl")],
                "letter": "Hermed i høring.",
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    comment = await _add_as(world, "kl_commenter", doc["section"])
    answered = await sec.execute(
        op("respondToComment", "RespondToCommentInput"),
        {"input": {"commentId": comment, "status": "REJECTED", "response": "Udkast til svar."}},
    )
    assert answered["respondToComment"]["__typename"] == "CommentAnswered", answered
    return {"input": {"commentId": comment, "body": "Præciseret efter styregruppens (uset) svar."}}


CASES = [
    Case("addComment", op("addComment", "AddCommentInput"), _add, COMMENTING, success="CommentAdded"),
    Case("editComment", op("editComment", "EditCommentInput"), _edit_own, COMMENTING, success="CommentEdited"),
    Case(
        "editComment",
        op("editComment", "EditCommentInput"),
        _edit_other,
        AUTHOR_ONLY,
        success="CommentEdited",
        name="editComment (KL commenter's comment)",
    ),
    Case(
        "deleteComment", op("deleteComment", "DeleteCommentInput"), _own_comment, COMMENTING, success="CommentDeleted"
    ),
    Case(
        "deleteComment",
        op("deleteComment", "DeleteCommentInput"),
        _delete_other,
        AUTHOR_ONLY,
        success="CommentDeleted",
        name="deleteComment (KL commenter's comment)",
    ),
    Case(
        "editComment",
        op("editComment", "EditCommentInput"),
        _edit_answered_unpublished,
        AUTHOR_ONLY,
        success="CommentEdited",
        name="editComment (answered in a consultation, not yet published)",
    ),
    Case(
        "editComment",
        op("editComment", "EditCommentInput"),
        _edit_sent,
        SENT,
        success="CommentEdited",
        name="editComment (sent in KL's response)",
    ),
    Case(
        "deleteComment",
        op("deleteComment", "DeleteCommentInput"),
        _delete_sent,
        SENT,
        success="CommentDeleted",
        name="deleteComment (sent in KL's response)",
    ),
    Case("submitOrganisationComments", SUBMIT, _submit, RESPONDING, success="CommentsSubmitted"),
    Case(
        "respondToComment",
        op("respondToComment", "RespondToCommentInput"),
        _respond,
        STEERING,
        success="CommentAnswered",
    ),
    Case("applyProposal", op("applyProposal", "ApplyProposalInput"), _apply, STEERING, success="ProposalApplied"),
    Case(
        "updateDocumentSettings",
        op("updateDocumentSettings", "UpdateDocumentSettingsInput"),
        _settings,
        SECRETARIAT_ONLY,
        success="DocumentSettingsUpdated",
    ),
]
