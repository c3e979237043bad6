"""Permission matrix cases for drafting: documents, sections, versions, snapshots, phases."""

from __future__ import annotations

from typing import Any

from tests.api.matrix import SECRETARIAT_ONLY, Case, World, op

# Who may change sections: editors and the secretariat of participating organisations.
EDITING = "anon:N secretariat:O kl_editor:O kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"


async def _create_document(world: World, actor: str) -> dict[str, Any]:
    return {"input": {"title": f"Nyt dokument {actor}", "kind": "STRATEGY", "slug": f"nyt-{actor}-{id(world)}"}}


async def _add_section(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"documentId": doc["document"], "title": "Nyt afsnit", "body": "Tekst."}}


async def _save_section(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"sectionId": doc["section"], "baseVersion": 1, "title": "Formål", "body": "Ny tekst."}}


async def _section(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"sectionId": doc["section"]}}


async def _move(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"sectionId": doc["section"], "position": 0}}


async def _deleted_section(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    await world.secretariat.execute(
        "mutation($input: DeleteSectionInput!) { deleteSection(input: $input) { __typename } }",
        {"input": {"sectionId": doc["section"]}},
    )
    return {"input": {"sectionId": doc["section"]}}


async def _restore_version(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    await world.secretariat.execute(
        "mutation($input: SaveSectionInput!) { saveSection(input: $input) { __typename } }",
        {"input": {"sectionId": doc["section"], "baseVersion": 1, "title": "Formål", "body": "Ændret."}},
    )
    return {"input": {"sectionId": doc["section"], "version": 1}}


async def _snapshot(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"documentId": doc["document"], "label": "Udkast til høring"}}


async def _phase(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"documentId": doc["document"], "phase": "WRITTEN_PROCESS"}}


async def _participant(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"documentId": doc["document"], "organizationId": await world.organization_id("plo")}}


async def _remove_participant(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document(participants=("kl", "plo"))
    return {"input": {"documentId": doc["document"], "organizationId": await world.organization_id("plo")}}


CASES = [
    Case(
        "createDocument",
        op("createDocument", "CreateDocumentInput"),
        _create_document,
        "anon:N secretariat:O kl_editor:F kl_commenter:F kl_reader:F digst_editor:F digst_commenter:F",
        success="DocumentCreated",
    ),
    Case("addSection", op("addSection", "AddSectionInput"), _add_section, EDITING, success="SectionAdded"),
    Case("saveSection", op("saveSection", "SaveSectionInput"), _save_section, EDITING, success="SectionSaved"),
    Case("moveSection", op("moveSection", "MoveSectionInput"), _move, EDITING, success="SectionMoved"),
    Case("deleteSection", op("deleteSection", "DeleteSectionInput"), _section, EDITING, success="SectionDeleted"),
    Case(
        "restoreSection",
        op("restoreSection", "RestoreSectionInput"),
        _deleted_section,
        EDITING,
        success="SectionRestored",
    ),
    Case(
        "restoreSectionVersion",
        op("restoreSectionVersion", "RestoreSectionVersionInput"),
        _restore_version,
        EDITING,
        success="SectionSaved",
    ),
    Case(
        "createSnapshot",
        op("createSnapshot", "CreateSnapshotInput"),
        _snapshot,
        SECRETARIAT_ONLY,
        success="SnapshotCreated",
    ),
    Case(
        "setDocumentPhase",
        op("setDocumentPhase", "SetDocumentPhaseInput"),
        _phase,
        SECRETARIAT_ONLY,
        success="DocumentPhaseChanged",
    ),
    Case(
        "addParticipant",
        op("addParticipant", "ChangeParticipantInput"),
        _participant,
        SECRETARIAT_ONLY,
        success="ParticipantsChanged",
    ),
    Case(
        "removeParticipant",
        op("removeParticipant", "ChangeParticipantInput"),
        _remove_participant,
        SECRETARIAT_ONLY,
        success="ParticipantsChanged",
    ),
]
