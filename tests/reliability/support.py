"""What the reliability tests share: scale, figures, a write load whose clients log acknowledgements,
and the checks of DESIGN.md §4 against the store.

``UDKAST_SOAK=1`` (``make soak``) scales every count up to the long form.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from bson import ObjectId

from server import ids
from server.db import Database
from tests.api.drafting_support import SAVE
from tests.support import SUBMISSION_PREVIEW, Api

SOAK = os.environ.get("UDKAST_SOAK", "") not in ("", "0")
ROOT = Path(__file__).resolve().parents[2]


def scale(fast: int, soak: int) -> int:
    return soak if SOAK else fast


# Figures of the run, printed at the end (see conftest.py) and written to test-artifacts/.
FIGURES: Counter[str] = Counter()


def write_figures() -> Path | None:
    if not FIGURES:
        return None
    out = ROOT / "test-artifacts" / "reliability-figures.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"soak": SOAK, **dict(sorted(FIGURES.items()))}, indent=2) + "\n")
    return out


def session_client(url: str, session: str, *, timeout: float = 120) -> Api:
    """A client with its own connections on an existing session.

    The time-out is generous: under a storm the embedded store (one SQLite writer) queues writes,
    and the test measures how long they wait (a figure) rather than failing on a slow machine.
    """
    api = Api(url)
    api.http.timeout = httpx.Timeout(timeout)
    api.http.cookies.set("udkast_session", session)
    return api


def oid(api_id: str) -> ObjectId:
    parsed = ids.parse_any(api_id)
    assert parsed is not None, api_id
    return parsed[1]


@dataclass
class Acks:
    """What the server acknowledged, as the clients saw it: the promises the store must keep."""

    saves: list[dict[str, Any]] = field(default_factory=list)  # section, number, title, body
    comments: dict[str, str] = field(default_factory=dict)  # comment id -> body
    answers: list[dict[str, Any]] = field(default_factory=list)  # comment, status, response
    submitted: set[str] = field(default_factory=set)  # comment ids acknowledged as submitted
    decisions: list[dict[str, Any]] = field(default_factory=list)  # round, organization, decision, remarks
    outcomes: Counter[str] = field(default_factory=Counter)  # typename / error kind -> count
    requests: int = 0
    slowest: float = 0.0
    slowest_failure: float = 0.0  # the longest wait for an answer that was an error
    slowest_by_operation: dict[str, float] = field(default_factory=dict)

    def merge(self, other: Acks) -> None:
        self.saves += other.saves
        self.comments.update(other.comments)
        self.answers += other.answers
        self.submitted |= other.submitted
        self.decisions += other.decisions
        self.outcomes += other.outcomes
        self.requests += other.requests
        self.slowest = max(self.slowest, other.slowest)
        self.slowest_failure = max(self.slowest_failure, other.slowest_failure)
        for name, seconds in other.slowest_by_operation.items():
            self.slowest_by_operation[name] = max(seconds, self.slowest_by_operation.get(name, 0.0))


class Failed(Exception):
    """A request that got no GraphQL answer (connection refused, time-out, 5xx without a body)."""


async def call(api: Api, acks: Acks, query: str, variables: dict[str, Any]) -> dict[str, Any] | None:
    """The data of one request, or None after a request-level error (recorded in ``acks.outcomes``)."""
    started = time.monotonic()
    acks.requests += 1
    try:
        response = await api.raw(query, variables)
    except httpx.HTTPError as error:
        acks.outcomes[f"transport:{type(error).__name__}"] += 1
        acks.slowest_failure = max(acks.slowest_failure, time.monotonic() - started)
        return None
    finally:
        elapsed = time.monotonic() - started
        acks.slowest = max(acks.slowest, elapsed)
        name = _operation_name(query)
        acks.slowest_by_operation[name] = max(elapsed, acks.slowest_by_operation.get(name, 0.0))
    try:
        payload = response.json()
    except ValueError:
        payload = {"errors": [{"extensions": {"code": "not-json"}}]}
    if payload.get("errors"):
        codes = {str((e.get("extensions") or {}).get("code")) for e in payload["errors"]}
        acks.outcomes[f"http:{response.status_code}:{','.join(sorted(codes))}"] += 1
        acks.slowest_failure = max(acks.slowest_failure, elapsed)
        return None
    return payload["data"]  # type: ignore[no-any-return]


def _operation_name(query: str) -> str:
    """The first field of an operation: ``saveSection``, ``node``, …"""
    body = query.split("{", 1)[1]
    return body.split("(", 1)[0].split("{", 1)[0].strip()


SECTION_HEAD = "query($id: ID!) { node(id: $id) { ... on Section { id version body title } } }"
ADD_COMMENT = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id body submitted } } ... on UserError { message code } } }"""
SUBMIT = """mutation($id: ID!, $n: Int!) { submitOrganisationComments(documentId: $id, expectedCount: $n) {
  __typename ... on CommentsSubmitted { comments { id submitted } } ... on UserError { message code } } }"""
OPEN_COMMENTS = """query($id: ID!) { document(id: $id) { sections { comments { id submitted status } } } }"""
RESPOND = """mutation($input: RespondToCommentInput!) { respondToComment(input: $input) {
  __typename ... on CommentAnswered { comment { id status response } } ... on UserError { message code } } }"""
DECIDE = """mutation($input: RecordDecisionInput!) { recordDecision(input: $input) {
  __typename ... on DecisionRecorded { round { id state } } ... on UserError { message code } } }"""
DECISIONS = ("APPROVE", "APPROVE_WITH_REMARKS", "OBJECT", "ABSTAIN")
STATUSES = ("ACCEPTED", "PARTLY_ACCEPTED", "REJECTED", "NOTED", "OPEN")
PARAGRAPHS = 12


def initial_body(n: int = PARAGRAPHS) -> str:
    return "\n\n".join(f"Stykke {p}: den oprindelige tekst om sammenhængende forløb." for p in range(n))


def edited(body: str, client: int, round_: int) -> str:
    """Change the client's own paragraph: concurrent edits of other paragraphs merge, the same one conflicts."""
    parts = body.split("\n\n")
    slot = client % len(parts)
    parts[slot] = f"Stykke {slot}: ændret af klient {client} i runde {round_} — æøå ✓ שלום e\u0301."
    return "\n\n".join(parts)


async def saver(api: Api, acks: Acks, client: int, sections: list[str], rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    for round_ in range(rounds):
        section = rng.choice(sections)
        head = await call(api, acks, SECTION_HEAD, {"id": section})
        if head is None or head["node"] is None:
            continue
        body = edited(head["node"]["body"], client, round_)
        variables = {
            "input": {
                "sectionId": section,
                "baseVersion": head["node"]["version"],
                "title": head["node"]["title"],
                "body": body,
                "summary": f"klient {client} runde {round_}",
            }
        }
        data = await call(api, acks, SAVE, variables)
        if data is None:
            continue
        result = data["saveSection"]
        acks.outcomes[result["__typename"]] += 1
        if result["__typename"] == "SectionSaved" and result["changed"]:
            version = result["version"]
            acks.saves.append(
                {"section": section, "number": version["number"], "title": version["title"], "body": version["body"]}
            )


async def commenter(
    api: Api, acks: Acks, client: int, document: str, sections: list[str], rounds: int, seed: int
) -> None:
    rng = random.Random(seed)
    for round_ in range(rounds):
        if round_ % 3 == 2:
            preview = await call(api, acks, SUBMISSION_PREVIEW, {"id": document})
            if preview is None or preview["document"] is None:
                continue
            count = preview["document"]["submissionPreview"]["count"]
            data = await call(api, acks, SUBMIT, {"id": document, "n": count})
            if data is not None:
                result = data["submitOrganisationComments"]
                acks.outcomes[result["__typename"]] += 1
                if result["__typename"] == "CommentsSubmitted":
                    acks.submitted |= {c["id"] for c in result["comments"] if c["submitted"]}
            continue
        body = f"Bemærkning fra klient {client}, runde {round_}: 👍 <b>fed</b> ﷽"
        variables = {"input": {"sectionId": rng.choice(sections), "version": 1, "body": body}}
        data = await call(api, acks, ADD_COMMENT, variables)
        if data is None:
            continue
        result = data["addComment"]
        acks.outcomes[result["__typename"]] += 1
        if result["__typename"] == "CommentAdded":
            acks.comments[result["comment"]["id"]] = result["comment"]["body"]
            if result["comment"]["submitted"]:
                acks.submitted.add(result["comment"]["id"])


async def responder(api: Api, acks: Acks, client: int, document: str, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    for round_ in range(rounds):
        data = await call(api, acks, OPEN_COMMENTS, {"id": document})
        if data is None or data["document"] is None:
            continue
        submitted = [c["id"] for s in data["document"]["sections"] for c in s["comments"] if c["submitted"]]
        if not submitted:
            await asyncio.sleep(0.05)
            continue
        comment = rng.choice(submitted)
        status = rng.choice(STATUSES)
        response = f"Svar {client}.{round_}: tak — vi ser på det."
        data = await call(api, acks, RESPOND, {"input": {"commentId": comment, "status": status, "response": response}})
        if data is None:
            continue
        result = data["respondToComment"]
        acks.outcomes[result["__typename"]] += 1
        if result["__typename"] == "CommentAnswered":
            acks.answers.append({"comment": comment, "status": status, "response": response})


async def decider(api: Api, acks: Acks, client: int, round_id: str, organization: str, rounds: int, seed: int) -> None:
    """An approver changing their organisation's decision again and again while the round is open."""
    rng = random.Random(seed)
    for round_ in range(rounds):
        decision = rng.choice(DECISIONS)
        remarks = "" if decision in ("APPROVE", "ABSTAIN") else f"Forbehold {client}.{round_}: afsnit 3 — ‏مرحبا‏"
        variables = {
            "input": {
                "roundId": round_id,
                "organizationId": organization,
                "decision": decision,
                "remarks": remarks,
                "internalNote": f"behandlet i direktionen, klient {client} runde {round_}",
                "sectionIds": [],
            }
        }
        data = await call(api, acks, DECIDE, variables)
        if data is None:
            continue
        result = data["recordDecision"]
        acks.outcomes[result["__typename"]] += 1
        if result["__typename"] == "DecisionRecorded":
            acks.decisions.append(
                {"round": round_id, "organization": organization, "decision": decision, "remarks": remarks}
            )


# The checks of DESIGN.md §4 against the store itself.


async def contiguity_problems(db: Database, section_ids: Iterable[ObjectId]) -> list[str]:
    """Sections whose version numbers are not exactly 1..n, or whose head is ahead of its versions."""
    problems = []
    for section_id in section_ids:
        numbers = [d["number"] async for d in db["section_versions"].find({"section_id": section_id}, {"number": 1})]
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append(f"{section_id}: version numbers {sorted(numbers)}")
        head = await db["sections"].find_one({"_id": section_id}, {"version": 1})
        if head is None or head["version"] > len(numbers):
            problems.append(f"{section_id}: head {head and head['version']} ahead of {len(numbers)} versions")
    return problems


async def lost_saves(db: Database, saves: Iterable[dict[str, Any]]) -> list[str]:
    """Acknowledged saves whose version is missing or holds other text than acknowledged."""
    lost = []
    for ack in saves:
        doc = await db["section_versions"].find_one({"section_id": oid(ack["section"]), "number": ack["number"]})
        if doc is None or doc["body"] != ack["body"] or doc["title"] != ack["title"]:
            lost.append(f"{ack['section']} v{ack['number']}: {'missing' if doc is None else 'other text'}")
    return lost


async def saves_without_event(db: Database, saves: Iterable[dict[str, Any]]) -> list[str]:
    missing = []
    for ack in saves:
        query = {
            "entity_type": "Section",
            "entity_id": oid(ack["section"]),
            "kind": {"$in": ["section.saved", "section.restored"]},
            "data.version": ack["number"],
        }
        if await db["events"].count_documents(query, limit=1) == 0:
            missing.append(f"{ack['section']} v{ack['number']}")
    return missing


async def lost_comments(db: Database, acks: Acks) -> list[str]:
    """Acknowledged comments, submissions and answers that the store or the event log does not hold."""
    lost = []
    for comment_id, body in acks.comments.items():
        doc = await db["comments"].find_one({"_id": oid(comment_id)})
        if doc is None or doc["body"] != body:
            lost.append(f"comment {comment_id}: {'missing' if doc is None else 'other text'}")
        elif acks.submitted.__contains__(comment_id) and not doc["submitted"]:
            lost.append(f"comment {comment_id}: acknowledged as submitted, stored as draft")
        events = {"entity_type": "Comment", "entity_id": oid(comment_id), "kind": "comment.added"}
        if await db["events"].count_documents(events, limit=1) == 0:
            lost.append(f"comment {comment_id}: no comment.added event")
    answered: Counter[str] = Counter(a["comment"] for a in acks.answers)
    for comment_id, count in answered.items():
        query = {"entity_type": "Comment", "entity_id": oid(comment_id), "kind": "comment.answered"}
        logged = await db["events"].count_documents(query)
        if logged < count:
            lost.append(f"comment {comment_id}: {count} answers acknowledged, {logged} comment.answered events")
        doc = await db["comments"].find_one({"_id": oid(comment_id)})
        final = (doc["status"], doc["response"]) if doc else None
        if final not in {(a["status"], a["response"]) for a in acks.answers if a["comment"] == comment_id}:
            lost.append(f"comment {comment_id}: stored answer {final} is none of the acknowledged ones")
    return lost


async def lost_decisions(db: Database, decisions: list[dict[str, Any]]) -> list[str]:
    """Acknowledged decisions missing from their round's log or the event log; gaps in the log's numbers."""
    lost = []
    for round_id in {d["round"] for d in decisions}:
        entries = [e async for e in db["approval_entries"].find({"round_id": oid(round_id)})]
        seqs = sorted(e["seq"] for e in entries)
        if seqs != list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False:
            lost.append(f"round {round_id}: log numbers {seqs}")
        logged: Counter[tuple[Any, ...]] = Counter(
            (str(e["organization_id"]), e["decision"], e["remarks"]) for e in entries if e["kind"] == "DECISION"
        )
        acked: Counter[tuple[Any, ...]] = Counter(
            (str(oid(d["organization"])), d["decision"], d["remarks"]) for d in decisions if d["round"] == round_id
        )
        missing = acked - logged
        if missing:
            lost.append(f"round {round_id}: acknowledged decisions not in the log: {dict(missing)}")
        query = {"entity_type": "ApprovalRound", "entity_id": oid(round_id), "kind": "approval_round.decision_recorded"}
        events = await db["events"].count_documents(query)
        if events < sum(acked.values()):
            lost.append(f"round {round_id}: {sum(acked.values())} decisions acknowledged, {events} events")
    return lost
