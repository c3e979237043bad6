"""Notifications through a real SMTP server (issue 19): the kommissorium's written procedure end to
end, reminders in working days, the secretariat's reminder, outcomes, invitations, a refused
address, a deactivated user, an SMTP outage and two app processes sharing one store.

The app of this module has a database of its own, its own clock (set to Monday 14 December 2026,
so the deadline meets Christmas) and sends through an aiosmtpd server on a free port; the tests
read what that server received.
"""

from __future__ import annotations

import asyncio
import html
import itertools
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import icalendar
import pytest
from bson import ObjectId

from server import claims, ids, sealing
from server import db as dbmod
from server.clock import COPENHAGEN
from server.notifications.model import Kind, NewNotification, State, reminder_moment
from server.notifications.service import INVITATION_SEAL, UNSUBSCRIBE_VALID, unsubscribe_token
from server.settings import Settings
from server.store import Store, ensure_indexes
from tests.mail_support import MailServer, attachments, body, clock_at, mail_app
from tests.support import (
    KL,
    KL_COMMENTER,
    PLO_COMMENTER,
    REGIONS,
    REGIONS_COMMENTER,
    SDS,
    SECRETARIAT,
    SUM,
    Api,
    ManualClock,
    RunningApp,
)

APPROVERS = {"sundhedsdatastyrelsen": SDS, "kl": KL, "danske-regioner": REGIONS, "sum": SUM}
OPENED_AT = datetime(2026, 12, 14, 10, 0, tzinfo=COPENHAGEN)  # a Monday
DEADLINE = datetime(2026, 12, 28, 12, 0, tzinfo=COPENHAGEN)  # Monday after Christmas
_n = itertools.count()

RESULT = "__typename ... on UserError { message code } ... on InvalidInput { field }"
OPEN = f"""mutation($input: OpenApprovalRoundInput!) {{ openApprovalRound(input: $input) {{
  {RESULT} ... on ApprovalRoundOpened {{ round {{ id deadline }} }} }} }}"""
DECIDE = f"""mutation($input: RecordDecisionInput!) {{ recordDecision(input: $input) {{
  {RESULT} ... on DecisionRecorded {{ round {{ id state }} }} }} }}"""
BOARD = f"""mutation($input: MarkAwaitingBoardInput!) {{ markAwaitingBoard(input: $input) {{
  {RESULT} ... on AwaitingBoardMarked {{ round {{ id }} }} }} }}"""
REMIND = f"""mutation($input: SendReminderInput!) {{ sendReminder(input: $input) {{
  {RESULT} ... on ReminderSent {{ messages round {{ id }} }} }} }}"""
OUTBOX = """query($states: [NotificationState!], $before: Int, $limit: Int! = 200) {
  outbox(states: $states, before: $before, limit: $limit) { nextBefore items {
  id kind state address subject createdAt attempts lastError recipient { name } document { slug } } } }"""
TASKS = """{ myTasks { kind due awaitingBoard count round { id title } document { slug } } }"""


@pytest.fixture(scope="module")
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_clock() -> ManualClock:
    return clock_at(OPENED_AT)


@pytest.fixture(scope="module")
def mailing(
    settings: Settings, mongodb_uri: str, mail_server: MailServer, mail_clock: ManualClock
) -> Iterator[RunningApp]:
    running = mail_app(settings, mongodb_uri, mail_server, mail_clock)
    yield running
    running.stop()


@pytest.fixture
async def users(mailing: RunningApp) -> AsyncIterator[dict[str, Api]]:
    clients: dict[str, Api] = {}
    for email in (SECRETARIAT, SDS, KL, REGIONS, SUM, KL_COMMENTER):
        client = Api(mailing.url)
        await client.sign_in(email)
        clients[email] = client
    yield clients
    for client in clients.values():
        await client.close()


async def _organizations(api: Api) -> dict[str, str]:
    data = await api.execute("{ organizations { id slug } }")
    return {o["slug"]: o["id"] for o in data["organizations"]}


async def _fresh_document(sec: Api, title: str = "Kommissorium for en arbejdsgruppe") -> str:
    """A new terms-of-reference document with the steering group as parties (the seeded one is used once)."""
    orgs = await _organizations(sec)
    created = await sec.execute(
        """mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
             ... on DocumentCreated { document { id } } } }""",
        {
            "input": {
                "title": title,
                "kind": "TERMS_OF_REFERENCE",
                "slug": f"arbejdsgruppe-{next(_n)}",
                "participantIds": [orgs[p] for p in APPROVERS],
            }
        },
    )
    document_id: str = created["createDocument"]["document"]["id"]
    await sec.execute(
        """mutation($input: AddSectionInput!) { addSection(input: $input) { __typename } }""",
        {"input": {"documentId": document_id, "title": "Formål", "body": "Gruppen forbereder strategien."}},
    )
    return document_id


async def _open_round(
    sec: Api,
    document_id: str,
    deadline: datetime = DEADLINE,
    parties: tuple[str, ...] = tuple(APPROVERS),
    title: str = "Godkendelse af kommissorium",
) -> tuple[dict[str, Any], dict[str, str]]:
    snapshot = await sec.execute(
        """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
             __typename ... on SnapshotCreated { snapshot { id } } ... on UserError { message } } }""",
        {"input": {"documentId": document_id, "label": "Til skriftlig proces"}},
    )
    orgs = await _organizations(sec)
    opened = await sec.execute(
        OPEN,
        {
            "input": {
                "snapshotId": snapshot["createSnapshot"]["snapshot"]["id"],
                "title": title,
                "deadline": deadline.isoformat(),
                "organizationIds": [orgs[p] for p in parties],
            }
        },
    )
    assert opened["openApprovalRound"]["__typename"] == "ApprovalRoundOpened", opened
    return opened["openApprovalRound"]["round"], orgs


async def _decide(api: Api, round_id: str, org: str, decision: str = "APPROVE") -> dict[str, Any]:
    data = await api.execute(DECIDE, {"input": {"roundId": round_id, "organizationId": org, "decision": decision}})
    return data["recordDecision"]  # type: ignore[no-any-return]


def _calendar_deadline(message: Any) -> datetime:
    [ics] = [v for k, v in attachments(message).items() if k and k.endswith(".ics")]
    calendar = icalendar.Calendar.from_ical(ics)
    [event] = [c for c in calendar.walk() if c.name == "VEVENT"]
    return event.decoded("dtstart")  # type: ignore[no-any-return]


async def test_the_kommissorium_written_procedure_by_mail(
    mailing: RunningApp, mail_server: MailServer, mail_clock: ManualClock, users: dict[str, Api]
) -> None:
    sec = users[SECRETARIAT]
    # A KL draft exists before the round: no message to anyone may mention it.
    draft = "Internt KL-udkast: direktionen ønsker en skarpere formulering om økonomi."
    seeded = await sec.execute('{ document(slug: "kommissorium-styregruppe") { id sections { id version } } }')
    first = seeded["document"]["sections"][0]
    added = await users[KL_COMMENTER].execute(
        """mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }""",
        {"input": {"sectionId": first["id"], "version": first["version"], "body": draft}},
    )
    assert added["addComment"]["__typename"] == "CommentAdded"
    # KL's own unsent draft is a task for KL, and for nobody else.
    drafts = [t for t in (await users[KL_COMMENTER].execute(TASKS))["myTasks"] if t["kind"] == "DRAFT_COMMENTS"]
    assert [(t["document"]["slug"], t["count"]) for t in drafts] == [("kommissorium-styregruppe", 1)]
    for other in (REGIONS, SDS, SECRETARIAT):
        assert [t for t in (await users[other].execute(TASKS))["myTasks"] if t["kind"] == "DRAFT_COMMENTS"] == []

    round, orgs = await _open_round(sec, seeded["document"]["id"])
    link = f"{mailing.url}/approval-rounds/{round['id']}"

    # The four approvers each get one Danish message with the link, the deadline and the .ics.
    for email in APPROVERS.values():
        [message] = await mail_server.wait_for(1, to=email, subject="Skriftlig proces")
        text = body(message)
        assert message["Subject"] == "Skriftlig proces: Godkendelse af kommissorium"
        assert message["Content-Language"] == "da"
        assert link in text and link in body(message, "html")
        assert "28. december 2026 kl. 12.00" in text
        assert "Kommissorium for styregruppen" in text
        assert _calendar_deadline(message) == DEADLINE
        assert message["Message-ID"].endswith("@127.0.0.1>")
    assert mail_server.messages(to=KL_COMMENTER) == []  # commenters do not approve
    assert mail_server.messages(to=SECRETARIAT, subject="Skriftlig proces") == []

    # Mine opgaver: each approver's organisation owes the decision.
    tasks = (await users[KL].execute(TASKS))["myTasks"]
    assert [(t["kind"], t["round"]["id"]) for t in tasks if t["round"]] == [("DECISION", round["id"])]

    # KL awaits its direktion; Sundhedsdatastyrelsen approves (the secretariat hears of it).
    marked = await users[KL].execute(
        BOARD, {"input": {"roundId": round["id"], "organizationId": orgs["kl"], "note": "KL's direktion 21.12."}}
    )
    assert marked["markAwaitingBoard"]["__typename"] == "AwaitingBoardMarked"
    assert (await _decide(users[SDS], round["id"], orgs["sundhedsdatastyrelsen"]))["__typename"] == "DecisionRecorded"
    [answered] = await mail_server.wait_for(1, to=SECRETARIAT, subject="har svaret")
    assert "Sundhedsdatastyrelsen" in str(answered["Subject"])
    assert [t for t in (await users[SDS].execute(TASKS))["myTasks"] if t["kind"] == "DECISION"] == []
    kl_task = [t for t in (await users[KL].execute(TASKS))["myTasks"] if t["round"]]
    assert kl_task[0]["awaitingBoard"] is True

    # T−3 working days: Tuesday 22 December (25 and 26 December are holidays). Before it: nothing.
    mail_clock.advance(datetime(2026, 12, 22, 8, 59, tzinfo=COPENHAGEN) - mail_clock.now())
    await asyncio.sleep(0.5)
    assert mail_server.messages(subject="Påmindelse") == []
    mail_clock.advance(timedelta(minutes=2))
    reminded = {
        email
        for email in APPROVERS.values()
        if await mail_server.wait_for(1, to=email, subject="Påmindelse", timeout=3)
    }
    assert reminded == {REGIONS, SUM}  # not KL (awaiting its board), not Sundhedsdatastyrelsen (decided)
    [reminder] = mail_server.messages(to=SUM, subject="Påmindelse")
    assert "Sundheds- og Ældreministeriet har endnu ikke afgivet beslutning" in body(reminder)
    assert link in body(reminder)

    # The secretariat's manual reminder to the ministry, logged.
    sent = await sec.execute(REMIND, {"input": {"roundId": round["id"], "organizationIds": [orgs["sum"]]}})
    assert sent["sendReminder"] == {"__typename": "ReminderSent", "messages": 1, "round": {"id": round["id"]}}
    assert len(await mail_server.wait_for(2, to=SUM, subject="Påmindelse")) == 2
    assert len(mail_server.messages(to=REGIONS, subject="Påmindelse")) == 1
    activity = await sec.execute(
        """query($id: ID!) { approvalRound(id: $id) { document { slug } } }""", {"id": round["id"]}
    )
    assert activity["approvalRound"]["document"]["slug"] == "kommissorium-styregruppe"
    refused = await sec.execute(
        REMIND, {"input": {"roundId": round["id"], "organizationIds": [orgs["sundhedsdatastyrelsen"]]}}
    )
    assert refused["sendReminder"]["__typename"] == "InvalidInput"
    assert refused["sendReminder"]["message"] == "Mindst én af de valgte parter har allerede afgivet beslutning."

    # Everyone decides; the outcome reaches all four parties with a link to the record.
    for slug in ("kl", "danske-regioner", "sum"):
        decided = await _decide(users[APPROVERS[slug]], round["id"], orgs[slug])
        assert decided["__typename"] == "DecisionRecorded", decided
    assert decided["round"]["state"] == "APPROVED"
    for email in APPROVERS.values():
        [outcome] = await mail_server.wait_for(1, to=email, subject="Resultat")
        assert "er afsluttet: godkendt" in body(outcome)
        assert link in body(outcome)

    # T−1 (24 December) passes with the round closed: no further reminders.
    mail_clock.advance(datetime(2026, 12, 24, 9, 30, tzinfo=COPENHAGEN) - mail_clock.now())
    await asyncio.sleep(0.5)
    assert len(mail_server.messages(subject="Påmindelse")) == 3

    # Every message once; nothing about the KL draft reached anyone.
    everything = mail_server.messages()
    assert len({m["Message-ID"] for m in everything}) == len(everything)
    assert not any("direktionen ønsker" in body(m) for m in everything)


async def test_invitations_are_mailed_and_a_refused_address_shows_in_the_outbox(
    mailing: RunningApp, mail_server: MailServer, users: dict[str, Api]
) -> None:
    sec = users[SECRETARIAT]
    orgs = await _organizations(sec)
    invite = """mutation($input: InviteUserInput!) { inviteUser(input: $input) {
      __typename ... on UserInvited { link } ... on UserError { message } } }"""
    ok = await sec.execute(
        invite,
        {
            "input": {
                "email": "ny.bruger@plo.example",
                "name": "Ny Bruger",
                "organizationId": orgs["plo"],
                "roles": ["COMMENTER"],
            }
        },
    )
    link = ok["inviteUser"]["link"]
    [message] = await mail_server.wait_for(1, to="ny.bruger@plo.example")
    assert message["Subject"] == "Invitation til Udkast"
    assert link in body(message)
    assert "Hej Ny Bruger" in body(message) and "PLO" in body(message)
    # The link in the mail works: the invitation is accepted with it.
    token = link.split("#", 1)[1]
    invitee = Api(mailing.url)
    accepted = await invitee.execute(
        """mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { __typename } }""",
        {"input": {"token": token, "password": "en lang og god adgangskode"}},
    )
    await invitee.close()
    assert accepted["acceptInvitation"]["__typename"] == "InvitationAccepted"

    await sec.execute(
        invite,
        {
            "input": {
                "email": "rejected@plo.example",
                "name": "Ukendt",
                "organizationId": orgs["plo"],
                "roles": ["READER"],
            }
        },
    )
    for _ in range(100):
        outbox = (await sec.execute(OUTBOX, {"states": ["UNDELIVERABLE"]}))["outbox"]["items"]
        if outbox:
            break
        await asyncio.sleep(0.1)
    [refused] = [m for m in outbox if m["address"] == "rejected@plo.example"]
    assert refused["kind"] == "INVITATION" and refused["attempts"] == 1
    assert "550" in refused["lastError"]
    assert mail_server.messages(to="rejected@plo.example") == []
    tasks = (await sec.execute(TASKS))["myTasks"]
    assert {
        "kind": "UNDELIVERABLE_MESSAGES",
        "due": None,
        "awaitingBoard": False,
        "count": 1,
        "round": None,
        "document": None,
    } in tasks
    # Nobody but the secretariat reads the outbox.
    assert (await users[KL].execute(OUTBOX))["outbox"] is None


async def test_a_deactivated_user_receives_nothing(
    mailing: RunningApp, mail_server: MailServer, users: dict[str, Api], mail_clock: ManualClock
) -> None:
    sec = users[SECRETARIAT]
    regions = (await users[REGIONS].execute("{ viewer { id } }"))["viewer"]["id"]
    toggle = """mutation($input: SetUserActiveInput!) { setUserActive(input: $input) { __typename } }"""
    await sec.execute(toggle, {"input": {"userId": regions, "active": False}})
    try:
        before = len(mail_server.messages(to=REGIONS))
        await _open_round(sec, await _fresh_document(sec), deadline=mail_clock.now() + timedelta(days=20))
        await mail_server.wait_for(1, to=SUM, subject="Skriftlig proces: Godkendelse", timeout=10)
        await mail_server.wait_for(99, to=SDS, subject="Skriftlig proces", timeout=0.5)
        assert len(mail_server.messages(to=REGIONS)) == before
    finally:
        await sec.execute(toggle, {"input": {"userId": regions, "active": True}})


async def test_during_an_smtp_outage_messages_wait_and_arrive_once_when_it_returns(
    mailing: RunningApp, mail_server: MailServer, users: dict[str, Api], mail_clock: ManualClock
) -> None:
    sec = users[SECRETARIAT]
    title = f"Proces under nedbrud {next(_n)}"
    mail_server.stop()
    try:
        await _open_round(sec, await _fresh_document(sec), deadline=mail_clock.now() + timedelta(days=20), title=title)
        waiting: list[dict[str, Any]] = []
        for _ in range(100):
            waiting = [m for m in (await sec.execute(OUTBOX))["outbox"]["items"] if title in m["subject"]]
            if len(waiting) == 4 and all(m["attempts"] >= 1 for m in waiting):
                break
            await asyncio.sleep(0.1)
        assert {m["state"] for m in waiting} == {"PENDING"} and len(waiting) == 4
        assert all(m["lastError"] for m in waiting)
        # The app keeps answering meanwhile.
        started = asyncio.get_running_loop().time()
        assert (await users[KL].execute("{ viewer { name } }"))["viewer"]["name"]
        assert asyncio.get_running_loop().time() - started < 1
    finally:
        mail_server.start()
    mail_clock.advance(timedelta(minutes=5))  # past the first retry's wait
    for email in APPROVERS.values():
        assert len(await mail_server.wait_for(1, to=email, subject=title)) == 1
    mail_clock.advance(timedelta(hours=2))
    await asyncio.sleep(0.5)
    assert all(len(mail_server.messages(to=email, subject=title)) == 1 for email in APPROVERS.values())
    states = {m["state"] for m in (await sec.execute(OUTBOX))["outbox"]["items"] if title in m["subject"]}
    assert states == {"SENT"}


async def test_two_app_processes_sharing_one_store_send_each_message_once(
    settings: Settings,
    mongodb_uri: str,
    mailing: RunningApp,
    mail_server: MailServer,
    users: dict[str, Api],
    mail_clock: ManualClock,
) -> None:
    second = mail_app(settings, mongodb_uri, mail_server, mail_clock, database=mailing.settings.database)
    try:
        sec = users[SECRETARIAT]
        titles = [f"Proces i to processer {next(_n)}" for _ in range(3)]
        for title in titles:
            await _open_round(
                sec, await _fresh_document(sec), deadline=mail_clock.now() + timedelta(days=20), title=title
            )
        for title in titles:
            assert len(await mail_server.wait_for(4, subject=title)) == 4
        await asyncio.sleep(1)  # both senders keep looking: still one each
        for title in titles:
            received = mail_server.messages(subject=title)
            assert sorted(str(m["To"]) for m in received) == sorted(APPROVERS.values())
            assert len({m["Message-ID"] for m in received}) == 4
    finally:
        second.stop()


PREFERENCE = """mutation($input: SetNotificationPreferenceInput!) { setNotificationPreference(input: $input) {
  __typename ... on UserError { message } ... on NotificationPreferenceSet { preferences { language kinds { kind delivery } } } } }"""


async def test_preferences_a_daily_digest_and_english_and_formal_notices_stay_on(
    mailing: RunningApp, mail_server: MailServer, users: dict[str, Api], mail_clock: ManualClock
) -> None:
    sec, ministry = users[SECRETARIAT], users[SUM]
    refused = await ministry.execute(PREFERENCE, {"input": {"kind": "ROUND_REMINDER", "delivery": "OFF"}})
    assert refused["setNotificationPreference"]["message"] == (
        "Meddelelser om skriftlig proces sendes altid med det samme og kan ikke fravælges."
    )
    english = await ministry.execute(PREFERENCE, {"input": {"language": "en"}})
    assert english["setNotificationPreference"]["preferences"]["language"] == "en"
    digest = await sec.execute(PREFERENCE, {"input": {"kind": "DECISION_RECORDED", "delivery": "DIGEST"}})
    assert {"kind": "DECISION_RECORDED", "delivery": "DIGEST"} in digest["setNotificationPreference"]["preferences"][
        "kinds"
    ]
    try:
        title = f"Proces med sammendrag {next(_n)}"
        round, orgs = await _open_round(
            sec,
            await _fresh_document(sec),
            deadline=mail_clock.now() + timedelta(days=20),
            parties=("kl", "sum"),
            title=title,
        )
        [opened] = await mail_server.wait_for(1, to=SUM, subject=f"Written procedure: {title}")
        assert "The deadline is" in body(opened) and opened["Content-Language"] == "en"
        await _decide(users[KL], round["id"], orgs["kl"])
        await _decide(ministry, round["id"], orgs["sum"])
        await mail_server.wait_for(1, to=SUM, subject=f"Outcome: {title}")
        assert mail_server.messages(to=SECRETARIAT, subject="beskeder") == []  # the digest waits for the morning
        tomorrow = (mail_clock.now().astimezone(COPENHAGEN) + timedelta(days=1)).replace(hour=7, minute=1)
        mail_clock.advance(tomorrow - mail_clock.now())
        [daily] = await mail_server.wait_for(1, to=SECRETARIAT, subject="2 beskeder fra Udkast")
        text = body(daily)
        assert "Kommunernes Landsforening har svaret" in text and "Sundheds- og Ældreministeriet har svaret" in text
        assert f"{mailing.url}/notifications" in text  # where to turn it off
    finally:
        await ministry.execute(PREFERENCE, {"input": {"language": "da"}})
        await sec.execute(PREFERENCE, {"input": {"kind": "DECISION_RECORDED", "delivery": "IMMEDIATE"}})


async def test_a_sender_that_died_after_claiming_is_taken_over_and_the_message_goes_once(
    mailing: RunningApp, mongodb_uri: str, mail_server: MailServer, mail_clock: ManualClock
) -> None:
    client = dbmod.connect(mongodb_uri)
    try:
        database = client[mailing.settings.database]
        store = Store.open(database, mailing.settings.secret_key)
        key = f"crash-{next(_n)}"
        token = sealing.seal(mailing.settings.secret_key, INVITATION_SEAL, "et-engangstegn")
        params = {
            "name": "Efter Nedbrud",
            "organization": "PLO",
            "expires": mail_clock.now().isoformat(),
            "token": token,
        }
        new = NewNotification(
            key,
            Kind.INVITATION,
            None,
            "efter.nedbrud@plo.example",
            "da",
            params,
            None,
            mail_clock.now() + timedelta(hours=1),
        )
        await store.notifications.add([new], mail_clock.now())
        [message] = await store.notifications.for_event(key)
        # Another process claimed the message's first attempt and died before sending or marking it.
        await database["notification_claims"].insert_one({"_id": f"{message.id}:0", "at": datetime.now(UTC)})
        mail_clock.advance(timedelta(hours=2))  # now it is due
        assert await mail_server.wait_for(1, to="efter.nedbrud@plo.example", timeout=1.5) == []  # its claim is fresh
        # Two minutes on (real time: whether a writer died is not the app clock's question), it is taken over.
        await database["notification_claims"].update_one(
            {"_id": f"{message.id}:0"}, {"$set": {"at": datetime.now(UTC) - claims.ABANDONED - timedelta(seconds=1)}}
        )
        [received] = await mail_server.wait_for(1, to="efter.nedbrud@plo.example")
        assert received["Message-ID"] == f"<{message.id}@127.0.0.1>"  # a resend would carry the same id
        assert f"{mailing.url}/invitation#et-engangstegn" in body(received)
        await asyncio.sleep(0.5)
        assert len(mail_server.messages(to="efter.nedbrud@plo.example")) == 1
        sent = await store.notifications.message(message.id)
        assert sent is not None and sent.state == State.SENT
    finally:
        await client.close()


PREFERENCES = "{ notificationPreferences { kinds { kind delivery } } }"


async def _delivery(api: Api, kind: str) -> str:
    kinds = (await api.execute(PREFERENCES))["notificationPreferences"]["kinds"]
    return next(k["delivery"] for k in kinds if k["kind"] == kind)  # type: ignore[no-any-return]


async def test_one_click_unsubscribe_turns_that_kind_off_without_signing_in(
    mailing: RunningApp, mail_server: MailServer, users: dict[str, Api], mail_clock: ManualClock
) -> None:
    sec = users[SECRETARIAT]
    title = f"Proces med afmelding {next(_n)}"
    round, orgs = await _open_round(
        sec,
        await _fresh_document(sec),
        deadline=mail_clock.now() + timedelta(days=20),
        parties=("kl", "danske-regioner", "sum"),
        title=title,
    )
    await _decide(users[KL], round["id"], orgs["kl"])
    [answered] = await mail_server.wait_for(1, to=SECRETARIAT, subject=f"har svaret: {title}")
    # The secretariat's "a party has answered" may be turned off: it carries the one-click headers (RFC 8058).
    header = str(answered["List-Unsubscribe"])
    assert header.startswith(f"<{mailing.url}/unsubscribe/") and header.endswith(">")
    assert answered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header[1:-1]
    assert f"Afmeld denne slags beskeder: {link}" in body(answered)
    assert link in body(answered, "html")
    # Formal notices of the written procedure carry none.
    [opened] = await mail_server.wait_for(1, to=SUM, subject=f"Skriftlig proces: {title}")
    assert opened["List-Unsubscribe"] is None and "/unsubscribe/" not in body(opened)
    assert "Meddelelser om skriftlig proces kan ikke fravælges." in body(opened)

    async with httpx.AsyncClient(base_url=mailing.url, timeout=30) as anonymous:  # no session: from the mail
        # Following the link only asks (a link scanner changes nothing).
        page = await anonymous.get(link)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert '<html lang="da">' in page.text
        assert (
            f"Vil du afmelde e-mails om »En part har svaret i en skriftlig proces« til {SECRETARIAT}?"
            in html.unescape(page.text)
        )
        assert '<form method="post">' in page.text
        assert await _delivery(sec, "DECISION_RECORDED") == "IMMEDIATE"

        # A tampered token, one that has expired, and one for a formal notice: a clear page, nothing changed.
        token = link.rsplit("/", 1)[1]
        tampered = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
        secretariat_id = ids.parse((await sec.execute("{ viewer { id } }"))["viewer"]["id"], "User")
        assert secretariat_id is not None
        expired = unsubscribe_token(
            mailing.settings.secret_key,
            secretariat_id,
            Kind.DECISION_RECORDED,
            mail_clock.now() - UNSUBSCRIBE_VALID - timedelta(hours=1),
        )
        formal = unsubscribe_token(mailing.settings.secret_key, secretariat_id, Kind.ROUND_OPENED, mail_clock.now())
        for bad in (tampered, expired, formal, "x" * 2000):
            for method in ("GET", "POST"):
                refused = await anonymous.request(method, f"/unsubscribe/{bad}", data={"List-Unsubscribe": "One-Click"})
                assert refused.status_code == 400, (bad, method)
                assert "Linket til afmelding virker ikke: det er udløbet eller ændret. Intet er ændret." in refused.text
        assert await _delivery(sec, "DECISION_RECORDED") == "IMMEDIATE"

        # The mail client's one-click POST turns the kind off.
        done = await anonymous.post(
            link,
            content=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert done.status_code == 200
        assert "Du får ikke længere e-mails om »En part har svaret i en skriftlig proces«" in html.unescape(done.text)
    try:
        assert await _delivery(sec, "DECISION_RECORDED") == "OFF"
        assert await _delivery(users[SUM], "DECISION_RECORDED") == "IMMEDIATE"  # only that user's
        await _decide(users[REGIONS], round["id"], orgs["danske-regioner"])
        await _decide(users[SUM], round["id"], orgs["sum"])
        await mail_server.wait_for(1, to=SUM, subject=f"Resultat: {title}")
        await asyncio.sleep(0.5)
        assert len(mail_server.messages(to=SECRETARIAT, subject=f"har svaret: {title}")) == 1
    finally:
        await sec.execute(PREFERENCE, {"input": {"kind": "DECISION_RECORDED", "delivery": "IMMEDIATE"}})


async def _walk(api: Api, limit: int, states: list[str] | None = None) -> list[list[dict[str, Any]]]:
    """Every page of the outbox, following nextBefore."""
    pages, before = [], None
    while True:
        page = (await api.execute(OUTBOX, {"limit": limit, "before": before, "states": states}))["outbox"]
        pages.append(page["items"])
        before = page["nextBefore"]
        if before is None:
            return pages


async def test_the_outbox_is_read_a_page_at_a_time_newest_first(
    mailing: RunningApp, mail_server: MailServer, users: dict[str, Api]
) -> None:
    sec = users[SECRETARIAT]
    orgs = await _organizations(sec)
    invite = """mutation($input: InviteUserInput!) { inviteUser(input: $input) { __typename } }"""
    already = len((await sec.execute(OUTBOX, {"states": ["UNDELIVERABLE"]}))["outbox"]["items"])
    for n in range(2):
        address = f"rejected-{next(_n)}@plo.example"
        person = {"email": address, "name": f"Afvist {n}", "organizationId": orgs["plo"], "roles": ["READER"]}
        await sec.execute(invite, {"input": person})
    undeliverable: list[dict[str, Any]] = []
    for _ in range(100):
        undeliverable = (await sec.execute(OUTBOX, {"states": ["UNDELIVERABLE"]}))["outbox"]["items"]
        if len(undeliverable) == already + 2:
            break
        await asyncio.sleep(0.1)

    whole = (await sec.execute(OUTBOX, {"limit": 200}))["outbox"]
    assert whole["nextBefore"] is None and len(whole["items"]) >= 8
    created = [datetime.fromisoformat(m["createdAt"]) for m in whole["items"]]
    assert created == sorted(created, reverse=True)  # newest first
    pages = await _walk(sec, 3)
    assert len(pages) >= 3 and all(len(page) <= 3 for page in pages)
    assert [m["id"] for page in pages for m in page] == [m["id"] for m in whole["items"]]  # each once, in order

    # The undeliverable filter, a page at a time too.
    failed = await _walk(sec, 1, ["UNDELIVERABLE"])
    assert [len(page) for page in failed] == [1] * (already + 2)
    assert [m["id"] for page in failed for m in page] == [m["id"] for m in undeliverable]
    assert {m["state"] for page in failed for m in page} == {"UNDELIVERABLE"}
    assert [m["id"] for m in undeliverable] == [m["id"] for m in whole["items"] if m["state"] == "UNDELIVERABLE"]


async def test_messages_written_before_numbering_are_numbered_at_start_up_and_shown_last(
    settings: Settings,
    mongodb_uri: str,
    mailing: RunningApp,
    mail_server: MailServer,
    mail_clock: ManualClock,
    users: dict[str, Api],
) -> None:
    """Issue 19: the outbox pages by number; a message written without one (before numbering)
    gets one at the next start-up, below every other, and is listed where its date puts it."""
    sec = users[SECRETARIAT]
    await sec.execute(  # at least one message written the new way
        """mutation($input: InviteUserInput!) { inviteUser(input: $input) { __typename } }""",
        {
            "input": {
                "email": f"nummer-{next(_n)}@plo.example",
                "name": "Nummereret",
                "organizationId": (await _organizations(sec))["plo"],
                "roles": ["READER"],
            }
        },
    )
    client = dbmod.connect(mongodb_uri)
    second: RunningApp | None = None
    try:
        outbox = client[mailing.settings.database]["outbox"]
        # The store as the code before numbering left it: its counter knows nothing of older messages.
        await client[mailing.settings.database]["counters"].update_one(
            {"_id": "outbox"}, {"$unset": {"older_numbered": ""}}
        )
        template = await outbox.find_one({"seq": {"$gte": 1}}, sort=[("created_at", 1)])
        assert template is not None
        # Written the old way: every field but the number, before every numbered message.
        older = []
        for days in (3, 2):
            doc = {k: v for k, v in template.items() if k != "seq"}
            doc |= {"_id": ObjectId(), "event_key": f"older-{next(_n)}", "state": "SENT"}
            doc["created_at"] = template["created_at"] - timedelta(days=days)
            await outbox.insert_one(doc)
            older.append(ids.encode("Notification", doc["_id"]))
        before = [m["id"] for page in await _walk(sec, 3) for m in page]
        assert not set(older) & set(before)  # unnumbered: never in the page

        second = mail_app(settings, mongodb_uri, mail_server, mail_clock, database=mailing.settings.database)
        listed = [m["id"] for page in await _walk(sec, 3) for m in page]
        assert listed == before + older[::-1]  # the older two last, oldest last, nothing else moved
        numbers = {d["_id"]: d["seq"] async for d in outbox.find({"event_key": {"$regex": "^older-"}})}
        await ensure_indexes(client[mailing.settings.database])  # the next start-up changes nothing
        assert numbers == {d["_id"]: d["seq"] async for d in outbox.find({"event_key": {"$regex": "^older-"}})}
        assert [m["id"] for page in await _walk(sec, 2) for m in page] == listed
    finally:
        if second is not None:
            second.stop()
        await client.close()


CONSULTATION_RESULT = f"{RESULT} ... on ConsultationOpened {{ consultation {{ id deadline }} }}"
OPEN_CONSULTATION = f"""mutation($input: OpenConsultationInput!) {{ openConsultation(input: $input) {{
  {CONSULTATION_RESULT} }} }}"""
NO_REMARKS = f"""mutation($input: ConsultationPartyInput!) {{ respondNoRemarks(input: $input) {{
  {RESULT} ... on ConsultationAnswered {{ consultation {{ id }} }} }} }}"""
PUBLISH = f"""mutation($input: PublishAnswersInput!) {{ publishAnswers(input: $input) {{
  {RESULT} ... on AnswersPublished {{ organizations {{ slug }} }} }} }}"""
CLOSE = f"""mutation($input: CloseConsultationInput!) {{ closeConsultation(input: $input) {{
  {RESULT} ... on ConsultationClosed {{ consultation {{ state }} }} }} }}"""
CONSULTATION_TASKS = """{ myTasks { kind due count consultation { id } document { slug } } }"""
LETTER = (
    "Sundhedsdatastyrelsen sender hermed **udkast til strategi for sundhedsdata** i høring hos parterne. "
    "Vi beder særligt om bemærkninger til afsnittet om borgerens adgang til egne data og til de økonomiske "
    "konsekvenser for kommuner og regioner. " + "Baggrunden er beskrevet i bilaget. " * 20
)
CONSULTED = {  # the consulted parties' commenters and approvers
    "kl": (KL_COMMENTER, KL),
    "danske-regioner": (REGIONS_COMMENTER, REGIONS),
    "plo": (PLO_COMMENTER,),
}


async def _consultation_tasks(api: Api, consultation_id: str) -> list[dict[str, Any]]:
    tasks = (await api.execute(CONSULTATION_TASKS))["myTasks"]
    return [t for t in tasks if t["consultation"] and t["consultation"]["id"] == consultation_id]


async def test_a_consultation_by_mail_opened_reminded_answered_and_closed(
    mailing: RunningApp, mail_server: MailServer, users: dict[str, Api], mail_clock: ManualClock
) -> None:
    sec = users[SECRETARIAT]
    for email in (REGIONS_COMMENTER, PLO_COMMENTER):
        users[email] = Api(mailing.url)
        await users[email].sign_in(email)
    title = f"Strategi for sundhedsdata {next(_n)}"
    document_id = await _fresh_document(sec, title=title)
    slug = (await sec.execute("query($id: ID!) { document(id: $id) { slug } }", {"id": document_id}))["document"][
        "slug"
    ]
    snapshot = await sec.execute(
        """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
             ... on SnapshotCreated { snapshot { id } } } }""",
        {"input": {"documentId": document_id, "label": "Høringsudkast"}},
    )
    orgs = await _organizations(sec)
    local = mail_clock.now().astimezone(COPENHAGEN) + timedelta(days=21)
    deadline = local.replace(hour=12, minute=0, second=0, microsecond=0)
    opened = await sec.execute(
        OPEN_CONSULTATION,
        {
            "input": {
                "snapshotId": snapshot["createSnapshot"]["snapshot"]["id"],
                "deadline": deadline.isoformat(),
                "organizationIds": [orgs[p] for p in CONSULTED],
                "letter": LETTER,
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    consultation_id = opened["openConsultation"]["consultation"]["id"]
    link = f"{mailing.url}/consultations/{consultation_id}"
    subject = f"Høring: {title}"

    # KL's, PLO's and the regions' commenters and approvers each get one Danish message: link,
    # deadline (and .ics), the høringsbrev's start.
    recipients = [email for party in CONSULTED.values() for email in party]
    for email in recipients:
        [message] = await mail_server.wait_for(1, to=email, subject=subject)
        text = body(message).replace("\r\n", "\n")
        assert message["Content-Language"] == "da"
        assert str(message["Subject"]).startswith(subject + " – frist ")
        assert "er part i høringen om" in text and "Høringsfristen er" in text
        assert link in text and link in body(message, "html")
        assert "Høringsbrevet begynder sådan:\n> Sundhedsdatastyrelsen sender hermed udkast til strategi" in text
        assert text.count("Baggrunden er beskrevet i bilaget.") < 20  # the start, not the whole letter
        assert _calendar_deadline(message) == deadline
    for email in (SDS, SUM, SECRETARIAT):
        assert mail_server.messages(to=email, subject=subject) == []
    kl_message = mail_server.messages(to=KL_COMMENTER, subject=subject)[0]
    assert "KL – Kommunernes Landsforening er part i høringen" in body(kl_message)

    # Mine opgaver: the response each party owes, with its own drafts counted — KL's draft for KL only.
    draft = "KL-kladde: kommunernes udgifter til datadeling er undervurderet."
    section = (
        await users[KL_COMMENTER].execute(
            "query($id: ID!) { document(id: $id) { sections { id version } } }", {"id": document_id}
        )
    )["document"]["sections"][0]
    added = await users[KL_COMMENTER].execute(
        """mutation($input: AddCommentInput!) { addComment(input: $input) { __typename ... on UserError { message } } }""",
        {"input": {"sectionId": section["id"], "version": section["version"], "body": draft}},
    )
    assert added["addComment"]["__typename"] == "CommentAdded", added
    for email, drafts in ((KL_COMMENTER, 1), (KL, 1), (PLO_COMMENTER, 0), (REGIONS_COMMENTER, 0)):
        [task] = await _consultation_tasks(users[email], consultation_id)
        assert (task["kind"], task["count"], task["document"]["slug"]) == ("CONSULTATION_RESPONSE", drafts, slug)
        assert datetime.fromisoformat(task["due"]) == deadline
    for email in (SDS, SUM, SECRETARIAT):
        assert await _consultation_tasks(users[email], consultation_id) == []

    # PLO answers "ingen bemærkninger": its task is gone and it is reminded no more.
    answered = await users[PLO_COMMENTER].execute(
        NO_REMARKS, {"input": {"consultationId": consultation_id, "organizationId": orgs["plo"]}}
    )
    assert answered["respondNoRemarks"]["__typename"] == "ConsultationAnswered", answered
    assert await _consultation_tasks(users[PLO_COMMENTER], consultation_id) == []

    # T−3 working days at 09:00: the reminder reaches KL and the regions, not PLO.
    reminder_subject = f"Påmindelse: høring om {title}"
    moment = reminder_moment(deadline, 3)
    mail_clock.advance(moment - timedelta(minutes=1) - mail_clock.now())
    await asyncio.sleep(0.5)
    assert mail_server.messages(subject=reminder_subject) == []
    mail_clock.advance(timedelta(minutes=2))
    for email in (KL_COMMENTER, KL, REGIONS_COMMENTER, REGIONS):
        [reminder] = await mail_server.wait_for(1, to=email, subject=reminder_subject)
        assert "har endnu ikke afgivet høringssvar" in body(reminder) and link in body(reminder)
    await asyncio.sleep(0.5)
    assert mail_server.messages(to=PLO_COMMENTER, subject=reminder_subject) == []

    # The secretariat's own reminder: to KL; PLO has answered, so not to PLO.
    remind = f"""mutation($input: SendReminderInput!) {{ sendReminder(input: $input) {{
      {RESULT} ... on ReminderSent {{ messages round {{ id }} consultation {{ id }} }} }} }}"""
    refused = await sec.execute(
        remind, {"input": {"consultationId": consultation_id, "organizationIds": [orgs["plo"]]}}
    )
    assert refused["sendReminder"]["message"] == "Mindst én af de valgte parter har allerede afgivet høringssvar."
    sent = await sec.execute(remind, {"input": {"consultationId": consultation_id, "organizationIds": [orgs["kl"]]}})
    assert sent["sendReminder"] == {
        "__typename": "ReminderSent",
        "messages": 2,
        "round": None,
        "consultation": {"id": consultation_id},
    }
    assert len(await mail_server.wait_for(2, to=KL_COMMENTER, subject=reminder_subject)) == 2
    assert len(mail_server.messages(to=REGIONS_COMMENTER, subject=reminder_subject)) == 1

    # The consultation closes: every consulted party hears of it.
    closed = await sec.execute(CLOSE, {"input": {"consultationId": consultation_id}})
    assert closed["closeConsultation"]["__typename"] == "ConsultationClosed", closed
    for email in recipients:
        [message] = await mail_server.wait_for(1, to=email, subject=f"Høringen er afsluttet: {title}")
        assert link in body(message)
    assert await _consultation_tasks(users[KL], consultation_id) == []

    # The steering group's answers to KL are published: KL hears of it, nobody else.
    published = await sec.execute(
        PUBLISH, {"input": {"consultationId": consultation_id, "organizationIds": [orgs["kl"]]}}
    )
    assert published["publishAnswers"]["__typename"] == "AnswersPublished", published
    answers = f"Svar på jeres høringssvar: {title}"
    for email in CONSULTED["kl"]:
        [message] = await mail_server.wait_for(1, to=email, subject=answers)
        assert "svar på høringssvaret fra KL – Kommunernes Landsforening" in body(message)
        assert f"{mailing.url}/documents/{slug}/comments" in body(message)
    await asyncio.sleep(0.5)
    assert [str(m["To"]) for m in mail_server.messages(subject=answers)] == list(CONSULTED["kl"])

    # Nothing about KL's draft reached anyone; every message once.
    everything = mail_server.messages()
    assert not any("udgifter til datadeling" in body(m) for m in everything)
    assert len({m["Message-ID"] for m in everything}) == len(everything)
    for email in (REGIONS_COMMENTER, PLO_COMMENTER):
        await users.pop(email).close()
