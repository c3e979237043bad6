"""Permission matrix cases for approval rounds (skriftlig proces): open, decide, await board, extend, withdraw."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.matrix import Case, World

# What only the secretariat may do on a document.
SECRETARIAT_ONLY = "anon:N secretariat:O kl_editor:F kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"
# Only an approver of the party itself may act for it (KL's approver for KL).
KL_APPROVER = "anon:N secretariat:F kl_editor:O kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"
# Nobody may act for another organisation — not even an approver of a party to the round.
NOBODY = "anon:N secretariat:F kl_editor:F kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"

SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id } } } }"""
OPEN = """mutation($input: OpenApprovalRoundInput!) { openApprovalRound(input: $input) {
  __typename ... on ApprovalRoundOpened { round { id } } ... on UserError { message } } }"""
NOW = "query($id: ID!) { node(id: $id) { ... on Document { createdAt } } }"


async def _snapshot(world: World) -> tuple[str, datetime]:
    """A fresh snapshot of a document in which KL and Danske Regioner take part, and the server's time."""
    doc = await world.new_document(participants=("kl", "danske-regioner"))
    data = await world.secretariat.execute(SNAPSHOT, {"input": {"documentId": doc["document"]}})
    now = await world.secretariat.execute(NOW, {"id": doc["document"]})
    return data["createSnapshot"]["snapshot"]["id"], datetime.fromisoformat(now["node"]["createdAt"])


async def _open_input(world: World, snapshot: str, now: datetime) -> dict[str, Any]:
    return {
        "snapshotId": snapshot,
        "title": "Kommissorium i skriftlig proces",
        "deadline": (now + timedelta(days=14)).isoformat(),
        "organizationIds": [await world.organization_id("kl"), await world.organization_id("danske-regioner")],
        "silenceIsConsent": True,
    }


async def _round(world: World) -> tuple[str, datetime]:
    snapshot, now = await _snapshot(world)
    data = await world.secretariat.execute(OPEN, {"input": await _open_input(world, snapshot, now)})
    result = data["openApprovalRound"]
    assert result["__typename"] == "ApprovalRoundOpened", result
    return result["round"]["id"], now


async def _open(world: World, actor: str) -> dict[str, Any]:
    snapshot, now = await _snapshot(world)
    return {"input": await _open_input(world, snapshot, now)}


async def _decide_for(world: World, slug: str) -> dict[str, Any]:
    round_id, _ = await _round(world)
    organization = await world.organization_id(slug)
    return {"input": {"roundId": round_id, "organizationId": organization, "decision": "APPROVE"}}


async def _decide_for_kl(world: World, actor: str) -> dict[str, Any]:
    return await _decide_for(world, "kl")


async def _decide_for_regions(world: World, actor: str) -> dict[str, Any]:
    return await _decide_for(world, "danske-regioner")


async def _await_board(world: World, actor: str) -> dict[str, Any]:
    round_id, _ = await _round(world)
    organization = await world.organization_id("kl")
    return {"input": {"roundId": round_id, "organizationId": organization, "note": "KL's direktion 15.8."}}


async def _extend(world: World, actor: str) -> dict[str, Any]:
    round_id, now = await _round(world)
    deadline = (now + timedelta(days=21)).isoformat()
    return {"input": {"roundId": round_id, "deadline": deadline, "reason": "Direktionen mødes senere."}}


async def _withdraw(world: World, actor: str) -> dict[str, Any]:
    round_id, _ = await _round(world)
    return {"input": {"roundId": round_id, "reason": "Et nyt udkast er på vej."}}


def _op(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}"


CASES = [
    Case(
        "openApprovalRound",
        _op("openApprovalRound", "OpenApprovalRoundInput"),
        _open,
        SECRETARIAT_ONLY,
        success="ApprovalRoundOpened",
    ),
    Case(
        "recordDecision",
        _op("recordDecision", "RecordDecisionInput"),
        _decide_for_kl,
        KL_APPROVER,
        success="DecisionRecorded",
    ),
    Case(
        "recordDecision",
        _op("recordDecision", "RecordDecisionInput"),
        _decide_for_regions,
        NOBODY,
        success="DecisionRecorded",
        name="recordDecision for another organisation",
    ),
    Case(
        "markAwaitingBoard",
        _op("markAwaitingBoard", "MarkAwaitingBoardInput"),
        _await_board,
        KL_APPROVER,
        success="AwaitingBoardMarked",
    ),
    Case(
        "extendDeadline",
        _op("extendDeadline", "ExtendDeadlineInput"),
        _extend,
        SECRETARIAT_ONLY,
        success="DeadlineExtended",
    ),
    Case(
        "withdrawApprovalRound",
        _op("withdrawApprovalRound", "WithdrawApprovalRoundInput"),
        _withdraw,
        SECRETARIAT_ONLY,
        success="ApprovalRoundWithdrawn",
    ),
]
