"""GraphQL for notifications: *Mine opgaver*, the outbox (secretariat), preferences and reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from server import ids
from server.api.accounts import User, user_field
from server.api.approvals import ApprovalRound
from server.api.consultations import Consultation
from server.api.context import Info
from server.api.drafting import Document, document_field
from server.api.errors import Errors, error_for
from server.api.node import Node, from_domain, from_model
from server.clock import COPENHAGEN
from server.notifications import model as domain
from server.notifications import queries, service
from server.notifications.render import render
from server.outcomes import Invalid

NotificationKind = strawberry.enum(domain.Kind, name="NotificationKind", description="What a message is about.")
NotificationDelivery = strawberry.enum(
    domain.Delivery, name="NotificationDelivery", description="At once, in a daily digest, or not at all."
)
NotificationState = strawberry.enum(domain.State, name="NotificationState", description="How delivery stands.")
TaskKind = strawberry.enum(queries.TaskKind, name="TaskKind", description="What kind of thing is owed.")


@strawberry.type(description="Something the viewer's organisation owes now (Mine opgaver).")
class Task:
    model: strawberry.Private[queries.Task]
    kind: TaskKind  # type: ignore[valid-type]
    due: datetime | None = strawberry.field(description="The deadline, in Copenhagen time.")
    awaiting_board: bool = strawberry.field(description="The organisation said it awaits its own board.")
    count: int

    @classmethod
    def of(cls, task: queries.Task) -> Task:
        return from_model(cls, task, due=task.due.astimezone(COPENHAGEN) if task.due else None)

    @strawberry.field
    def document(self) -> Document | None:
        return Document.of(self.model.document) if self.model.document else None

    @strawberry.field
    def round(self) -> ApprovalRound | None:
        return ApprovalRound.of(self.model.round) if self.model.round else None

    @strawberry.field(description="The consultation a response is owed to (count: your organisation's unsent drafts).")
    def consultation(self) -> Consultation | None:
        return Consultation.of(self.model.consultation) if self.model.consultation else None


@strawberry.type(description="One message in the outbox and its delivery (secretariat).")
class OutboxMessage(Node):
    model: strawberry.Private[domain.Notification]
    kind: NotificationKind  # type: ignore[valid-type]
    state: NotificationState  # type: ignore[valid-type]
    address: str
    subject: str = strawberry.field(description="What the message is about, in the secretariat's language.")
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str

    @classmethod
    def of(cls, n: domain.Notification, subject: str) -> OutboxMessage:
        return from_domain(cls, "Notification", n, subject=subject)

    recipient: User | None = user_field(lambda message: message.user_id)

    document: Document | None = document_field(lambda message: message.document_id)


@strawberry.type(description="Messages of the outbox, newest first.")
class OutboxPage:
    items: list[OutboxMessage]
    next_before: int | None = strawberry.field(description="Pass as `before` for the next (older) page.")


@strawberry.type
class DeliveryChoice:
    kind: NotificationKind  # type: ignore[valid-type]
    delivery: NotificationDelivery  # type: ignore[valid-type]
    choosable: bool = strawberry.field(description="False for the formal notices of the written procedure.")


@strawberry.type(description="How the viewer receives each kind of message, and in which language.")
class NotificationPreferences:
    language: str
    kinds: list[DeliveryChoice]

    @classmethod
    def of(cls, prefs: domain.Preferences) -> NotificationPreferences:
        return cls(
            language=prefs.language,
            kinds=[
                DeliveryChoice(kind=k, delivery=prefs.delivery(k), choosable=k in domain.CHOOSABLE)
                for k in domain.Kind
                if k not in domain.ADDRESSED
            ],
        )


def _subject(n: domain.Notification) -> str:
    return render(n, "", None).subject  # as the recipient saw it


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="What your organisation owes now: decisions due and more (Mine opgaver).")
    async def my_tasks(self, info: Info) -> list[Task]:
        return [Task.of(t) for t in await queries.my_tasks(info.context.store, info.context.caller())]

    @strawberry.field(description="Your notification preferences (null when signed out).")
    async def notification_preferences(self, info: Info) -> NotificationPreferences | None:
        found = await service.preferences(info.context.store, info.context.caller())
        return NotificationPreferences.of(found) if isinstance(found, domain.Preferences) else None

    @strawberry.field(
        description="A page of messages and how their delivery stands, newest first (secretariat; else null). "
        "`states: [UNDELIVERABLE]` lists those that did not arrive."
    )
    async def outbox(
        self,
        info: Info,
        states: list[NotificationState] | None = None,  # type: ignore[valid-type]
        before: int | None = None,
        limit: int = 50,
    ) -> OutboxPage | None:
        found = await queries.outbox(
            info.context.store, info.context.caller(), before=before, limit=limit, states=states or ()
        )
        if found is None:
            return None
        return OutboxPage(items=[OutboxMessage.of(n, _subject(n)) for n in found.items], next_before=found.next_before)


@strawberry.type
class NotificationPreferenceSet:
    preferences: NotificationPreferences


@strawberry.type
class ReminderSent:
    round: ApprovalRound | None = strawberry.field(description="The approval round reminded of, if it was one.")
    consultation: Consultation | None = strawberry.field(description="The consultation reminded of, if it was one.")
    messages: int = strawberry.field(description="How many messages were written to the outbox.")


SetNotificationPreferenceResult = Annotated[
    NotificationPreferenceSet | Errors, strawberry.union("SetNotificationPreferenceResult")
]
SendReminderResult = Annotated[ReminderSent | Errors, strawberry.union("SendReminderResult")]


@strawberry.input
class SetNotificationPreferenceInput:
    kind: NotificationKind | None = None  # type: ignore[valid-type]
    delivery: NotificationDelivery | None = None  # type: ignore[valid-type]
    language: str | None = strawberry.field(default=None, description="da or en: the language of your messages.")


@strawberry.input
class SendReminderInput:
    round_id: strawberry.ID | None = strawberry.field(default=None, description="The approval round.")
    consultation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The consultation (instead of a round): parties that have not answered."
    )
    organization_ids: list[strawberry.ID] = strawberry.field(description="The parties to remind.")


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Choose how you receive a kind of message, or their language.")
    async def set_notification_preference(
        self, info: Info, input: SetNotificationPreferenceInput
    ) -> SetNotificationPreferenceResult:
        ctx = info.context
        if input.language is not None and len(input.language) > 10:
            return error_for(Invalid("language", "invalid_language"), ctx)
        result = await service.set_preference(ctx.store, ctx.caller(), input.kind, input.delivery, input.language)
        if isinstance(result, domain.Preferences):
            return NotificationPreferenceSet(preferences=NotificationPreferences.of(result))
        return error_for(result, ctx)

    @strawberry.mutation(
        description="Send a reminder now to chosen parties of an open round or consultation (secretariat); logged."
    )
    async def send_reminder(self, info: Info, input: SendReminderInput) -> SendReminderResult:
        ctx = info.context
        if (input.round_id is None) == (input.consultation_id is None):
            return error_for(Invalid("roundId", "reminder_one_target"), ctx)
        organization_ids = [ids.parse(o, "Organization") for o in input.organization_ids]
        if input.consultation_id is not None:
            reminded = await service.send_consultation_reminder(
                ctx.store, ctx.caller(), ids.parse(input.consultation_id, "Consultation"), organization_ids
            )
            if not isinstance(reminded, tuple):
                return error_for(reminded, ctx)
            consultation, sent = reminded
            return ReminderSent(round=None, consultation=Consultation.of(consultation), messages=sent)
        result = await service.send_reminder(
            ctx.store, ctx.caller(), ids.parse(input.round_id, "ApprovalRound"), organization_ids
        )
        if not isinstance(result, tuple):
            return error_for(result, ctx)
        round, sent = result
        return ReminderSent(round=ApprovalRound.of(round), consultation=None, messages=sent)
