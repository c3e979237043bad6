"""The reader's comments panel shows a section's threads a page at a time (issue 17: lists page)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import expect

from tests.api.drafting_support import new_document
from tests.browser.test_comments import ADD_COMMENT, BODY
from tests.browser.ui import Ui
from tests.support import KL, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

CONSENT_ANCHOR = {"exact": "giver samtykke", "prefix": "når borgeren ", "suffix": "."}


async def _section_with_threads(as_user: AsUser, count: int, *, last_anchored: bool = False) -> dict[str, Any]:
    """A document whose one section has ``count`` threads by an editor (published at once), "Tråd 1." first;
    the last one on the consent passage when ``last_anchored``."""
    document = await new_document(await as_user(SECRETARIAT), [("Samarbejde", BODY)])
    editor = await as_user(KL)
    section = document["sections"][0]
    for i in range(1, count + 1):
        anchor = CONSENT_ANCHOR if last_anchored and i == count else None
        added = await editor.execute(
            ADD_COMMENT,
            {"input": {"sectionId": section, "version": 1, "body": f"Tråd {i}.", "anchor": anchor}},
        )
        assert added["addComment"]["__typename"] == "CommentAdded", added
    return {**document, "section": section}


async def test_the_panel_shows_twenty_threads_and_more_on_request_and_follows_new_ones(
    new_ui: NewUi, as_user: AsUser
) -> None:
    document = await _section_with_threads(as_user, 23)
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    await ui.following()
    panel = page.locator(".section__comments")
    await panel.locator("summary").click()
    threads = panel.locator(".thread-list > li > .thread")
    await expect(threads).to_have_count(20)
    more = panel.get_by_role("button", name="Vis flere kommentarer (3 tilbage)")
    await ui.check("reader-comments-page")
    await more.click()
    await expect(threads).to_have_count(23)
    await expect(panel.get_by_role("button", name="Vis flere kommentarer", exact=False)).to_have_count(0)
    bodies = await threads.locator(".comment__body").all_inner_texts()
    assert [b.strip() for b in bodies][:23] == [f"Tråd {i}." for i in range(1, 24)]

    # A thread written meanwhile by someone else comes on the last page shown, through the live feed.
    added = await (await as_user(SECRETARIAT)).execute(
        ADD_COMMENT, {"input": {"sectionId": document["section"], "version": 1, "body": "Skrevet imens."}}
    )
    assert added["addComment"]["__typename"] == "CommentAdded", added
    await expect(threads).to_have_count(24)
    await expect(threads.last).to_contain_text("Skrevet imens.")


async def test_a_marker_opens_its_thread_even_when_it_is_not_on_the_first_page(new_ui: NewUi, as_user: AsUser) -> None:
    document = await _section_with_threads(as_user, 22, last_anchored=True)
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    await expect(page.locator(".marker")).to_have_count(1)
    await page.locator(".marker").click()
    panel = page.locator(".section__comments")
    await expect(panel).to_have_attribute("open", "")
    focused = panel.locator(".comment__title:focus")
    await expect(focused).to_have_count(1)
    await expect(panel.locator(".thread", has=page.locator(".comment__title:focus"))).to_contain_text("Tråd 22.")
    threads = panel.locator(".thread-list > li > .thread")
    await expect(threads).to_have_count(21)  # the first page and the followed thread
    await ui.check("reader-comments-focused-beyond-first-page")
    await panel.get_by_role("button", name="Vis flere kommentarer (1 tilbage)").click()
    await expect(threads).to_have_count(22)  # Tråd 21. joins; Tråd 22. is not shown twice
    bodies = sorted(b.strip() for b in await threads.locator(".comment__body").all_inner_texts())
    assert bodies == sorted(f"Tråd {i}." for i in range(1, 23))
