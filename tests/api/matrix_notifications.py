"""Permission matrix cases for notifications: the secretariat's manual reminder (of a round or a
consultation) and one's own preferences."""

from __future__ import annotations

from typing import Any

from tests.api.matrix import SECRETARIAT_ONLY, Case, World
from tests.api.matrix_approvals import _round
from tests.api.matrix_consultations import _consultation


async def _remind(world: World, actor: str) -> dict[str, Any]:
    round_id, _ = await _round(world)
    return {"input": {"roundId": round_id, "organizationIds": [await world.organization_id("kl")]}}


async def _remind_consulted(world: World, actor: str) -> dict[str, Any]:
    consultation_id, _ = await _consultation(world)
    return {"input": {"consultationId": consultation_id, "organizationIds": [await world.organization_id("kl")]}}


async def _preference(world: World, actor: str) -> dict[str, Any]:
    return {"input": {"kind": "DECISION_RECORDED", "delivery": "DIGEST"}}


CASES = [
    Case(
        "sendReminder",
        "mutation($input: SendReminderInput!) { sendReminder(input: $input) { __typename } }",
        _remind,
        SECRETARIAT_ONLY,
        success="ReminderSent",
    ),
    Case(
        "sendReminder",
        "mutation($input: SendReminderInput!) { sendReminder(input: $input) { __typename } }",
        _remind_consulted,
        SECRETARIAT_ONLY,
        success="ReminderSent",
        name="sendReminder(consultationId)",
    ),
    Case(
        "setNotificationPreference",
        "mutation($input: SetNotificationPreferenceInput!) { setNotificationPreference(input: $input) { __typename } }",
        _preference,
        "anon:N secretariat:O kl_editor:O kl_commenter:O kl_reader:O digst_editor:O digst_commenter:O",
        success="NotificationPreferenceSet",
    ),
]
