"""Editors at work: editing with a live preview, merged saves, a conflict and its resolution, history."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import expect

from tests.api.drafting_support import new_document, save
from tests.browser.ui import Ui
from tests.support import KL, REGIONS, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

FIRST = "Borgerne skal have let adgang til egne sundhedsdata."
SECOND = "Data skal kunne deles sikkert mellem sektorerne."
BODY = f"{FIRST}\n\n{SECOND}\n"


async def test_an_editor_edits_with_a_preview_and_saves_with_a_summary(new_ui: NewUi, as_user: AsUser) -> None:
    document = await new_document(await as_user(SECRETARIAT), [("Borgeren", BODY)])
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    await page.get_by_role("link", name=re.compile(r"^Redigér\W+Borgeren")).click()
    await ui.settled()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Redigér »Borgeren«")

    # The Markdown source with its live preview, behind »Vis kildetekst«.
    await page.get_by_role("button", name="Vis kildetekst").click()
    body = page.get_by_label("Kildetekst")
    await body.fill(f"{FIRST}\n\nData skal kunne deles **sikkert** mellem alle sektorer.\n\n- første punkt\n")
    preview = page.get_by_role("region", name="Forhåndsvisning")
    await expect(preview.locator("strong")).to_have_text("sikkert")
    await expect(preview.locator("li")).to_have_text("første punkt")
    # Raw HTML stays text in the preview, as on the server.
    await body.press("End")
    await body.type("\n<img src=x onerror=alert(1)>")
    await expect(preview).to_contain_text("<img src=x onerror=alert(1)>")
    await expect(preview.locator("img")).to_have_count(0)
    await body.fill(f"{FIRST}\n\nData skal kunne deles **sikkert** mellem alle sektorer.\n\n- første punkt\n")
    await page.get_by_label("Hvad har du ændret?").fill("Præciseret datadeling")
    await ui.check("section-editor")
    await page.get_by_role("button", name="Gem ny version").click()
    await expect(page.get_by_role("status")).to_contain_text("Gemt som version 2")

    # The history shows the change with the summary, as a diff, and can restore version 1.
    await page.get_by_role("link", name="Historik").last.click()
    await ui.settled()
    await expect(page.get_by_role("heading", name="Ændringer fra version 1 til 2")).to_be_visible()
    await expect(page.locator(".diff ins").first).to_be_visible()
    await expect(page.get_by_role("cell", name="Præciseret datadeling")).to_be_visible()
    await ui.check("section-history")
    await page.get_by_role("button", name=re.compile(r"^Gendan \W*Version 1\W")).click()
    await expect(page.get_by_role("status")).to_contain_text("Version 1 er gendannet som ny version 3")
    await ui.open(f"/documents/{document['slug']}")
    await expect(page.locator(".section__meta").first).to_contain_text("Version 3")


async def test_a_colleagues_change_is_merged_and_a_clash_is_resolved(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Data", BODY)])
    section_id = document["sections"][0]
    ui = await new_ui(REGIONS)
    page = ui.page
    editor = f"/documents/{document['slug']}/sections/{section_id}/edit"
    await ui.open(editor)
    await page.get_by_role("button", name="Vis kildetekst").click()
    body = page.get_by_label("Kildetekst")

    # A colleague changes the other paragraph meanwhile: the save merges and says so.
    colleague = await as_user(KL)
    saved = await save(colleague, section_id, 1, f"{FIRST}\n\nData skal deles sikkert på tværs af sektorer.\n", "Data")
    assert saved["__typename"] == "SectionSaved"
    await body.fill(f"Borgerne skal have nem adgang til egne sundhedsdata.\n\n{SECOND}\n")
    await page.get_by_role("button", name="Gem ny version").click()
    status = page.get_by_role("status")
    await expect(status).to_contain_text("flettet med en kollegas ændring")
    # The notice names the paragraph that came from the colleague, so the editor can check it.
    await expect(status).to_contain_text("Din kollegas ændringer står i:")
    await expect(status.get_by_role("listitem")).to_have_text(["»Data skal deles sikkert på tværs af sektorer.«"])
    merged = "Borgerne skal have nem adgang til egne sundhedsdata.\n\nData skal deles sikkert på tværs af sektorer."
    assert (await body.input_value()).strip() == merged
    await ui.check("section-editor-merged")

    # Now a colleague, in another browser, rewrites the sentence that this editor is changing.
    other = await new_ui(KL)
    await other.open(editor)
    await other.page.get_by_role("button", name="Vis kildetekst").click()
    await other.page.get_by_label("Kildetekst").fill(
        "Borgerne skal have fuld adgang til egne data.\n\nData skal deles sikkert på tværs af sektorer.\n"
    )
    await other.page.get_by_role("button", name="Gem ny version").click()
    await expect(other.page.get_by_role("status")).to_contain_text("Gemt som version 4")
    # The first editor is told at once, over the live event feed.
    await expect(page.locator(".live-note")).to_contain_text("Karen Kommune har netop gemt version 4")
    await body.fill(
        "Borgerne skal have digital adgang til egne sundhedsdata.\n\nData skal deles sikkert på tværs af sektorer.\n"
    )
    await page.get_by_role("button", name="Gem ny version").click()
    alert = page.get_by_role("alert").filter(has_text="kolliderer")
    await expect(alert).to_be_visible()
    await expect(page.get_by_role("heading", name="Udgangspunkt (version 3)")).to_be_visible()
    # It names the colleague, their organisation and when they saved (Copenhagen time, Danish).
    await expect(alert).to_contain_text(
        re.compile(r"men Karen Kommune \(KL\) gemte version 4 den \d{1,2}\. \w+ \d{4} kl\. \d{2}\.\d{2} med ændringer")
    )
    theirs = page.get_by_role("region", name="Tekst gemt af Karen Kommune (KL), version 4")
    await expect(theirs.locator("ins").first).to_contain_text("fuld")
    yours = page.get_by_role("region", name="Din tekst")
    await expect(yours.locator("ins").first).to_contain_text("digital")
    await ui.check("section-conflict")

    resolved = page.get_by_label("Samlet tekst")
    await resolved.fill(
        "Borgerne skal have fuld digital adgang til egne data.\n\nData skal deles sikkert på tværs af sektorer.\n"
    )
    await page.get_by_role("button", name="Gem samlet tekst").click()
    await expect(page.get_by_role("status")).to_contain_text("Gemt som version 5")
    resolved_text = (
        "Borgerne skal have fuld digital adgang til egne data.\n\nData skal deles sikkert på tværs af sektorer."
    )
    assert (await body.input_value()).strip() == resolved_text
