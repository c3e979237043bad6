"""Permission matrix cases for consultations (høringer): open, extend, close, answer, publish."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.matrix import NOBODY, SECRETARIAT_ONLY, Case, World, op

# A consulted party answers through its own commenters and approvers (not its readers, not the secretariat).
KL_ANSWERS = "anon:N secretariat:F kl_editor:O kl_commenter:O kl_reader:F digst_editor:M digst_commenter:M"

OPEN = """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }"""


async def _open_input(world: World, snapshot: str, now: datetime) -> dict[str, Any]:
    return {
        "snapshotId": snapshot,
        "deadline": (now + timedelta(days=14)).isoformat(),
        "organizationIds": [await world.organization_id("kl"), await world.organization_id("danske-regioner")],
        "letter": "Hermed i høring.",
    }


async def _consultation(world: World) -> tuple[str, datetime]:
    snapshot, now = await world.snapshot()
    opened = await world.opened(OPEN, {"input": await _open_input(world, snapshot, now)}, "ConsultationOpened")
    return opened["consultation"]["id"], now


async def _open(world: World, actor: str) -> dict[str, Any]:
    snapshot, now = await world.snapshot()
    return {"input": await _open_input(world, snapshot, now)}


async def _extend(world: World, actor: str) -> dict[str, Any]:
    consultation_id, now = await _consultation(world)
    return {"input": {"consultationId": consultation_id, "deadline": (now + timedelta(days=21)).isoformat()}}


async def _named(world: World, actor: str) -> dict[str, Any]:
    consultation_id, _ = await _consultation(world)
    return {"input": {"consultationId": consultation_id}}


async def _for(world: World, slug: str) -> dict[str, Any]:
    consultation_id, _ = await _consultation(world)
    return {"input": {"consultationId": consultation_id, "organizationId": await world.organization_id(slug)}}


async def _for_kl(world: World, actor: str) -> dict[str, Any]:
    return await _for(world, "kl")


async def _for_regions(world: World, actor: str) -> dict[str, Any]:
    return await _for(world, "danske-regioner")


CASES = [
    Case(
        "openConsultation",
        op("openConsultation", "OpenConsultationInput"),
        _open,
        SECRETARIAT_ONLY,
        success="ConsultationOpened",
    ),
    Case(
        "extendConsultation",
        op("extendConsultation", "ExtendConsultationInput"),
        _extend,
        SECRETARIAT_ONLY,
        success="ConsultationExtended",
    ),
    Case(
        "closeConsultation",
        op("closeConsultation", "CloseConsultationInput"),
        _named,
        SECRETARIAT_ONLY,
        success="ConsultationClosed",
    ),
    Case(
        "publishAnswers",
        op("publishAnswers", "PublishAnswersInput"),
        _named,
        SECRETARIAT_ONLY,
        success="AnswersPublished",
    ),
    Case(
        "respondNoRemarks",
        op("respondNoRemarks", "ConsultationPartyInput"),
        _for_kl,
        KL_ANSWERS,
        success="ConsultationAnswered",
    ),
    Case(
        "respondNoRemarks",
        op("respondNoRemarks", "ConsultationPartyInput"),
        _for_regions,
        NOBODY,
        success="ConsultationAnswered",
        name="respondNoRemarks for another organisation",
    ),
    Case(
        "declineConsultation",
        op("declineConsultation", "ConsultationPartyInput"),
        _for_kl,
        KL_ANSWERS,
        success="ConsultationAnswered",
    ),
    Case(
        "declineConsultation",
        op("declineConsultation", "ConsultationPartyInput"),
        _for_regions,
        NOBODY,
        success="ConsultationAnswered",
        name="declineConsultation for another organisation",
    ),
]
