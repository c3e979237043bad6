"""The høringsnotat page of a consultation, read by the secretariat and by a party (issue 18)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

from playwright.async_api import expect

from tests.api.drafting_support import new_document, org_ids
from tests.api.test_consultation_report import KL_PROPOSAL, LETTER, OPEN, REGIONS_ANSWER, SNAPSHOT, _consultation
from tests.browser.test_phone import each_cell_labelled
from tests.browser.ui import Ui
from tests.support import KL_COMMENTER, SECRETARIAT, Api, ManualClock

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]


async def test_the_report_page_of_a_consultation(new_ui: NewUi, as_user: AsUser, clock: ManualClock) -> None:
    """The introduction with the høringsliste, every field labelled, answers a party sees only once
    published, and names only when the secretariat ticks for them; axe-clean."""
    case = await _consultation(as_user, clock)
    sec = await as_user(SECRETARIAT)
    slug = (await sec.execute("query($id: ID) { document(id: $id) { slug } }", {"id": case["document"]}))["document"][
        "slug"
    ]

    # KL before the answers are published: its proposal, no disposition yet.
    kl = await new_ui(KL_COMMENTER)
    await kl.open(f"/documents/{slug}/report")
    kpage = kl.page
    await expect(kpage.get_by_label("Udgave")).to_have_value(case["snapshot"])  # the consultation's udgave
    proposal = kpage.locator(".report-entry", has_text=KL_PROPOSAL)
    await expect(proposal).to_contain_text("Endnu ikke behandlet.")
    await expect(kpage.locator("main")).not_to_contain_text(REGIONS_ANSWER)
    await expect(kpage.get_by_label("Vis navne på dem, der har skrevet")).to_have_count(0)
    await kl.check("report-party-unpublished")

    # The secretariat: the introduction and the høringsliste; the steering group's drafts marked.
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open(f"/consultations/{case['consultation']}")
    await page.get_by_role("link", name="Læs høringsnotatet").click()
    await ui.settled()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Høringsnotat")
    intro = page.get_by_role("region", name="Indledning", exact=True)
    # KL and Danske Regioner commented directly (no drafts), PLO answered »ingen bemærkninger«.
    await expect(intro).to_contain_text("Der er modtaget 3 høringssvar fra de 4 hørte parter.")
    parties = intro.get_by_role("list").first
    await expect(parties.get_by_role("listitem")).to_have_count(4)
    await expect(parties.get_by_role("listitem").filter(has_text="PLO")).to_contain_text("Ingen bemærkninger")
    await expect(intro).to_contain_text("Formålet er at få parternes bemærkninger.")
    await expect(page.locator(".notice").filter(has_text="styregruppens udkast")).to_be_visible()
    entry = page.locator(".report-entry", has_text=KL_PROPOSAL)
    for label in ("Tekststykke", "Bemærkning", "Ændringsforslag", "Behandling", "Styregruppens svar"):
        await expect(entry).to_contain_text(label)
    await expect(entry).to_contain_text("Indarbejdet i version 2")
    await expect(entry).not_to_contain_text("Kasper Kommentar")
    await page.get_by_label("Vis navne på dem, der har skrevet").check()
    await expect(entry).to_contain_text("Kasper Kommentar")
    word = page.get_by_role("link", name="Word (.docx)")
    await expect(word).to_have_attribute("href", re.compile(r"^/exports/consultations/.+\.docx\?names=1$"))
    await expect(page.get_by_role("region", name="Ændringer som følge af høringen")).to_contain_text(
        "Borgeren som aktiv partner"
    )
    await ui.check("report-consultation")
    # On a phone the counts table reads as cards, each figure labelled with its column.
    await page.set_viewport_size({"width": 390, "height": 844})
    await each_cell_labelled(page, "Organisation")
    await page.set_viewport_size({"width": 1280, "height": 900})

    # Published: KL reads the answers.
    published = await sec.execute(
        """mutation($input: PublishAnswersInput!) { publishAnswers(input: $input) { __typename } }""",
        {"input": {"consultationId": case["consultation"]}},
    )
    assert published["publishAnswers"]["__typename"] == "AnswersPublished"
    await kl.open(f"/documents/{slug}/report")
    await expect(kpage.locator(".report-entry", has_text=KL_PROPOSAL)).to_contain_text("Indarbejdet i version 2")
    await expect(kpage.locator("main")).to_contain_text(REGIONS_ANSWER)


async def test_the_report_page_reaches_each_consultation_held_on_one_snapshot(
    new_ui: NewUi, as_user: AsUser, clock: ManualClock
) -> None:
    """The same udgave sent for consultation twice: the page lists both and shows the one chosen."""
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Formål", "Tekst sendt i høring to gange.")], ("kl", "danske-regioner", "plo"))
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]["id"]
    for slugs in (("kl",), ("plo", "danske-regioner")):
        opened = await sec.execute(
            OPEN,
            {
                "input": {
                    "snapshotId": snapshot,
                    "deadline": (clock.now() + timedelta(days=14)).isoformat(),
                    "organizationIds": await org_ids(sec, *slugs),
                    "letter": LETTER,
                }
            },
        )
        consultation = opened["openConsultation"]["consultation"]["id"]
        if slugs == ("kl",):
            await sec.execute(
                """mutation($input: CloseConsultationInput!) { closeConsultation(input: $input) { __typename } }""",
                {"input": {"consultationId": consultation}},
            )

    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open(f"/documents/{doc['slug']}/report?snapshot={snapshot}")
    held = page.get_by_role("navigation", name="Høringer af denne udgave")
    await expect(held.get_by_role("link")).to_have_text(["Høring 2", "Høring 1"])
    await expect(held.get_by_role("link", name="Høring 2")).to_have_attribute("aria-current", "page")
    intro = page.get_by_role("region", name="Indledning", exact=True)
    await expect(intro.get_by_role("list").first.get_by_role("listitem")).to_have_count(2)
    await ui.check("report-two-consultations")
    await held.get_by_role("link", name="Høring 1").click()
    await expect(held.get_by_role("link", name="Høring 1")).to_have_attribute("aria-current", "page")
    await expect(intro.get_by_role("list").first.get_by_role("listitem")).to_have_count(1)
    await expect(intro.get_by_role("list").first).to_contain_text("KL")
