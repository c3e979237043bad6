"""The written procedure (skriftlig proces): the secretariat opens a round, approvers decide, the outcome."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from tests.api.drafting_support import new_document, org_ids, save
from tests.browser.ui import Ui
from tests.support import KL, REGIONS, SECRETARIAT, Api, RunningApp

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]
COPENHAGEN = ZoneInfo("Europe/Copenhagen")

SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id number } } ... on UserError { message } } }"""
OPEN = """mutation($input: OpenApprovalRoundInput!) { openApprovalRound(input: $input) {
  __typename ... on ApprovalRoundOpened { round { id } } ... on UserError { message } } }"""

PHASE = """mutation($input: SetDocumentPhaseInput!) { setDocumentPhase(input: $input) {
  __typename ... on UserError { message } } }"""


def local(app: RunningApp, days: float) -> str:
    """A datetime-local value `days` from the app's clock, in Copenhagen wall-clock time."""
    return (app.clock.now() + timedelta(days=days)).astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


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
    await form.get_by_label("Frist", exact=True).fill(local(app, -1))
    await form.get_by_role("button", name="Åbn skriftlig proces").click()
    await expect(form.locator("#round-deadline-error")).to_be_visible()
    await ui.check("approval-open-form")
    await form.get_by_label("Frist", exact=True).fill(local(app, 5))
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
