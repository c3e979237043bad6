"""Consultation: commenting on passages (mouse and keyboard), an organisation's response, the editors' answers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import expect

from tests.api.drafting_support import new_document
from tests.browser.ui import Ui
from tests.support import KL, KL_COMMENTER, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

CONSENT = "Data skal deles på tværs af sektorer, når borgeren giver samtykke."
TELEMEDICINE = "Telemedicin skal udbredes til flere patienter i hele landet."
BODY = f"Kommunerne og regionerne samarbejder om **digital** velfærd.\n\n{CONSENT}\n\n{TELEMEDICINE}\n"

SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id number } } ... on UserError { message } } }"""


async def test_an_organisation_comments_and_submits_and_the_editors_answer(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Samarbejde", BODY)])
    snapshot = await secretariat.execute(SNAPSHOT, {"input": {"documentId": document["id"], "label": "Høringsudkast"}})
    assert snapshot["createSnapshot"]["__typename"] == "SnapshotCreated"
    path = f"/documents/{document['slug']}"

    # A commenter selects a passage with the mouse and comments on it.
    ui = await new_ui(KL_COMMENTER)
    page = ui.page
    await ui.open(path)
    paragraph = page.locator(".block__content p", has_text="samtykke")
    await paragraph.click(click_count=3)
    bar = page.get_by_role("region", name="Markeret tekst")
    await expect(bar).to_contain_text(CONSENT)
    await ui.check("reader-selection")
    await bar.get_by_role("button", name="Kommentér markeringen").click()
    composer = page.locator("form.composer")
    await expect(composer.locator("blockquote")).to_have_text(CONSENT)
    await composer.get_by_label("Kommentar").fill("Samtykke bør ikke være den eneste hjemmel.")
    await ui.check("comment-composer")
    await composer.get_by_role("button", name="Gem kommentar").click()
    await expect(page.get_by_role("status")).to_contain_text("gemt som kladde")

    # A partial selection inside a sentence with inline markup anchors to exactly that text.
    strong = page.locator(".block__content p strong")
    await strong.dblclick()
    await expect(bar).to_contain_text("digital")
    await bar.get_by_role("button", name="Foreslå ændring").click()
    await expect(composer.locator("blockquote")).to_have_text("digital")
    await composer.get_by_label("Foreslået tekst").fill("digitalt understøttet")
    await composer.get_by_label("Begrundelse").fill("Mere præcist.")
    await composer.get_by_role("button", name="Gem kommentar").click()
    await expect(page.get_by_role("status")).to_contain_text("gemt som kladde")

    # Without a mouse: the paragraph's own button, the form filled and sent from the keyboard.
    button = page.get_by_role("button", name=re.compile(r"^Kommentér\W+tekststykket, der begynder: Telemedicin"))
    await button.focus()
    await page.keyboard.press("Enter")
    await expect(composer.locator("blockquote")).to_have_text(TELEMEDICINE)
    await expect(composer.get_by_role("heading", name="Ny kommentar")).to_be_focused()
    await page.keyboard.press("Tab")  # to the kind radios
    await page.keyboard.press("ArrowRight")  # change proposal
    await expect(composer.get_by_label("Ændringsforslag")).to_be_checked()
    await page.keyboard.press("Tab")
    await expect(composer.get_by_label("Foreslået tekst")).to_be_focused()
    await page.keyboard.press("ControlOrMeta+a")
    await page.keyboard.type("Telemedicin skal tilbydes alle patienter, der kan have gavn af det.")
    await page.keyboard.press("Tab")
    await page.keyboard.type("Vi foreslår en mere forpligtende formulering.")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text("gemt som kladde")

    # The drafts are the organisation's until it submits its response.
    await page.get_by_role("link", name="Kommentarer").click()
    await ui.settled()
    drafts = page.get_by_role("region", name=re.compile("Jeres kladder"))
    await expect(drafts.locator("article")).to_have_count(3)
    await ui.check("comments-drafts")
    await drafts.get_by_role("button", name="Gennemse og indsend jeres høringssvar (3 kommentarer)").click()
    dialog = page.get_by_role("dialog", name="Det sender I")
    await dialog.get_by_label(re.compile("Vi har gennemset kommentarerne")).check()
    await dialog.get_by_role("button", name="Indsend 3 kommentarer").click()
    await expect(page.get_by_role("status").filter(has_text="indsendt")).to_contain_text("3 kommentarer")

    # An editor sees markers beside the passages, filters the panel and answers.
    editor = await new_ui(KL)
    await editor.open(path)
    epage = editor.page
    await expect(epage.locator(".marker")).to_have_count(3)
    await epage.locator(".marker").nth(1).click()
    await expect(epage.locator(".section__comments")).to_have_attribute("open", "")
    # The threads are fetched when opened; the followed marker's comment then has the focus.
    await expect(epage.locator(".section__comments .comment__title:focus")).to_have_count(1)
    await editor.check("reader-comments")

    await editor.open(f"{path}/comments")
    await epage.get_by_label("Organisation").select_option(label="KL")
    await epage.get_by_label("Status").select_option(label="Åben")
    await expect(epage.get_by_role("status").filter(has_text="vises")).to_have_text("3 kommentarer vises.")
    remark = epage.locator("article", has_text="eneste hjemmel")
    await remark.get_by_role("button", name="Giv svar").click()
    await remark.get_by_label("Behandling").select_option(label="Delvist imødekommet")
    await remark.get_by_label("Svar til organisationen").fill("Vi nævner også anden hjemmel.")
    await editor.check("comments-respond")
    await remark.get_by_role("button", name="Gem svar").click()
    await expect(epage.get_by_role("status").filter(has_text="Svaret er gemt")).to_be_visible()

    proposal = epage.locator("article", has_text="mere forpligtende")
    await proposal.get_by_role("button", name="Indarbejd forslaget").click()
    await expect(epage.get_by_role("status").filter(has_text="indarbejdet")).to_contain_text("version 2")
    await epage.get_by_label("Status").select_option(label="Alle")
    await expect(epage.locator("article", has_text="eneste hjemmel")).to_contain_text("Delvist imødekommet")
    await editor.check("comments-panel")

    # The consultation report of the snapshot has them all, with export links that work.
    await editor.open(f"{path}/report")
    await expect(epage.get_by_role("rowheader", name="KL", exact=True)).to_be_visible()
    await expect(epage.get_by_text("3 kommentarer i alt.")).to_be_visible()
    await expect(epage.get_by_text("Vi nævner også anden hjemmel.")).to_be_visible()
    await editor.check("consultation-report")
    for name in ("Webside til udskrift", "Word (.docx)", "Ren tekst (.md)"):
        href = await epage.get_by_role("link", name=name).get_attribute("href")
        assert href
        response = await epage.request.get(editor.url + href)
        assert response.status == 200, (name, response.status)


TRICKY = """Et afsnit med *kursiv*, **fed**, `kode` og et [link](https://example.org) –
over to linjer & med "citat" <og> vinkler.

## En mellemrubrik

- første punkt
- andet punkt med **fed**

1. nummereret
2. igen

> Et citat
> over to linjer.

| Dato | Aktivitet |
| --- | --- |
| 7. september | Seminar |

```
kode blok
  indrykket
```

Sidste afsnit.
"""


async def test_every_block_of_rich_markdown_anchors_where_the_server_expects(new_ui: NewUi, as_user: AsUser) -> None:
    """The reader's visible-text index agrees with the server's, so every block's button anchors."""
    document = await new_document(await as_user(SECRETARIAT), [("Blandet", TRICKY)])
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    buttons = page.locator("button.block-comment")
    count = await buttons.count()
    assert count == 8  # p, h2, ul, ol, blockquote, table, pre, p
    composer = page.locator("form.composer")
    for index in range(count):
        await buttons.nth(index).click()
        await composer.get_by_label("Kommentar").fill(f"Bemærkning {index}")
        await composer.get_by_role("button", name="Gem kommentar").click()
        await expect(page.get_by_role("status")).to_contain_text("Kommentaren er sendt")
    await expect(page.locator(".marker")).to_have_count(count)


ADD_COMMENT = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id anchorStatus } } ... on UserError { message } } }"""


async def test_a_comment_whose_passage_is_gone_shows_it_beside_the_section(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Samarbejde", BODY)])
    section_id = document["sections"][0]
    editor = await as_user(KL)  # the steering group publishes its comments directly
    anchor = {"exact": "udbredes til flere patienter", "prefix": "Telemedicin skal ", "suffix": " i hele landet."}
    added = await editor.execute(
        ADD_COMMENT, {"input": {"sectionId": section_id, "version": 1, "body": "Hvor mange?", "anchor": anchor}}
    )
    assert added["addComment"]["comment"]["anchorStatus"] == "ANCHORED"
    unchanged = {"exact": "samarbejder", "prefix": "Kommunerne og regionerne ", "suffix": " om digital velfærd."}
    await editor.execute(
        ADD_COMMENT, {"input": {"sectionId": section_id, "version": 1, "body": "Fint.", "anchor": unchanged}}
    )
    saved = await secretariat.execute(
        """mutation($input: SaveSectionInput!) { saveSection(input: $input) { __typename } }""",
        {
            "input": {
                "sectionId": section_id,
                "baseVersion": 1,
                "title": "Samarbejde",
                "body": BODY.replace(TELEMEDICINE, ""),
            }
        },
    )
    assert saved["saveSection"]["__typename"] == "SectionSaved"

    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    gone = page.get_by_role("complementary", name="Kommentarer til tekst, der ikke længere findes i afsnittet")
    await expect(gone.locator("blockquote")).to_have_text(["udbredes til flere patienter"])
    await ui.check("reader-outdated-passage")
    await gone.get_by_role("button", name="Vis kommentaren").click()
    thread = page.locator(".section__comments")
    await expect(thread).to_contain_text("Hvor mange?")
    await expect(thread).to_contain_text("(teksten findes ikke længere i afsnittet)")
    # The comment on the unchanged passage is neither listed as gone nor flagged as moved.
    await expect(thread).to_contain_text("Fint.")
    await expect(thread).not_to_contain_text("flyttet eller ændret")
