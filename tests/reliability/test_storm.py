"""A storm of concurrent clients on one document: saving, commenting, answering and deciding.

Every client logs what the server acknowledged; afterwards the store must hold all of it and
DESIGN.md §4 must hold: contiguous version numbers, heads derivable from versions, an event for
every acknowledged write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from server.drafting.service import check_heads
from server.store import Store
from tests.api.drafting_support import new_document, org_ids
from tests.reliability.support import (
    FIGURES,
    Acks,
    commenter,
    contiguity_problems,
    decider,
    initial_body,
    lost_comments,
    lost_decisions,
    lost_saves,
    oid,
    responder,
    saver,
    saves_without_event,
    scale,
    session_client,
)
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
)

EDITORS = (SECRETARIAT, SDS, KL, REGIONS, SUM)
COMMENTERS = (KL_COMMENTER, REGIONS_COMMENTER, PLO_COMMENTER)
PARTIES = ("kl", "danske-regioner", "sum", "sundhedsdatastyrelsen")


async def test_concurrent_clients_lose_nothing(
    as_user: Callable[[str], Awaitable[Api]], store: Store, clock: ManualClock
) -> None:
    clients, rounds = scale(20, 50), scale(5, 20)
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat,
        [(f"Tema {n}", initial_body()) for n in range(3)],
        participants=("kl", "danske-regioner", "sum", "plo"),
    )
    # Seed a few submitted comments so the answering clients have work from the start.
    steering = await as_user(SDS)
    for section in document["sections"]:
        await steering.execute(
            "mutation($i: AddCommentInput!) { addComment(input: $i) { __typename } }",
            {"i": {"sectionId": section, "version": 1, "body": "Styregruppens egen bemærkning."}},
        )

    # A written process on a snapshot of the same document, which KL and the regions keep deciding on;
    # it stays open because the ministry and SDS are required too and never answer.
    snapshot = await secretariat.execute(
        "mutation($i: CreateSnapshotInput!) { createSnapshot(input: $i) { ... on SnapshotCreated { snapshot { id } } } }",
        {"i": {"documentId": document["id"], "label": "Til skriftlig proces"}},
    )
    parties = await org_ids(secretariat, *PARTIES)
    opened = await secretariat.execute(
        """mutation($i: OpenApprovalRoundInput!) { openApprovalRound(input: $i) {
             __typename ... on ApprovalRoundOpened { round { id } } ... on UserError { message } } }""",
        {
            "i": {
                "snapshotId": snapshot["createSnapshot"]["snapshot"]["id"],
                "title": "Godkendelse af kommissorium",
                "deadline": (clock.now() + timedelta(days=300)).isoformat(),
                "organizationIds": parties,
                "silenceIsConsent": False,
            }
        },
    )
    assert opened["openApprovalRound"]["__typename"] == "ApprovalRoundOpened", opened
    round_id = opened["openApprovalRound"]["round"]["id"]
    approvers = {KL: parties[0], REGIONS: parties[1]}

    emails = EDITORS + COMMENTERS
    sessions = {email: (await as_user(email)).http.cookies["udkast_session"] for email in emails}
    work: list[Awaitable[None]] = []
    logs: list[Acks] = []
    apis: list[Api] = []
    for client in range(clients):
        kind = ("save", "save", "comment", "save", "answer", "save", "decide", "comment", "save", "answer")[client % 10]
        email = {
            "comment": COMMENTERS[client % len(COMMENTERS)],
            "decide": (KL, REGIONS)[client // 10 % 2],
        }.get(kind, EDITORS[client % len(EDITORS)])
        api = session_client(secretariat.url, sessions[email])
        acks = Acks()
        apis.append(api)
        logs.append(acks)
        if kind == "save":
            work.append(saver(api, acks, client, document["sections"], rounds, seed=client))
        elif kind == "comment":
            work.append(commenter(api, acks, client, document["id"], document["sections"], rounds, seed=client))
        elif kind == "decide":
            work.append(decider(api, acks, client, round_id, approvers[email], rounds, seed=client))
        else:
            work.append(responder(api, acks, client, document["id"], rounds, seed=client))
    try:
        await asyncio.gather(*work)
    finally:
        for api in apis:
            await api.close()

    total = Acks()
    for acks in logs:
        total.merge(acks)
    request_errors = {k: v for k, v in total.outcomes.items() if k.startswith(("http:", "transport:"))}
    slowest = {name: round(seconds, 1) for name, seconds in total.slowest_by_operation.items()}
    assert request_errors == {}, f"the storm met errors without any fault injected; slowest answers: {slowest}"
    assert total.outcomes["SectionSaved"] > 0 and total.comments and total.answers, total.outcomes
    assert total.decisions, total.outcomes

    db = store.db
    section_ids = [oid(s) for s in document["sections"]]
    assert await contiguity_problems(db, section_ids) == []
    assert await lost_saves(db, total.saves) == []
    assert await saves_without_event(db, total.saves) == []
    assert await lost_comments(db, total) == []
    assert await lost_decisions(db, total.decisions) == []
    lagging = [r for r in await check_heads(store, repair=True) if r.section_id in section_ids]
    assert [r for r in await check_heads(store, repair=False) if r.section_id in section_ids] == []
    # Acknowledged numbers per section are distinct: no two clients were told they wrote the same version.
    numbers = [(a["section"], a["number"]) for a in total.saves]
    assert len(numbers) == len(set(numbers))

    FIGURES["storm: concurrent clients"] += clients
    FIGURES["storm: requests"] += total.requests
    FIGURES["storm: acknowledged saves"] += len(total.saves)
    FIGURES["storm: acknowledged comments"] += len(total.comments)
    FIGURES["storm: acknowledged answers"] += len(total.answers)
    FIGURES["storm: acknowledged decisions"] += len(total.decisions)
    FIGURES["storm: merged or conflicting saves answered"] += total.outcomes["VersionConflict"]
    FIGURES["storm: heads rolled forward by check"] += len(lagging)
    FIGURES["storm: slowest answer (ms)"] = max(FIGURES["storm: slowest answer (ms)"], int(total.slowest * 1000))
    for name, seconds in total.slowest_by_operation.items():
        key = f"storm: slowest {name} (ms)"
        FIGURES[key] = max(FIGURES[key], int(seconds * 1000))
    FIGURES["lost writes"] += 0


EDIT = """mutation($i: EditCommentInput!) { editComment(input: $i) {
  __typename ... on CommentEdited { comment { body } } ... on UserError { message code } } }"""


async def test_concurrent_edits_of_one_comment_keep_every_acknowledged_wording(
    as_user: Callable[[str], Awaitable[Api]],
) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Tema", "Tekst om data.")])
    author = await as_user(SDS)
    added = await author.execute(
        "mutation($i: AddCommentInput!) { addComment(input: $i) { ... on CommentAdded { comment { id } } } }",
        {"i": {"sectionId": document["sections"][0], "version": 1, "body": "Første ordlyd."}},
    )
    comment = added["addComment"]["comment"]["id"]
    apis = [Api(author.url) for _ in range(10)]
    for api in apis:
        api.http.cookies.set("udkast_session", author.http.cookies["udkast_session"])
    try:
        results = await asyncio.gather(
            *(api.execute(EDIT, {"i": {"commentId": comment, "body": f"Ordlyd {n}."}}) for n, api in enumerate(apis))
        )
    finally:
        for api in apis:
            await api.close()
    acknowledged = {r["editComment"]["comment"]["body"] for r in results if "comment" in r["editComment"]}
    stored = await author.execute(
        "query($id: ID!) { node(id: $id) { ... on Comment { body edits { body } } } }", {"id": comment}
    )
    kept = {stored["node"]["body"], *(e["body"] for e in stored["node"]["edits"])}
    assert acknowledged - kept == set(), f"acknowledged edits lost: {sorted(acknowledged - kept)}"
