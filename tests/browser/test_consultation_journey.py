"""Consultations (høringer) in the browser: what a party reads when commenting is closed, its drafts by section."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import expect

from tests.api.drafting_support import new_document
from tests.browser.ui import Ui
from tests.support import PLO_COMMENTER, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id submitted } } ... on UserError { message } } }"""
PHASE = """mutation($input: SetDocumentPhaseInput!) { setDocumentPhase(input: $input) {
  __typename ... on UserError { message } } }"""


async def test_an_archived_document_says_commenting_is_closed_and_keeps_the_drafts_by_section(
    new_ui: NewUi, as_user: AsUser
) -> None:
    """Issue 18: no comment buttons that silently vanish, no »Indsend« that can only fail, and each
    draft under the title of the section it is on."""
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat,
        [("Formål", "Strategien samler indsatsen.\n"), ("Almen praksis", "Den digitale almen praksis.\n")],
        ("kl", "danske-regioner", "plo"),
    )
    plo = await as_user(PLO_COMMENTER)
    for section, body in zip(
        document["sections"], ("Formålet bør nævne patienterne.", "PLO ønsker en tidsplan."), strict=True
    ):
        added = await plo.execute(ADD, {"input": {"sectionId": section, "version": 1, "body": body}})
        assert added["addComment"]["__typename"] == "CommentAdded", added
    archived = await secretariat.execute(PHASE, {"input": {"documentId": document["id"], "phase": "ARCHIVED"}})
    assert archived["setDocumentPhase"]["__typename"] == "DocumentPhaseChanged", archived

    ui = await new_ui(PLO_COMMENTER)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    closed = page.get_by_role("note", name="Kommentering er lukket")
    await expect(closed).to_contain_text("Dokumentet er arkiveret")
    await expect(page.get_by_role("button", name=re.compile("^Kommentér"))).to_have_count(0)
    await ui.check("reader-commenting-closed")

    await ui.open(f"/documents/{document['slug']}/comments")
    drafts = page.get_by_role("region", name=re.compile("Jeres kladder"))
    await expect(drafts.get_by_role("heading", level=3)).to_have_text(["Afsnit: Formål", "Afsnit: Almen praksis"])
    await expect(drafts.get_by_role("region", name="Afsnit: Almen praksis")).to_contain_text("PLO ønsker en tidsplan.")
    await expect(drafts.get_by_role("button", name=re.compile("Indsend"))).to_have_count(0)
    await expect(drafts).to_contain_text("Kladderne kan ikke indsendes, fordi kommentering er lukket.")
    await ui.check("comments-drafts-closed")
