"""The written procedure (skriftlig proces): the secretariat opens a round, approvers decide, the outcome."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Locator, Page, expect

from tests.api.drafting_support import new_document, org_ids, save
from tests.browser.ui import Ui
from tests.support import KL, REGIONS, SECRETARIAT, SUM, Api, RunningApp

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]
COPENHAGEN = ZoneInfo("Europe/Copenhagen")

SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id number } } ... on UserError { message } } }"""
OPEN = """mutation($input: OpenApprovalRoundInput!) { openApprovalRound(input: $input) {
  __typename ... on ApprovalRoundOpened { round { id } } ... on UserError { message } } }"""

PHASE = """mutation($input: SetDocumentPhaseInput!) { setDocumentPhase(input: $input) {
  __typename ... on UserError { message } } }"""


def local(app: RunningApp, days: float) -> tuple[str, str]:
    """A deadline `days` from the app's clock as a Danish user types it: "09.12.2026", "12.00"."""
    at = (app.clock.now() + timedelta(days=days)).astimezone(COPENHAGEN)
    return at.strftime("%d.%m.%Y"), at.strftime("%H.%M")


async def fill_deadline(form: Locator, when: tuple[str, str]) -> None:
    await form.get_by_label("Dato", exact=True).fill(when[0])
    await form.get_by_label("Klokkeslæt", exact=True).fill(when[1])


async def no_sideways_scrolling(page: Page) -> None:
    # The screen's width is the root's clientWidth: on a phone, innerWidth grows with a page that is
    # too wide (the browser zooms out), so it cannot tell.
    width = await page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide in a {width[1]} px screen"


async def snapshot(secretariat: Api, document_id: str, label: str) -> str:
    data = await secretariat.execute(SNAPSHOT, {"input": {"documentId": document_id, "label": label}})
    return data["createSnapshot"]["snapshot"]["id"]  # type: ignore[no-any-return]


async def test_the_secretariat_opens_a_round_the_approvers_decide_and_the_outcome_is_recorded(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Formål", "Styregruppen udarbejder strategien.\n")])
    await snapshot(secretariat, document["id"], "Til godkendelse")

    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}/approval-rounds")
    form = page.get_by_role("region", name="Åbn en skriftlig proces")
    await form.get_by_label("Titel").fill("Godkendelse af kommissoriet")
    await form.get_by_label("Sundhedsdatastyrelsen").uncheck()
    # A deadline in the past is refused by the server, next to the field.
    await fill_deadline(form, local(app, -1))
    await form.get_by_role("button", name="Åbn skriftlig proces").click()
    await expect(form.locator("#round-deadline-error")).to_be_visible()
    await ui.check("approval-open-form")
    await fill_deadline(form, local(app, 5))
    await form.get_by_role("button", name="Åbn skriftlig proces").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Godkendelse af kommissoriet")
    await expect(page.get_by_role("rowheader", name=re.compile("^KL"))).to_be_visible()
    # By the server's clock (serverTime), whatever the test clock has been moved to.
    await expect(page.locator(".countdown__left")).to_contain_text(re.compile(r"om [45] dage"))
    round_url = page.url
    await ui.check("approval-round-open")

    # KL's approver decides without a mouse: radios by arrow keys, a required reason, Enter to send.
    kl = await new_ui(KL)
    kpage = kl.page
    await kl.open(round_url.removeprefix(kl.url))
    decision = kpage.get_by_role("region", name="Beslutning for KL")
    await decision.get_by_label("Godkender", exact=True).focus()
    await kpage.keyboard.press("ArrowDown")
    await expect(decision.get_by_label("Godkender med bemærkninger")).to_be_checked()
    await decision.get_by_role("button", name="Registrér beslutning").press("Enter")
    await expect(kpage.get_by_role("alert")).to_contain_text("Skriv jeres bemærkninger")
    await decision.get_by_label("Bemærkninger", exact=True).focus()
    await kpage.keyboard.type("KL ønsker en tydeligere rolle for kommunerne.")
    await decision.get_by_label("Formål").press("Space")
    await decision.get_by_label("Intern note").fill("Behandlet i KL's direktion 15.8.")
    await decision.get_by_label("Intern note").press("Enter")
    await expect(kpage.get_by_role("status")).to_contain_text("er registreret")
    await expect(kpage.get_by_role("row", name=re.compile("^KL"))).to_contain_text("Godkender med bemærkninger")
    await expect(kpage.get_by_role("row", name=re.compile("^KL"))).to_contain_text("Behandlet i KL's direktion")
    await kl.check("approval-decision")

    # The regions approve too: every party has decided, so the round closes as approved.
    regions = await new_ui(REGIONS)
    rpage = regions.page
    await regions.open(round_url.removeprefix(regions.url))
    await (
        rpage.get_by_role("region", name="Beslutning for Danske Regioner").get_by_label("Godkender", exact=True).check()
    )
    await rpage.get_by_role("button", name="Registrér beslutning").click()
    outcome = rpage.get_by_role("region", name="Resultat")
    await expect(outcome).to_be_visible()
    await expect(rpage.locator(".tag--round-approved").first).to_have_text("Godkendt")
    await expect(rpage.get_by_role("region", name="Forløb")).to_contain_text("KL ønsker en tydeligere rolle")
    await regions.check("approval-outcome")
    # KL's internal note is KL's own: not on the regions' page.
    await expect(rpage.get_by_role("main")).not_to_contain_text("Behandlet i KL's direktion")
    href = await rpage.get_by_role("link", name="Webside til udskrift").get_attribute("href")
    assert href and href.startswith("/exports/approval-rounds/")
    response = await rpage.request.get(regions.url + href)
    assert response.status == 200

    # A later round on a newer snapshot shows each party what changed since it last approved.
    reopened = await secretariat.execute(PHASE, {"input": {"documentId": document["id"], "phase": "DRAFTING"}})
    assert reopened["setDocumentPhase"]["__typename"] == "DocumentPhaseChanged", reopened
    saved = await save(
        secretariat, document["sections"][0], 1, "Styregruppen udarbejder og forelægger strategien.\n", "Formål"
    )
    assert saved["__typename"] == "SectionSaved"
    second = await snapshot(secretariat, document["id"], "Revideret")
    opened = await secretariat.execute(
        OPEN,
        {
            "input": {
                "snapshotId": second,
                "title": "Fornyet godkendelse",
                "deadline": (app.clock.now() + timedelta(days=3)).isoformat(),
                "organizationIds": await org_ids(secretariat, "kl", "danske-regioner"),
            }
        },
    )
    round_id = opened["openApprovalRound"]["round"]["id"]
    await kl.open(f"/approval-rounds/{round_id}")
    changes = kpage.get_by_role("region", name=re.compile("Ændringer siden KL sidst godkendte"))
    await expect(changes.locator("ins")).to_contain_text("og forelægger")
    await kl.check("approval-changes-since")
    await kl.open(f"/documents/{document['slug']}/approval-rounds")
    await expect(kpage.get_by_role("link", name="Fornyet godkendelse")).to_be_visible()
    await kl.check("approval-rounds")


async def test_the_kommissorium_round_on_a_desktop_and_a_phone(new_ui: NewUi, as_user: AsUser, app: RunningApp) -> None:
    """Issue 20's journey: explicit parties, a Danish deadline and summary, one state per page, a private
    internal note, nothing offered that cannot work, phone width without sideways scrolling, and a
    language switch that reaches the server's own texts without a reload; axe-clean throughout."""
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat,
        [
            ("Formål", "Styregruppen udarbejder **strategien** for digital sundhed.\n"),
            ("Tidsplan", "Arbejdet slutter i 2017.\n"),
        ],
        ("kl", "danske-regioner", "sum", "plo"),
    )
    await snapshot(secretariat, document["id"], "Til skriftlig proces")

    # The secretariat: parties chosen explicitly (PLO, without an approver, is not ticked), a Danish
    # deadline, and a summary in Danish before opening.
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}/approval-rounds")
    form = page.get_by_role("region", name="Åbn en skriftlig proces")
    await expect(form.get_by_label("PLO")).not_to_be_checked()
    for party in ("KL – Kommunernes Landsforening", "Danske Regioner", "Sundheds- og Ældreministeriet"):
        await expect(form.get_by_label(party)).to_be_checked()
    await form.get_by_label("Sundhedsdatastyrelsen").uncheck()
    date, time = local(app, 5)
    await fill_deadline(form, (date, "12.00"))
    summary = form.get_by_role("region", name="Før du åbner processen")
    await expect(summary).to_contain_text(
        "Udgave 1 – Til skriftlig proces sendes til skriftlig proces hos 3 parter: KL"
    )
    await expect(summary).to_contain_text(
        re.compile(r"Fristen er [a-zæøå]+dag den \d+\. [a-zæøå]+ \d{4} kl\. 12\.00 \(dansk tid\)")
    )
    await expect(summary).to_contain_text("Stiltiende samtykke gælder ikke")
    await ui.check("journey-open-form")
    await form.get_by_role("button", name="Åbn skriftlig proces").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Godkendelse af testdokument"))
    round_url = page.url.removeprefix(ui.url)
    # The round's own state under its title, not the document's phase.
    await expect(page.locator(".document-header .tag")).to_have_text("Åben")

    # KL's approver on a phone: decides with remarks and an internal note only KL sees.
    kl = await new_ui(KL, width=390)
    await kl.open(round_url)
    decision = kl.page.get_by_role("region", name="Beslutning for KL")
    await decision.get_by_label("Godkender med bemærkninger").check()
    await decision.get_by_label("Bemærkninger", exact=True).fill("KL ønsker kommunernes rolle beskrevet tydeligere.")
    await decision.get_by_label("Intern note").fill("Forelagt KL's direktion 3.12.")
    await decision.get_by_role("button", name="Registrér beslutning").click()
    await expect(kl.page.get_by_role("status")).to_contain_text("er registreret")
    parties = kl.page.get_by_role("table", name="Parterne")
    await expect(parties).to_contain_text("Forelagt KL's direktion 3.12.")
    await expect(parties).to_contain_text("KL ønsker kommunernes rolle")
    await no_sideways_scrolling(kl.page)
    await kl.check("journey-phone-decision")
    # The text under approval reads in the browser, rendered (no Markdown), on the phone too.
    await kl.page.get_by_role("link", name="Læs teksten, der godkendes").click()
    await kl.settled()
    await expect(kl.page.get_by_role("heading", level=1)).to_have_text("Udgave 1 – Til skriftlig proces")
    await expect(kl.page.locator(".prose strong")).to_have_text("strategien")
    await expect(kl.page.get_by_role("main")).not_to_contain_text("**")
    await no_sideways_scrolling(kl.page)
    await kl.check("journey-phone-text")

    # The regions and the ministry approve; the last decision closes the round.
    for email, name in ((REGIONS, "Danske Regioner"), (SUM, "SUM")):
        other = await new_ui(email)
        await other.open(round_url)
        await expect(other.page.get_by_role("main")).not_to_contain_text("Forelagt KL's direktion")
        form = other.page.get_by_role("region", name=f"Beslutning for {name}")
        await form.get_by_label("Godkender", exact=True).check()
        await form.get_by_role("button", name="Registrér beslutning").click()
        # The last decision closes the round, and the form gives way to the outcome.
        done = other.page.get_by_role("status").filter(has_text="er registreret")
        await expect(done.or_(other.page.get_by_role("region", name="Resultat")).first).to_be_visible()
    await expect(other.page.get_by_role("region", name="Resultat")).to_contain_text("Godkendt.")
    await expect(other.page.locator(".document-header .tag")).to_have_text("Godkendt")
    await expect(other.page.get_by_role("link", name="PDF til journalisering (.pdf)")).to_be_visible()
    record = await other.page.request.get(f"{other.url}/exports/approval-rounds/{round_url.rsplit('/', 1)[-1]}.md")
    assert record.status == 200 and "Forelagt KL" not in await record.text()

    # On the phone, the closed round reads without sideways scrolling.
    await kl.open(round_url)
    await expect(kl.page.get_by_role("region", name="Resultat")).to_contain_text("Godkendt.")
    await no_sideways_scrolling(kl.page)
    await kl.check("journey-phone-outcome")

    # Nothing is offered that cannot work: the approved document takes no new round, and says why.
    await ui.open(f"/documents/{document['slug']}/approval-rounds")
    offer = page.get_by_role("region", name="Åbn en skriftlig proces")
    await expect(offer).to_contain_text("Dokumentet er i fasen »Godkendt«")
    await expect(offer.get_by_role("button")).to_have_count(0)
    await expect(offer.get_by_role("link", name="Gå til indstillingerne")).to_be_visible()
    await ui.check("journey-no-new-round")

    # The activity feed names the round and credits the closing to Udkast itself.
    await ui.open(f"/documents/{document['slug']}/activity")
    activity = page.locator(".activity")
    await expect(activity).to_contain_text("Udkast (automatisk)")
    await expect(activity).to_contain_text("registrerede beslutningen »Godkender« for Sundheds- og Ældreministeriet")

    # A language switch reaches the server's texts and the dates at once, without a reload.
    await ui.open(round_url)
    await page.evaluate("window.__noReload = true")
    await page.get_by_role("button", name="Switch to English").click()
    await expect(page.get_by_role("region", name="Outcome")).to_contain_text("Approved.")
    await expect(page.locator(".document-header .tag")).to_have_text("Approved")
    await expect(page.locator("main time").first).to_have_text(re.compile(r"^\d+ [A-Z][a-z]+ \d{4}"))
    assert await page.evaluate("window.__noReload === true")
    await ui.check("journey-english")


async def test_the_secretariat_extends_in_danish_time_and_each_form_says_what_it_misses(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    """Extending takes the same Danish date and time as opening; a refusal stands at its own form's field."""
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Formål", "Styregruppen udarbejder strategien.\n")])
    snapshot_id = await snapshot(secretariat, document["id"], "Til godkendelse")
    opened = await secretariat.execute(
        OPEN,
        {
            "input": {
                "snapshotId": snapshot_id,
                "title": "Godkendelse af kommissoriet",
                "deadline": (app.clock.now() + timedelta(days=3)).isoformat(),
                "organizationIds": await org_ids(secretariat, "kl", "danske-regioner"),
            }
        },
    )
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open(f"/approval-rounds/{opened['openApprovalRound']['round']['id']}")
    withdraw = page.locator("form.withdraw-form")
    await withdraw.get_by_role("button", name="Træk tilbage").click()
    await expect(page.locator("#withdraw-reason-error")).to_have_text(re.compile("Skriv en begrundelse"))
    await expect(page.locator("#extend-reason-error")).to_have_count(0)
    # The summary leads to the withdraw form's field, not the extend form's namesake.
    await expect(page.get_by_role("link", name="Skriv en begrundelse")).to_have_attribute("href", "#withdraw-reason")

    extend = page.locator("form", has=page.get_by_role("heading", name="Forlæng fristen"))
    date, _ = local(app, 10)
    await fill_deadline(extend, (date, "15.30"))
    await extend.get_by_label("Begrundelse").fill("KL's direktion mødes først i næste uge.")
    await extend.get_by_role("button", name="Forlæng fristen").click()
    await expect(page.get_by_role("status")).to_contain_text("Fristen er forlænget.")
    await expect(page.get_by_role("main")).to_contain_text("15.30")
    await ui.check("approval-extended")
