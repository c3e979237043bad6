"""The secretariat's screens: snapshots and their comparison, the activity list, users and invitations."""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable

from playwright.async_api import expect

from tests.api.drafting_support import new_document, save
from tests.browser.ui import Ui
from tests.support import KL, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]
_n = itertools.count()


async def test_snapshots_are_created_and_compared_and_activity_is_listed(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat, [("Vision", "Et sammenhængende sundhedsvæsen.\n"), ("Data", "Data deles.\n")]
    )
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    path = f"/documents/{document['slug']}"
    await ui.open(f"{path}/snapshots")
    form = page.get_by_role("form", name="Fastfrys en ny udgave")
    await form.get_by_label("Navn på udgaven").fill("Høringsudkast")
    await form.get_by_role("button", name="Opret udgave").click()
    await expect(page.get_by_role("status")).to_contain_text("Udgave 1 er oprettet")

    saved = await save(await as_user(KL), document["sections"][1], 1, "Data deles sikkert.\n", "Data")
    assert saved["__typename"] == "SectionSaved"
    await form.get_by_label("Navn på udgaven").fill("Til godkendelse")
    await form.get_by_role("button", name="Opret udgave").click()
    await expect(page.get_by_role("status")).to_contain_text("Udgave 2 er oprettet")
    await expect(page.get_by_role("cell", name="Til godkendelse", exact=True)).to_be_visible()

    compare = page.get_by_role("region", name="Sammenlign to udgaver")
    await compare.get_by_label("Fra").select_option(label="Udgave 1 – Høringsudkast")
    await compare.get_by_label("Til").select_option(label="Udgave 2 – Til godkendelse")
    await compare.get_by_role("button", name="Sammenlign").click()
    await expect(compare.get_by_role("heading", name=re.compile("^Data"))).to_contain_text("Ændret")
    await expect(compare.locator("ins")).to_have_text("sikkert")
    await ui.check("snapshots-compare")
    # Every download of a snapshot works, also with the open comments as Word comments or a margin table.
    for name in (
        "Word (.docx)",
        "Word med åbne kommentarer som Word-kommentarer",
        "Word med åbne kommentarer som margentabel",
        "Ren tekst (.md)",
        "Webside til udskrift",
    ):
        href = await page.get_by_role("link", name=f"{name} (Udgave 2 – Til godkendelse)", exact=True).get_attribute(
            "href"
        )
        assert href
        response = await page.request.get(ui.url + href)
        assert response.status == 200, (name, response.status)

    await page.get_by_role("link", name="Aktivitet").click()
    await ui.settled()
    activity = page.locator(".activity")
    await expect(activity).to_contain_text("oprettede udgave 2 – Til godkendelse.")
    await expect(activity).to_contain_text("gemte version 2 af afsnittet »Data«.")
    await ui.check("activity")


async def test_the_secretariat_invites_a_user_who_then_signs_in(new_ui: NewUi) -> None:
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open("/")
    await page.get_by_role("link", name="Brugere").click()
    await ui.settled()
    await expect(page.get_by_role("rowheader", name="Kasper Kommentar")).to_be_visible()
    invite = page.get_by_role("region", name="Invitér en bruger")
    await invite.get_by_role("button", name="Send invitation").click()
    await expect(page.get_by_role("alert")).to_contain_text("Skriv navnet")
    email = f"ny.{next(_n)}.{id(ui)}@plo.example"
    await invite.get_by_label("Navn").fill("Nina Ny")
    await invite.get_by_label("E-mailadresse").fill(email)
    await invite.get_by_label("Organisation").select_option(label="PLO – Praktiserende Lægers Organisation")
    await invite.get_by_role("button", name="Send invitation").click()
    status = page.get_by_role("status")
    await expect(status).to_contain_text(f"Invitationen til {email} er oprettet")
    link = await page.get_by_label("Invitationslink").input_value()
    assert "/invitation#" in link
    pending = page.get_by_role("table", name="Ventende invitationer")
    await expect(pending.get_by_role("row", name=re.compile("Nina Ny"))).to_contain_text(email)
    await ui.check("users")

    # The invited person opens the link, sets a password and signs in.
    guest = await new_ui()
    gpage = guest.page
    await gpage.goto(link)
    await guest.settled()
    await guest.check("invitation")
    await gpage.get_by_label("Ny adgangskode").fill("kort")
    await gpage.get_by_label("Gentag adgangskoden").fill("kort")
    await gpage.get_by_role("button", name="Opret adgang").click()
    await expect(gpage.locator("#new-password-error")).to_be_visible()
    password = "en lang og god adgangssætning"
    await gpage.get_by_label("Ny adgangskode").fill(password)
    await gpage.get_by_label("Gentag adgangskoden").fill(password)
    await gpage.get_by_role("button", name="Opret adgang").click()
    await expect(gpage.get_by_role("heading", level=1)).to_have_text("Din adgang er oprettet")
    await gpage.get_by_role("link", name="Log ind").click()
    await gpage.get_by_label("E-mailadresse").fill(email)
    await gpage.get_by_label("Adgangskode").fill(password)
    await gpage.keyboard.press("Enter")
    await expect(gpage.get_by_role("banner")).to_contain_text("Nina Ny")


DELETE = """mutation($input: DeleteSectionInput!) { deleteSection(input: $input) { __typename } }"""


async def test_the_secretariat_changes_phase_and_participants_and_restores_a_section(
    new_ui: NewUi, as_user: AsUser
) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat, [("Vision", "Et sammenhængende sundhedsvæsen.\n"), ("Gammelt", "Udgår.\n")]
    )
    deleted = await secretariat.execute(DELETE, {"input": {"sectionId": document["sections"][1]}})
    assert deleted["deleteSection"]["__typename"] == "SectionDeleted"
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    await page.get_by_role("navigation", name="Dokumentets sider").get_by_role("link", name="Indstillinger").click()
    await ui.settled()
    # »I høring« follows the document's consultation: not offered by hand.
    await expect(page.get_by_label("Dokumentets fase").locator("option", has_text="I høring")).to_have_count(0)
    await page.get_by_label("Dokumentets fase").select_option(label="I skriftlig proces")
    await page.get_by_role("button", name="Skift fase").click()
    await expect(page.get_by_role("status")).to_contain_text("Dokumentet er nu i fasen »I skriftlig proces«")
    await expect(page.locator(".document-header .tag")).to_have_text("I skriftlig proces")
    await page.get_by_label("Tilføj en organisation").select_option(label="PLO – Praktiserende Lægers Organisation")
    await page.get_by_role("button", name="Tilføj", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("deltager nu")
    await ui.check("document-settings")
    await page.get_by_role("button", name=re.compile(r"^Gendan\W+Gammelt")).click()
    await expect(page.get_by_role("status")).to_contain_text("»Gammelt« er gendannet")
    # A phase change the rules do not allow is refused with the server's message.
    await page.get_by_label("Dokumentets fase").select_option(label="Arkiveret")
    await page.get_by_role("button", name="Skift fase").click()
    await expect(page.get_by_role("status")).to_contain_text("»Arkiveret«")
    await page.get_by_label("Dokumentets fase").select_option(label="I skriftlig proces")
    await page.get_by_role("button", name="Skift fase").click()
    await expect(page.get_by_role("alert")).to_contain_text("Fasen kan ikke skiftes")
