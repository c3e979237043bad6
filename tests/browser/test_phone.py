"""Every table at phone width: stacked rows with a label per cell, and no page wider than the screen."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from tests.api.drafting_support import new_document, save
from tests.api.test_accounts import INVITE
from tests.browser.test_approval import no_sideways_scrolling, snapshot
from tests.browser.ui import Ui
from tests.support import KL, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

# For each cell shown: whether it is a row's heading (the card's title) or spans the row (a note, a
# »more« button), which need no label, its
# text, the label its ::before puts in front ("" when none) and where it ends on the screen.
CELLS = """() => [...document.querySelectorAll('table.table tbody tr')].flatMap((row) =>
  [...row.children].filter((cell) => getComputedStyle(cell).display !== 'none').map((cell) => {
    const before = getComputedStyle(cell, '::before').content;
    return {
      header: (cell.tagName === 'TH' && !cell.hasAttribute('data-label')) || cell.colSpan > 1,
      text: cell.textContent.trim(),
      label: before && before !== 'none' ? before.replace(/^"|"$/g, '') : '',
      right: cell.getBoundingClientRect().right,
    };
  }))"""


async def each_cell_labelled(page: Page, first_label: str) -> None:
    await expect(page.locator("table.table tbody tr").first).to_be_visible()
    cells = await page.evaluate(CELLS)
    assert cells, "no table rows"
    unlabelled = [cell["text"] for cell in cells if not cell["label"] and not cell["header"]]
    assert unlabelled == [], f"cells without a label: {unlabelled}"
    assert next(cell["label"] for cell in cells if cell["label"]) == f"{first_label}: "
    width = await page.evaluate("() => document.documentElement.clientWidth")
    assert max(cell["right"] for cell in cells) <= width
    await no_sideways_scrolling(page)


async def test_every_table_reads_as_labelled_stacked_rows_on_a_phone(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Vision", "Borgerne skal have let adgang til egne sundhedsdata.\n")])
    kl = await as_user(KL)
    assert (await save(kl, document["sections"][0], 1, "Borgerne skal have nem adgang.\n", "Vision"))["__typename"] == (
        "SectionSaved"
    )
    await snapshot(secretariat, document["id"], "Til telefonen")
    orgs = await secretariat.execute("{ organizations { id slug } }")
    plo = next(o["id"] for o in orgs["organizations"] if o["slug"] == "plo")
    invited = await secretariat.execute(
        INVITE,
        {"input": {"email": "telefon@plo.example", "name": "Tove Telefon", "organizationId": plo, "roles": ["READER"]}},
    )
    assert invited["inviteUser"]["__typename"] == "UserInvited"

    ui = await new_ui(SECRETARIAT, width=390)
    page = ui.page
    path = f"/documents/{document['slug']}"
    pages = [
        (f"{path}/snapshots", "Nr.", "phone-snapshots"),
        (f"{path}/sections/{document['sections'][0]}/history", "Version", "phone-history"),
        ("/users", "E-mailadresse", "phone-users"),
        ("/outbox", "Oprettet", "phone-outbox"),
        ("/notifications", "Levering", "phone-notifications"),
    ]
    for where, first_label, name in pages:
        await ui.open(where)
        await each_cell_labelled(page, first_label)
        await ui.check(name)
    # The labels follow the language.
    await page.get_by_role("button", name="Switch to English").click()
    await ui.open("/users")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Users and invitations")
    await each_cell_labelled(page, "Email address")


async def test_the_glossary_is_a_page_linked_from_every_page_in_the_reader_s_language(new_ui: NewUi) -> None:
    # Before signing in too: the footer of the sign-in page links to it.
    visitor = await new_ui()
    await visitor.open("/sign-in")
    await visitor.page.get_by_role("contentinfo").get_by_role("link", name=re.compile("^Ordliste")).click()
    await expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Ordliste")
    terms = visitor.page.locator(".glossary dt")
    await expect(terms.first).to_be_visible()
    assert await terms.count() >= 12
    udgave = visitor.page.locator(".glossary__entry").filter(
        has=visitor.page.locator("dt", has_text=re.compile("^udgave$"))
    )
    await expect(udgave.locator(".glossary__definition")).not_to_be_empty()
    await expect(udgave).to_contain_text("På engelsk: snapshot")
    await expect(udgave).to_contain_text("Brug ikke: »udkast nr.«")
    await visitor.check("glossary")

    # Signed in, on a phone, in English: the same words in English, nothing wider than the screen.
    ui = await new_ui(SECRETARIAT, width=390)
    await ui.open("/")
    await ui.page.get_by_role("button", name="Switch to English").click()
    await ui.page.get_by_role("contentinfo").get_by_role("link", name=re.compile("^Glossary")).click()
    await expect(ui.page.get_by_role("heading", level=1)).to_have_text("Glossary")
    entry = ui.page.locator(".glossary__entry").filter(
        has=ui.page.locator("dt", has_text=re.compile("^written procedure$"))
    )
    await expect(entry).to_contain_text("In Danish: skriftlig proces")
    await expect(entry.locator("[lang=da]")).to_have_text("skriftlig proces")
    await no_sideways_scrolling(ui.page)
    await ui.check("glossary-phone-en")
