"""A long document in the reader: the first sections come with the page, the next as the reader scrolls near
the end, and a table-of-contents link or a link to a section further down reads up to it and lands on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import expect

from tests.api.drafting_support import new_document
from tests.browser.ui import Ui
from tests.support import KL, KL_COMMENTER, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

SECTIONS = 25  # the reader reads 10 at a time
PARAGRAPH = "Kommunerne og regionerne samarbejder om digital velfærd, og borgeren giver samtykke til deling af data."


def _body(n: int) -> str:
    return "\n\n".join(f"{PARAGRAPH} Afsnit {n}, stykke {p}." for p in range(6)) + "\n"


async def _long_document(as_user: AsUser) -> dict[str, object]:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [(f"Afsnit {n}", _body(n)) for n in range(1, SECTIONS + 1)])
    # A comment on a passage of a section of the second page: its marker comes with that page.
    kl = await as_user(KL)
    added = await kl.execute(
        """mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }""",
        {
            "input": {
                "sectionId": document["sections"][17],
                "version": 1,
                "body": "Hvem giver samtykket?",
                "anchor": {
                    "exact": "giver samtykke",
                    "prefix": "borgeren ",
                    "suffix": " til deling af data. Afsnit 18, stykke 0.",
                },
            }
        },
    )
    assert added["addComment"]["__typename"] == "CommentAdded", added
    return document


async def test_scrolling_near_the_end_reads_the_next_sections(new_ui: NewUi, as_user: AsUser) -> None:
    document = await _long_document(as_user)
    ui = await new_ui(KL_COMMENTER)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    shown = page.locator("section[data-section-id]")
    toc = page.get_by_role("navigation", name="Indhold")
    await expect(toc.get_by_role("link")).to_have_count(SECTIONS)  # the outline is whole from the start
    await expect(shown).to_have_count(10)
    await expect(page.get_by_role("button", name="Vis 15 afsnit mere")).to_be_visible()
    await ui.check("reader-first-page", screenshot=False)

    await page.keyboard.press("End")
    await expect(shown).to_have_count(20)
    await expect(page.get_by_role("heading", name="Afsnit 20")).to_be_attached()
    # The marker of a comment in a section of the second page is there too.
    late = page.locator("section[data-section-id]", has=page.get_by_role("heading", name="Afsnit 18", exact=True))
    await expect(late.get_by_role("button", name="1 kommentar", exact=True)).to_be_visible()

    await page.keyboard.press("End")
    await expect(shown).to_have_count(SECTIONS)
    await expect(page.get_by_role("button", name="afsnit mere")).to_have_count(0)
    headings = await page.locator("section[data-section-id] h2").all_text_contents()
    assert headings == [f"Afsnit {n}" for n in range(1, SECTIONS + 1)]  # in order, none twice


async def test_a_contents_link_or_a_link_to_a_late_section_reads_up_to_it_and_lands_on_it(
    new_ui: NewUi, as_user: AsUser
) -> None:
    document = await _long_document(as_user)
    ui = await new_ui(KL_COMMENTER)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    await expect(page.locator("section[data-section-id]")).to_have_count(10)
    await page.get_by_role("navigation", name="Indhold").get_by_role("link", name="Afsnit 23", exact=True).click()
    await expect(page.get_by_role("heading", name="Afsnit 23", exact=True)).to_be_in_viewport()
    assert page.url.endswith("#section-afsnit-23")

    # A link from elsewhere (an e-mail, a bookmark) to a section far down.
    other = await new_ui(KL_COMMENTER)
    await other.open(f"/documents/{document['slug']}#section-afsnit-18")
    heading = other.page.get_by_role("heading", name="Afsnit 18", exact=True)
    await expect(heading).to_be_in_viewport()
    await expect(other.page.get_by_role("button", name="1 kommentar", exact=True)).to_be_visible()
