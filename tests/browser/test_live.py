"""Live collaboration in the browser: a comment reaches another reader without a reload; presence."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Response, expect

from tests.api.drafting_support import new_document
from tests.browser.ui import Ui
from tests.support import KL, REGIONS, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

VISION = "Borgerne skal have let adgang til egne sundhedsdata."
DATA = "Data skal kunne deles sikkert mellem sektorerne."


def _heartbeat(response: Response) -> bool:
    return response.url.endswith("/graphql") and "ReportPresence" in (response.request.post_data or "")


async def test_a_comment_made_in_one_browser_appears_in_another_without_a_reload(
    new_ui: NewUi, as_user: AsUser
) -> None:
    document = await new_document(await as_user(SECRETARIAT), [("Vision", f"{VISION}\n"), ("Data", f"{DATA}\n")])
    path = f"/documents/{document['slug']}"

    # The secretariat has the document open and follows its events.
    watcher = await new_ui(SECRETARIAT)
    wpage = watcher.page
    await watcher.open(path)
    await watcher.following()
    data = wpage.get_by_role("region", name="Data")
    await expect(data.locator(".marker")).to_have_count(0)

    # A KL editor, in another browser, comments on a passage of »Data«.
    author = await new_ui(KL)
    apage = author.page
    await author.open(path)
    await apage.get_by_role("button", name=re.compile(r"^Kommentér\W+tekststykket, der begynder: Data skal")).click()
    composer = apage.locator("form.composer")
    await composer.get_by_label("Kommentar").fill("Hvem har ansvaret for sikkerheden?")
    await composer.get_by_role("button", name="Gem kommentar").click()
    await expect(apage.get_by_role("status")).to_contain_text("Kommentaren er sendt")
    await author.check("reader-comment-sent", screenshot=False)

    # It appears in the secretariat's reader by itself: marker, thread and a polite note.
    await expect(data.locator(".marker")).to_have_count(1, timeout=5_000)
    await expect(wpage.locator(".live-note")).to_contain_text("Karen Kommune har netop kommenteret")
    await data.locator(".marker").click()
    await expect(data.locator(".section__comments")).to_contain_text("Hvem har ansvaret for sikkerheden?")
    # The event also refreshed who is here: the KL editor is reading the document.
    await expect(wpage.locator(".presence-bar")).to_contain_text("Læser nu: KL (Karen Kommune)")
    await watcher.check("reader-live-comment")


async def test_who_is_reading_and_editing_is_shown_in_the_reader_and_the_editor(new_ui: NewUi, as_user: AsUser) -> None:
    document = await new_document(await as_user(SECRETARIAT), [("Vision", f"{VISION}\n"), ("Data", f"{DATA}\n")])
    path = f"/documents/{document['slug']}"
    editor_path = f"{path}/sections/{document['sections'][1]}/edit"

    # KL opens the editor of »Data«; its first heartbeat goes at once.
    kl = await new_ui(KL)
    kpage = kl.page
    async with kpage.expect_response(_heartbeat):
        await kl.open(editor_path)
    await kl.check("editor-alone", screenshot=False)

    # Danske Regioner's reader shows who edits which section.
    regions = await new_ui(REGIONS)
    rpage = regions.page
    async with rpage.expect_response(_heartbeat):
        await regions.open(path)
    data = rpage.get_by_role("region", name="Data")
    await expect(data.locator(".presence")).to_have_text("Redigerer nu: KL (Karen Kommune)")
    await expect(data.locator(".presence")).to_have_attribute("aria-live", "polite")
    await expect(rpage.get_by_role("region", name="Vision").locator(".presence")).to_have_text("")
    await regions.check("reader-presence")

    # The secretariat opens the same section's editor and is told KL is editing it too.
    secretariat = await new_ui(SECRETARIAT)
    spage = secretariat.page
    async with spage.expect_response(_heartbeat):
        await secretariat.open(editor_path)
    await expect(spage.locator(".presence--notice")).to_have_text("Redigerer også nu: KL (Karen Kommune)")
    await secretariat.check("editor-presence")

    # KL goes back to the reader: Danske Regioner reads, the secretariat edits »Data«.
    await kpage.get_by_role("link", name="Tilbage til dokumentet").click()
    await kl.settled()
    await expect(kpage.locator(".presence-bar")).to_contain_text("Læser nu: Danske Regioner (Rasmus Region)")
    await expect(kpage.get_by_role("region", name="Data").locator(".presence")).to_have_text(
        re.compile(r"^Redigerer nu: \w+ \(Signe Sekretær\)$")
    )
    await kl.check("reader-reading-and-editing")


async def test_an_open_editor_and_reader_see_a_colleague_arrive_and_leave_at_once(
    new_ui: NewUi, as_user: AsUser
) -> None:
    """Without a save and long before the next heartbeat (every 20 s): the server pushes who is here."""
    document = await new_document(await as_user(SECRETARIAT), [("Vision", f"{VISION}\n"), ("Data", f"{DATA}\n")])
    path = f"/documents/{document['slug']}"
    editor_path = f"{path}/sections/{document['sections'][1]}/edit"

    # The secretariat edits »Data«; Danske Regioner reads the document. Nobody else is there.
    secretariat = await new_ui(SECRETARIAT)
    spage = secretariat.page
    await secretariat.open(editor_path)
    await secretariat.following()
    regions = await new_ui(REGIONS)
    rpage = regions.page
    await regions.open(path)
    await regions.following()
    notice = spage.locator(".presence--notice")
    data = rpage.get_by_role("region", name="Data").locator(".presence")
    await expect(data).to_have_text(re.compile(r"^Redigerer nu: \w+ \(Signe Sekretær\)$"))
    await expect(notice).to_have_text("")

    # KL opens the same editor: both pages say so within seconds, with no save and no reload.
    kl = await new_ui(KL)
    await kl.open(editor_path)
    await expect(notice).to_have_text("Redigerer også nu: KL (Karen Kommune)", timeout=6_000)
    await expect(data).to_have_text(
        re.compile(
            r"^Redigerer nu: (KL \(Karen Kommune\), \w+ \(Signe Sekretær\)|\w+ \(Signe Sekretær\), KL \(Karen Kommune\))$"
        ),
        timeout=6_000,
    )
    await secretariat.check("editor-colleague-arrived")

    # KL closes the editor (back to the document): the editor's notice empties, the reader says KL reads.
    await kl.page.get_by_role("link", name="Tilbage til dokumentet").click()
    await expect(notice).to_have_text("", timeout=6_000)
    await expect(rpage.locator(".presence-bar")).to_contain_text("KL (Karen Kommune)", timeout=6_000)
    await expect(data).to_have_text(re.compile(r"^Redigerer nu: \w+ \(Signe Sekretær\)$"), timeout=6_000)

    # KL leaves the document for the list of documents: gone from the reader at once too.
    await kl.open("/documents")
    await expect(rpage.locator(".presence-bar")).not_to_contain_text("KL (Karen Kommune)", timeout=6_000)
    await regions.check("reader-colleague-left")
