"""Permission matrix cases for approval rounds (skriftlig proces): open, decide, await board, extend, withdraw."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.matrix import NOBODY, SECRETARIAT_ONLY, Case, World, op

# Only an approver of the party itself may act for it (KL's approver for KL).
KL_APPROVER = "anon:N secretariat:F kl_editor:O kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"

OPEN = """mutation($input: OpenApprovalRoundInput!) { openApprovalRound(input: $input) {
  __typename ... on ApprovalRoundOpened { round { id } } ... on UserError { message } } }"""


async def _open_input(world: World, snapshot: str, now: datetime) -> dict[str, Any]:
    return {
        "snapshotId": snapshot,
        "title": "Kommissorium i skriftlig proces",
        "deadline": (now + timedelta(days=14)).isoformat(),
        "organizationIds": [await world.organization_id("kl"), await world.organization_id("danske-regioner")],
        "silenceIsConsent": True,
    }


async def _round(world: World) -> tuple[str, datetime]:
    snapshot, now = await world.snapshot()
    opened = await world.opened(OPEN, {"input": await _open_input(world, snapshot, now)}, "ApprovalRoundOpened")
    return opened["round"]["id"], now


async def _open(world: World, actor: str) -> dict[str, Any]:
    snapshot, now = await world.snapshot()
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


CASES = [
    Case(
        "openApprovalRound",
        op("openApprovalRound", "OpenApprovalRoundInput"),
        _open,
        SECRETARIAT_ONLY,
        success="ApprovalRoundOpened",
    ),
    Case(
        "recordDecision",
        op("recordDecision", "RecordDecisionInput"),
        _decide_for_kl,
        KL_APPROVER,
        success="DecisionRecorded",
    ),
    Case(
        "recordDecision",
        op("recordDecision", "RecordDecisionInput"),
        _decide_for_regions,
        NOBODY,
        success="DecisionRecorded",
        name="recordDecision for another organisation",
    ),
    Case(
        "markAwaitingBoard",
        op("markAwaitingBoard", "MarkAwaitingBoardInput"),
        _await_board,
        KL_APPROVER,
        success="AwaitingBoardMarked",
    ),
    Case(
        "extendDeadline",
        op("extendDeadline", "ExtendDeadlineInput"),
        _extend,
        SECRETARIAT_ONLY,
        success="DeadlineExtended",
    ),
    Case(
        "withdrawApprovalRound",
        op("withdrawApprovalRound", "WithdrawApprovalRoundInput"),
        _withdraw,
        SECRETARIAT_ONLY,
        success="ApprovalRoundWithdrawn",
    ),
]
