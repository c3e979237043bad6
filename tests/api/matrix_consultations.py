"""Permission matrix cases for consultations (høringer): open, extend, close, answer, publish."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.matrix import Case, World

# What only the secretariat may do on a document.
SECRETARIAT_ONLY = "anon:N secretariat:O kl_editor:F kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"
# A consulted party answers through its own commenters and approvers (not its readers, not the secretariat).
KL_ANSWERS = "anon:N secretariat:F kl_editor:O kl_commenter:O kl_reader:F digst_editor:M digst_commenter:M"
# Nobody answers for another organisation.
NOBODY = "anon:N secretariat:F kl_editor:F kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"

SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id } } } }"""
OPEN = """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }"""
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
        "deadline": (now + timedelta(days=14)).isoformat(),
        "organizationIds": [await world.organization_id("kl"), await world.organization_id("danske-regioner")],
        "letter": "Hermed i høring.",
    }


async def _consultation(world: World) -> tuple[str, datetime]:
    snapshot, now = await _snapshot(world)
    data = await world.secretariat.execute(OPEN, {"input": await _open_input(world, snapshot, now)})
    result = data["openConsultation"]
    assert result["__typename"] == "ConsultationOpened", result
    return result["consultation"]["id"], now


async def _open(world: World, actor: str) -> dict[str, Any]:
    snapshot, now = await _snapshot(world)
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


def _op(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}"


CASES = [
    Case(
        "openConsultation",
        _op("openConsultation", "OpenConsultationInput"),
        _open,
        SECRETARIAT_ONLY,
        success="ConsultationOpened",
    ),
    Case(
        "extendConsultation",
        _op("extendConsultation", "ExtendConsultationInput"),
        _extend,
        SECRETARIAT_ONLY,
        success="ConsultationExtended",
    ),
    Case(
        "closeConsultation",
        _op("closeConsultation", "CloseConsultationInput"),
        _named,
        SECRETARIAT_ONLY,
        success="ConsultationClosed",
    ),
    Case(
        "publishAnswers",
        _op("publishAnswers", "PublishAnswersInput"),
        _named,
        SECRETARIAT_ONLY,
        success="AnswersPublished",
    ),
    Case(
        "respondNoRemarks",
        _op("respondNoRemarks", "ConsultationPartyInput"),
        _for_kl,
        KL_ANSWERS,
        success="ConsultationAnswered",
    ),
    Case(
        "respondNoRemarks",
        _op("respondNoRemarks", "ConsultationPartyInput"),
        _for_regions,
        NOBODY,
        success="ConsultationAnswered",
        name="respondNoRemarks for another organisation",
    ),
    Case(
        "declineConsultation",
        _op("declineConsultation", "ConsultationPartyInput"),
        _for_kl,
        KL_ANSWERS,
        success="ConsultationAnswered",
    ),
    Case(
        "declineConsultation",
        _op("declineConsultation", "ConsultationPartyInput"),
        _for_regions,
        NOBODY,
        success="ConsultationAnswered",
        name="declineConsultation for another organisation",
    ),
]
