"""Mine opgaver and the outbox in the browser (issue 19): an approver sees the decision due, decides,
and the task is gone; the secretariat sees the messages the round caused in the outbox."""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

from playwright.async_api import expect

from server import ids
from server.notifications.model import Kind
from server.notifications.service import unsubscribe_token
from tests.api.drafting_support import new_document, org_ids
from tests.browser.test_approval import OPEN, snapshot
from tests.browser.ui import Ui
from tests.support import KL_COMMENTER, PLO_COMMENTER, REGIONS, SECRETARIAT, Api, RunningApp

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]
_n = itertools.count()


async def test_an_approver_sees_the_decision_in_mine_opgaver_decides_and_the_task_is_gone(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    secretariat = await as_user(SECRETARIAT)
    title = f"Godkendelse af opgaveliste {next(_n)}-{app.clock.now().timestamp():.0f}"
    document = await new_document(secretariat, [("Formål", "Styregruppen udarbejder strategien.\n")])
    opened = await secretariat.execute(
        OPEN,
        {
            "input": {
                "snapshotId": await snapshot(secretariat, document["id"], "Til godkendelse"),
                "title": title,
                "deadline": (app.clock.now() + timedelta(days=4)).isoformat(),
                "organizationIds": await org_ids(secretariat, "kl", "danske-regioner"),
            }
        },
    )
    assert opened["openApprovalRound"]["__typename"] == "ApprovalRoundOpened", opened

    regions = await new_ui(REGIONS)
    page = regions.page
    await regions.open("/")
    tasks = page.get_by_role("region", name="Mine opgaver")
    task = tasks.get_by_role("listitem").filter(has_text=title)
    await expect(task).to_contain_text(re.compile(r"Frist: .*\(om [34] dage"))
    badge = page.locator(".site-header__tasks .badge")
    before = int(await badge.inner_text())
    assert before >= 1
    await regions.check("my-tasks")

    await task.get_by_role("link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    decision = page.get_by_role("region", name="Beslutning for Danske Regioner")
    await decision.get_by_label("Godkender", exact=True).check()
    await page.get_by_role("button", name="Registrér beslutning").click()
    await expect(page.get_by_role("status")).to_contain_text("er registreret")

    await page.get_by_role("link", name="Dokumenter", exact=True).click()
    await expect(tasks).to_be_visible()
    await expect(tasks.get_by_role("listitem").filter(has_text=title)).to_have_count(0)
    await expect(badge).to_have_text(str(before - 1))

    # The secretariat sees what the round caused in the outbox, and can remind KL from the round.
    sec = await new_ui(SECRETARIAT)
    await sec.open("/outbox")
    rows = sec.page.get_by_role("row").filter(has_text=f"Skriftlig proces: {title}")
    await expect(rows).to_have_count(2)  # KL's and the regions' approvers
    await expect(rows.filter(has_text="styregruppe@regioner.example")).to_be_visible()
    await sec.check("outbox")
    # The box follows the address, which changes in a transition just after the click: click, then
    # wait for the state (Playwright's check()/uncheck() read it back at once and may see it unchanged).
    only_failed = sec.page.get_by_label("Vis kun beskeder, der ikke kunne leveres")
    await only_failed.click()
    await expect(sec.page).to_have_url(re.compile(r"/outbox\?state=UNDELIVERABLE$"))
    await expect(only_failed).to_be_checked()
    await expect(rows).to_have_count(0)  # they all arrived
    await only_failed.click()
    await expect(sec.page).to_have_url(re.compile(r"/outbox$"))
    await expect(only_failed).not_to_be_checked()
    await expect(rows).to_have_count(2)
    await sec.open(f"/approval-rounds/{opened['openApprovalRound']['round']['id']}")
    reminder = sec.page.get_by_role("region", name="Send påmindelse")
    await reminder.get_by_label("KL").check()
    await expect(reminder.get_by_label("Danske Regioner")).to_have_count(0)  # it has decided
    await reminder.get_by_role("button", name="Send påmindelse").click()
    await expect(reminder.get_by_role("status")).to_contain_text("Påmindelsen er sendt (1 besked)")
    await sec.check("reminder-sent")


async def test_the_unsubscribe_link_turns_a_kind_off_and_formal_notices_cannot_be(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    secretariat = await as_user(SECRETARIAT)
    user_id = ids.parse((await secretariat.execute("{ viewer { id } }"))["viewer"]["id"], "User")
    assert user_id is not None
    # The link of a "a party has answered" message, opened from the mail without signing in.
    token = unsubscribe_token(app.settings.secret_key, user_id, Kind.DECISION_RECORDED, app.clock.now())
    mail = await new_ui()
    await mail.open(f"/unsubscribe/{token}")
    await expect(mail.page.get_by_role("heading", level=1)).to_have_text("Afmeld beskeder")
    await expect(mail.page.locator("main")).to_contain_text(
        f"Vil du afmelde e-mails om »En part har svaret i en skriftlig proces« til {SECRETARIAT}?"
    )
    await mail.check("unsubscribe")
    await mail.page.get_by_role("button", name="Afmeld").click()
    await expect(mail.page.locator("main")).to_contain_text("Du får ikke længere e-mails om")
    await mail.check("unsubscribed")

    sec = await new_ui(SECRETARIAT)
    page = sec.page
    await sec.open("/notifications")
    choice = page.get_by_label("Levering af: En part har svaret i en skriftlig proces")
    await expect(choice).to_have_value("OFF")
    # The written procedure's notices have no choice to make.
    await expect(page.get_by_role("row", name=re.compile("^Påmindelse før fristen"))).to_contain_text(
        "Sendes altid med det samme"
    )
    await sec.check("notification-preferences")
    await choice.select_option("IMMEDIATE")
    await expect(page.get_by_role("status")).to_contain_text("Dine valg er gemt")
    await expect(choice).to_have_value("IMMEDIATE")
    await page.reload()  # kept on the server
    await expect(page.get_by_label("Levering af: En part har svaret i en skriftlig proces")).to_have_value("IMMEDIATE")


OPEN_CONSULTATION = """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }"""


async def test_a_party_sees_the_consultation_response_it_owes_and_the_secretariat_reminds_it(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Formål", "Strategien samler indsatsen.\n")], ("kl", "plo"))
    opened = await secretariat.execute(
        OPEN_CONSULTATION,
        {
            "input": {
                "snapshotId": await snapshot(secretariat, document["id"], "Høringsudkast"),
                "deadline": (app.clock.now() + timedelta(days=10)).isoformat(),
                "organizationIds": await org_ids(secretariat, "kl", "plo"),
                "letter": "Hermed i høring.",
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    consultation_id = opened["openConsultation"]["consultation"]["id"]
    kl = await as_user(KL_COMMENTER)
    added = await kl.execute(
        """mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }""",
        {"input": {"sectionId": document["sections"][0], "version": 1, "body": "KL's kladde."}},
    )
    assert added["addComment"]["__typename"] == "CommentAdded"

    # Mine opgaver: the response KL owes, with its deadline and KL's own drafts; PLO's shows none of them.
    for email, drafts in ((KL_COMMENTER, "(1 kladde fra din organisation)"), (PLO_COMMENTER, "(ingen kladder")):
        party = await new_ui(email)
        await party.open("/")
        task = party.page.get_by_role("region", name="Mine opgaver").locator(
            f'li:has(a[href="/consultations/{consultation_id}"])'
        )
        await expect(task).to_contain_text("Høringssvar: Testdokument")
        await expect(task).to_contain_text(re.compile(r"Frist: .*\(om (9|10) dage"))
        await expect(task).to_contain_text(drafts)
    await party.check("my-tasks-consultation")

    # The secretariat reminds KL from the consultation's page.
    sec = await new_ui(SECRETARIAT)
    await sec.open(f"/consultations/{consultation_id}")
    reminder = sec.page.get_by_role("region", name="Send påmindelse")
    await expect(reminder).to_contain_text("parter, der ikke har afgivet høringssvar")
    await reminder.get_by_label(re.compile("Kommunernes Landsforening")).check()
    await reminder.get_by_role("button", name="Send påmindelse").click()
    await expect(reminder.get_by_role("status")).to_contain_text(re.compile(r"Påmindelsen er sendt \(\d+ beskeder?\)"))
    await sec.check("consultation-reminder-sent")
