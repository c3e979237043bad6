"""Change proposals in the text: shown as suggestions where they apply, accepted or rejected there."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import expect

from server.comments.anchoring import selector_for
from server.markdown import plain_text
from tests.api.drafting_support import new_document
from tests.browser.ui import Ui
from tests.support import KL, KL_COMMENTER, REGIONS_COMMENTER, SECRETARIAT, Api, drafts_to_send

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

INTRO = "Kommunerne og regionerne samarbejder om digital velfærd."
# A soft line break inside the passage: the suggestion reads it as a space, as the text does.
TELEMEDICINE = "Telemedicin skal udbredes\ntil flere patienter."
BODY = f"{INTRO}\n\n{TELEMEDICINE}\n"
ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id } } ... on UserError { message } } }"""
SUBMIT = """mutation($documentId: ID!, $expectedCount: Int!) { submitOrganisationComments(documentId: $documentId, expectedCount: $expectedCount) {
  __typename ... on UserError { message } } }"""
SECTION = """query($id: ID!) { node(id: $id) { ... on Section { version body
  comments { id status appliedVersion } } } }"""


async def propose(api: Api, document_id: str, section_id: str, passage: str, proposed: str, why: str) -> str:
    text = plain_text(BODY)
    start = text.index(passage)
    quote = selector_for(text, start, start + len(passage))
    anchor = {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix}
    added = await api.execute(
        ADD,
        {"input": {"sectionId": section_id, "version": 1, "body": why, "anchor": anchor, "proposedText": proposed}},
    )
    assert added["addComment"]["__typename"] == "CommentAdded", added
    submitted = await api.execute(
        SUBMIT, {"documentId": document_id, "expectedCount": await drafts_to_send(api, document_id)}
    )
    assert submitted["submitOrganisationComments"]["__typename"] == "CommentsSubmitted", submitted
    return str(added["addComment"]["comment"]["id"])


async def section(api: Api, section_id: str) -> dict[str, Any]:
    return (await api.execute(SECTION, {"id": section_id}))["node"]  # type: ignore[no-any-return]


async def test_an_editor_accepts_a_proposal_from_the_suggestion_in_the_text(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Telemedicin", BODY)])
    section_id = document["sections"][0]
    kl = await propose(
        await as_user(KL_COMMENTER),
        document["id"],
        section_id,
        "skal udbredes\ntil flere patienter",
        "bør tilbydes alle patienter",
        "Et tilbud, ikke et krav.",
    )
    regions = await propose(
        await as_user(REGIONS_COMMENTER),
        document["id"],
        section_id,
        "flere patienter",
        "flere patienter i hele landet",
        "Hele landet skal med.",
    )

    # A commenter sees the suggestions, without the editors' buttons.
    reader = await new_ui(REGIONS_COMMENTER)
    await reader.open(f"/documents/{document['slug']}")
    await expect(reader.page.locator(".suggestion")).to_have_count(2)
    await expect(reader.page.locator(".suggestion").get_by_role("button", name=re.compile("^Indarbejd"))).to_have_count(
        0
    )

    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    # Both proposals touch the same words: listed one under the other, under their paragraph.
    block = page.locator(".block", has_text="Telemedicin")
    suggestions = block.get_by_role("list", name="2 ændringsforslag til tekststykket")
    await expect(suggestions.get_by_role("listitem")).to_have_count(2)
    from_kl = suggestions.get_by_role("article", name="Forslag fra KL")
    await expect(from_kl).to_be_visible()
    assert " ".join(await from_kl.locator("del").all_text_contents()).split() == ["skal", "udbredes", "til", "flere"]
    assert " ".join(await from_kl.locator("ins").all_text_contents()).split() == ["bør", "tilbydes", "alle"]
    from_regions = suggestions.get_by_role("article", name="Forslag fra Danske Regioner")
    assert " ".join(await from_regions.locator("ins").all_text_contents()).split() == ["i", "hele", "landet"]
    await expect(from_regions.locator("del")).to_have_count(0)
    # In the text itself, the words the proposals would replace are struck through.
    struck = "() => [...CSS.highlights.get('udkast-proposal')].map((range) => range.toString())"
    assert sorted(await page.evaluate(struck)) == ["flere patienter", "skal udbredes\ntil flere patienter"]
    await ui.check("reader-suggestions")

    # The suggestion leads to its thread.
    await from_kl.get_by_role("button", name=re.compile("^Se tråden")).click()
    await expect(page.locator(f"#comment-{kl} .comment__title")).to_be_focused()
    await expect(page.locator(f"#comment-{kl}")).to_contain_text("Et tilbud, ikke et krav.")

    # Reject one, accept the other: the new version has the accepted words.
    await from_regions.get_by_role("button", name=re.compile("^Afvis")).click()
    await expect(page.get_by_role("status").filter(has_text="afvist")).to_contain_text(
        "Forslaget fra Danske Regioner er afvist."
    )
    await expect(block.locator(".suggestion")).to_have_count(1)
    await block.get_by_role("button", name=re.compile("^Indarbejd")).click()
    await expect(page.get_by_role("status").filter(has_text="indarbejdet")).to_contain_text("version 2")
    await expect(page.locator(".suggestion")).to_have_count(0)
    # The text and its suggestions are read apart (the suggestions after the text): both follow the change.
    await page.wait_for_function("() => CSS.highlights.get('udkast-proposal').size === 0")
    await expect(page.locator(".block", has_text="Telemedicin")).to_contain_text(
        "Telemedicin bør tilbydes alle patienter."
    )

    stored = await section(secretariat, section_id)
    assert stored["version"] == 2
    assert stored["body"] == f"{INTRO}\n\nTelemedicin bør tilbydes alle patienter.\n"
    statuses = {c["id"]: (c["status"], c["appliedVersion"]) for c in stored["comments"]}
    assert statuses[kl][1] == 2
    assert statuses[regions] == ("REJECTED", None)
