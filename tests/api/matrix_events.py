"""Permission matrix cases for live collaboration: presence."""

from __future__ import annotations

from typing import Any

from tests.api.matrix import Case, World


async def _presence(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"input": {"documentId": doc["document"], "sectionId": doc["section"], "activity": "READING"}}


async def _leave(world: World, actor: str) -> dict[str, Any]:
    doc = await world.new_document()
    return {"documentId": doc["document"]}


CASES = [
    Case(
        "leavePresence",
        "mutation($documentId: ID!) { leavePresence(documentId: $documentId) { __typename } }",
        _leave,
        "anon:N secretariat:O kl_editor:O kl_commenter:O kl_reader:O digst_editor:M digst_commenter:M",
        success="PresenceLeft",
    ),
    Case(
        "reportPresence",
        "mutation($input: ReportPresenceInput!) { reportPresence(input: $input) { __typename } }",
        _presence,
        "anon:N secretariat:O kl_editor:O kl_commenter:O kl_reader:O digst_editor:M digst_commenter:M",
        success="PresenceReported",
    ),
]
