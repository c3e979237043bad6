"""A list of consultations costs the store the same round trips as one: the parties' statuses and
what the viewer may answer are read through the request's loaders (``consultation_responses``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from tests.api.drafting_support import new_document, org_ids
from tests.support import KL_COMMENTER, SECRETARIAT, Api, ManualClock, RunningApp

AsUser = Callable[[str], Awaitable[Api]]

SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  ... on SnapshotCreated { snapshot { id } } } }"""
OPEN = """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }"""
CLOSE = """mutation($input: CloseConsultationInput!) { closeConsultation(input: $input) { __typename } }"""
ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }"""
CONSULTATIONS = """query($id: ID) { document(id: $id) { consultations {
  state parties { organization { slug } status respondedAt late noResponse answersPublished }
  viewerCan { manage respondFor { slug } } } } }"""
# What the parties' statuses and the viewer's answers are read from; the app's background tasks
# (closing due consultations and rounds, sending mail) never read these.
READ_FOR_PARTIES = {"consultation_responses", "consultation_publications", "comments"}


async def _document_with_consultations(sec: Api, kl: Api, clock: ManualClock, count: int) -> str:
    """A document with ``count`` consultations of KL and Danske Regioner, each with a KL comment; the last open."""
    doc = await new_document(sec, [("Afsnit", "Tekst i høring.")])
    parties = await org_ids(sec, "kl", "danske-regioner")
    for number in range(count):
        snapshot = await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"]}})
        opened = await sec.execute(
            OPEN,
            {
                "input": {
                    "snapshotId": snapshot["createSnapshot"]["snapshot"]["id"],
                    "deadline": (clock.now() + timedelta(days=14)).isoformat(),
                    "organizationIds": parties,
                    "letter": f"Høring nr. {number + 1}.",
                }
            },
        )
        assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
        added = await kl.execute(
            ADD, {"input": {"sectionId": doc["sections"][0], "version": 1, "body": f"KL's kladde {number + 1}."}}
        )
        assert added["addComment"]["__typename"] == "CommentAdded", added
        if number < count - 1:
            consultation = opened["openConsultation"]["consultation"]["id"]
            await sec.execute(CLOSE, {"input": {"consultationId": consultation}})
    return str(doc["id"])


async def test_a_list_of_consultations_costs_the_round_trips_of_one(
    as_user: AsUser, app: RunningApp, clock: ManualClock
) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    one = await _document_with_consultations(sec, kl, clock, 1)
    three = await _document_with_consultations(sec, kl, clock, 3)
    counter = app.counter
    assert counter is not None

    for viewer in (sec, kl):
        reads = []
        for document, expected in ((one, 1), (three, 3)):
            counter.targets.clear()
            data = await viewer.execute(CONSULTATIONS, {"id": document})
            found = data["document"]["consultations"]
            assert len(found) == expected
            assert all(len(c["parties"]) == 2 for c in found)
            reads.append(sorted(t for t in counter.targets if t.split(" ")[-1] in READ_FOR_PARTIES))
        assert reads[0] == reads[1], reads
        # One read of the responses and one of the comments in the consultations, for all of them.
        assert reads[1].count("find consultation_responses") == 1
        assert reads[1].count("find comments") == 1
