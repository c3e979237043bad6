"""Confidentiality and sessions (issue 16): access ends when it is taken away, drafts stay private.

Each test is one of the probe's findings: it failed before the fix and holds the rule now.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from server.accounts import passwords
from server.accounts.model import Role
from server.store import Store
from tests.api.drafting_support import new_document, org_ids, save
from tests.api.test_events import Subscription
from tests.support import DEMO_PASSWORD, KL, KL_COMMENTER, REGIONS, SECRETARIAT, Api, RunningApp, drafts_to_send

AsUser = Callable[[str], Awaitable[Api]]
_n = itertools.count()

COMMENT = "id body submitted edits { body } replies { id }"
ADD = f"""mutation($input: AddCommentInput!) {{ addComment(input: $input) {{
  __typename ... on CommentAdded {{ comment {{ {COMMENT} }} }} ... on UserError {{ message code }}
  ... on InvalidInput {{ field }} }} }}"""
EDIT = f"""mutation($input: EditCommentInput!) {{ editComment(input: $input) {{
  __typename ... on CommentEdited {{ comment {{ {COMMENT} }} }} ... on UserError {{ message code }} }} }}"""
SUBMIT = """mutation($documentId: ID!, $expectedCount: Int!) { submitOrganisationComments(documentId: $documentId, expectedCount: $expectedCount) {
  __typename ... on UserError { message } } }"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ __typename ... on Comment {{ {COMMENT} }} }} }}"


async def _new_user(store: Store, app: RunningApp, org: str, roles: list[Role]) -> Api:
    """A fresh account, signed in: these tests end sessions, which the shared demo sessions must survive."""
    email = f"sikkerhed-{next(_n)}-{id(store)}@{org}.example"
    organization = await store.accounts.organization_by_slug(org)
    assert organization is not None
    await store.accounts.create_user(
        email=email,
        name="Sikkerhed Test",
        organization_id=organization.id,
        roles=roles,
        password_hash=await passwords.hash_password(DEMO_PASSWORD),
        at=app.clock.now(),
    )
    api = Api(app.url)
    await api.sign_in(email)
    return api


async def _refused_after(sub: Subscription) -> dict[str, Any]:
    """The subscription's next message, which must end it rather than deliver the event."""
    message = await sub.next(timeout=15)
    assert message["type"] in ("error", "next"), message
    assert message["type"] == "error" or message["payload"].get("errors"), message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    return errors[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("taken_away", ["signOut", "setUserActive", "removeParticipant"])
async def test_a_subscription_ends_when_access_ends(
    taken_away: str, as_user: AsUser, app: RunningApp, store: Store
) -> None:
    sec = await as_user(SECRETARIAT)
    kl = await as_user(KL)
    doc = await new_document(sec, [("Afsnit", "Tekst.")])
    reader = await _new_user(store, app, "danske-regioner", [Role.READER])
    token = reader.http.cookies["udkast_session"]
    async with Subscription(app.url, token) as sub:
        await sub.subscribe({"documentId": doc["id"]})
        await asyncio.sleep(0.5)
        await save(kl, doc["sections"][0], 1, "Før.", title="Afsnit før")
        assert (await sub.events(1))[0]["kind"] == "section.saved"  # positive control

        if taken_away == "signOut":
            await reader.execute("mutation { signOut { __typename } }")
            code = "NOT_SIGNED_IN"
        elif taken_away == "setUserActive":
            user_id = (await reader.execute("{ viewer { id } }"))["viewer"]["id"]
            done = await sec.execute(
                """mutation($input: SetUserActiveInput!) { setUserActive(input: $input) { __typename } }""",
                {"input": {"userId": user_id, "active": False}},
            )
            assert done["setUserActive"]["__typename"] != "Forbidden"
            code = "NOT_SIGNED_IN"
        else:
            [regions] = await org_ids(sec, "danske-regioner")
            removed = await sec.execute(
                """mutation($input: ChangeParticipantInput!) { removeParticipant(input: $input) { __typename } }""",
                {"input": {"documentId": doc["id"], "organizationId": regions}},
            )
            assert removed["removeParticipant"]["__typename"] == "ParticipantsChanged"
            code = "NOT_FOUND"
        await save(kl, doc["sections"][0], 2, "Hemmelig ny tekst.", title="Hemmelig titel")
        error = await _refused_after(sub)
    assert error["extensions"]["code"] == code
    assert "Hemmelig" not in str(error)
    await reader.close()


async def test_draft_wordings_stay_with_the_organisation_after_submission(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")], participants=("kl", "danske-regioner"))
    kl = await as_user(KL_COMMENTER)
    added = await kl.execute(ADD, {"input": {"sectionId": doc["sections"][0], "version": 1, "body": "Intern 1."}})
    comment = added["addComment"]["comment"]
    assert comment["submitted"] is False
    edited = await kl.execute(EDIT, {"input": {"commentId": comment["id"], "body": "Sendt ordlyd."}})
    assert edited["editComment"]["__typename"] == "CommentEdited"
    sent = await kl.execute(SUBMIT, {"documentId": doc["id"], "expectedCount": await drafts_to_send(kl, doc["id"])})
    assert sent["submitOrganisationComments"]["__typename"] == "CommentsSubmitted"
    # What was sent stays as sent: a correction is a new comment.
    again = await kl.execute(EDIT, {"input": {"commentId": comment["id"], "body": "Rettet efter indsendelse."}})
    assert again["editComment"]["code"] == "COMMENT_SENT"

    regions = await as_user(REGIONS)
    seen = (await regions.execute(NODE, {"id": comment["id"]}))["node"]
    assert seen["body"] == "Sendt ordlyd."
    assert seen["edits"] == []  # the draft wording is KL's alone
    own = (await (await as_user(KL)).execute(NODE, {"id": comment["id"]}))["node"]
    assert [e["body"] for e in own["edits"]] == ["Intern 1."]


async def test_a_reply_to_a_draft_is_a_draft_of_the_same_organisation(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")], participants=("kl", "danske-regioner"))
    kl = await as_user(KL_COMMENTER)
    draft = await kl.execute(ADD, {"input": {"sectionId": doc["sections"][0], "version": 1, "body": "Kladde."}})
    draft_id = draft["addComment"]["comment"]["id"]
    steering = await as_user(KL)  # sees the draft (same organisation); its own remarks publish at once
    reply = {"sectionId": doc["sections"][0], "version": 1, "body": "Internt svar på kladden.", "parentId": draft_id}
    added = (await steering.execute(ADD, {"input": reply}))["addComment"]
    assert added["__typename"] == "CommentAdded" and added["comment"]["submitted"] is False
    regions = await as_user(REGIONS)
    assert (await regions.execute(NODE, {"id": added["comment"]["id"]}))["node"] is None
    assert (await sec.execute(NODE, {"id": added["comment"]["id"]}))["node"] is None

    # KL sends its response: the reply goes with it.
    await kl.execute(SUBMIT, {"documentId": doc["id"], "expectedCount": await drafts_to_send(kl, doc["id"])})
    assert (await regions.execute(NODE, {"id": added["comment"]["id"]}))["node"]["submitted"] is True
    answered = (await steering.execute(ADD, {"input": {**reply, "body": "Offentligt svar."}}))["addComment"]
    assert answered["comment"]["submitted"] is True  # to a submitted comment, the steering group answers at once


FEED = """query($id: ID!, $org: ID, $kinds: [String!], $before: Int) {
  events(documentId: $id, organizationId: $org, kinds: $kinds, limit: 1, before: $before) {
    items { seq kind } nextBefore } }"""


async def test_the_activity_feed_and_the_audit_export_show_no_trace_of_others_drafts(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Afsnit", "Tekst.")], participants=("kl", "danske-regioner"))
    kl = await as_user(KL_COMMENTER)
    [kl_org] = await org_ids(sec, "kl")
    for body in ("Kladde et.", "Kladde to."):
        await kl.execute(ADD, {"input": {"sectionId": doc["sections"][0], "version": 1, "body": body}})
    filters = {"id": doc["id"], "org": kl_org, "kinds": ["comment.added"]}

    for reader in (sec, await as_user(REGIONS)):
        page = (await reader.execute(FEED, filters))["events"]
        assert page == {"items": [], "nextBefore": None}  # no cursor into hidden events
    own = (await kl.execute(FEED, filters))["events"]
    assert [e["kind"] for e in own["items"]] == ["comment.added"] and own["nextBefore"] is not None
    older = (await kl.execute(FEED, {**filters, "before": own["nextBefore"]}))["events"]
    assert [e["kind"] for e in older["items"]] == ["comment.added"]

    exported = (await sec.http.get(f"/exports/events/{doc['id']}.json")).json()["events"]
    kinds = [e["kind"] for e in exported]
    assert "comment.added" not in kinds and "section.added" in kinds
    csv_text = (await sec.http.get(f"/exports/events/{doc['id']}.csv")).text
    assert "comment.added" not in csv_text and "section.added" in csv_text

    await kl.execute(SUBMIT, {"documentId": doc["id"], "expectedCount": await drafts_to_send(kl, doc["id"])})
    submitted = [e["kind"] for e in (await sec.http.get(f"/exports/events/{doc['id']}.json")).json()["events"]]
    assert "comments.submitted" in submitted


INCLUDE_DELETED = """query($id: ID!) { node(id: $id) { ... on Document {
  sections(includeDeleted: true) { id deleted } } } }"""


async def test_deleted_sections_are_for_the_steering_group(as_user: AsUser, store: Store, app: RunningApp) -> None:
    sec = await as_user(SECRETARIAT)
    doc = await new_document(sec, [("Beholdt", "Tekst."), ("Slettet", "Hemmelig tekst.")])
    deleted = await sec.execute(
        """mutation($input: DeleteSectionInput!) { deleteSection(input: $input) { __typename } }""",
        {"input": {"sectionId": doc["sections"][1]}},
    )
    assert deleted["deleteSection"]["__typename"] == "SectionDeleted"
    for editor in (sec, await as_user(KL)):
        sections = (await editor.execute(INCLUDE_DELETED, {"id": doc["id"]}))["node"]["sections"]
        assert [s["deleted"] for s in sections] == [False, True]
    reader = await _new_user(store, app, "kl", [Role.READER])
    commenter = await as_user(KL_COMMENTER)
    for other in (reader, commenter):
        sections = (await other.execute(INCLUDE_DELETED, {"id": doc["id"]}))["node"]["sections"]
        assert [s["id"] for s in sections] == [doc["sections"][0]]
    await reader.close()


SIGN_IN = """mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) {
  __typename } }"""


async def test_simultaneous_sign_ins_check_at_most_the_limit(app: RunningApp, store: Store) -> None:
    probe = await _new_user(store, app, "plo", [Role.COMMENTER])
    email = (await probe.execute("{ viewer { email } }"))["viewer"]["email"]
    await probe.execute("mutation { signOut { __typename } }")
    clients = [Api(app.url) for _ in range(20)]
    attempts = [f"forkert adgangskode nummer {i}" for i in range(19)] + [DEMO_PASSWORD]
    answers = await asyncio.gather(
        *(c.execute(SIGN_IN, {"email": email, "password": p}) for c, p in zip(clients, attempts, strict=True))
    )
    kinds = [a["signIn"]["__typename"] for a in answers]
    checked = [k for k in kinds if k != "TooManyAttempts"]
    assert 1 <= len(checked) <= app.settings.signin_account_limit, kinds
    for client in (*clients, probe):
        await client.close()
