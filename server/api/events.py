"""GraphQL for the activity feed, the live ``documentEvents`` subscription and presence."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from server import ids
from server.accounts import service as accounts_service
from server.api.accounts import Organization, User, organization_field, user_field
from server.api.context import Context, Info
from server.api.errors import Forbidden, InvalidInput, NotFound, NotSignedIn, Refused, error_for, run_workflow
from server.api.node import Node, from_domain
from server.events import describe, queries, service
from server.events.model import Activity as ActivityModel
from server.events.model import Event as EventModel
from server.events.model import Presence as PresenceModel

Activity = strawberry.enum(ActivityModel)


@strawberry.type(description="One entry of the append-only event log.")
class Event(Node):
    model: strawberry.Private[EventModel]
    seq: int
    kind: str
    at: datetime
    entity_type: str | None
    data: JSON

    @classmethod
    def of(cls, event: EventModel) -> Event:
        return from_domain(cls, "Event", event, data=cast(JSON, dict(event.data)))

    @strawberry.field
    def entity_id(self) -> strawberry.ID | None:
        kind, oid = self.model.entity_type, self.model.entity_id
        if kind in ids.PREFIXES and oid is not None:
            return strawberry.ID(ids.encode(kind, oid))
        return None

    @strawberry.field(
        description="What happened, in words and in the request's language, naming the round, decision, "
        "section or snapshot it is about (follows the actor's name)."
    )
    async def description(self, info: Info) -> str:
        loaders, data = info.context.loaders, self.model.data
        section_id = ids.parse(data.get("section_id"), "Section") if "section_id" in data else None
        section = await loaders.section.load(section_id) if section_id else None
        # Events name organisations by slug: one ("organization") or a list ("organizations").
        named = data.get("organizations")
        given = [data.get("organization"), *(named if isinstance(named, list) else [])]
        slugs = [s for s in given if isinstance(s, str)]
        found = await loaders.organization_by_slug.load_many(slugs)
        by_slug = {o.slug: o.name for o in found if o is not None}
        names = describe.Names(
            section=lambda _id: section.title if section else "?",
            organization=lambda given: by_slug.get(given, given),
        )
        return describe.describe(self.model, names, info.context.language)

    @strawberry.field(description="The person who acted, or “Udkast (automatisk)” for what happened by itself.")
    async def actor_name(self, info: Info) -> str:
        uid = self.model.actor_id
        if uid is None:
            return describe.actor_name(None, info.context.language)
        user = await info.context.loaders.user.load(uid)
        return user.name if user else "?"

    actor: User | None = user_field(lambda event: event.actor_id)
    organization: Organization | None = organization_field(lambda event: event.organization_id)


@strawberry.type
class EventPage:
    items: list[Event]
    next_before: int | None = strawberry.field(description="Pass as `before` for the next (older) page.")


@strawberry.type
class PresenceEntry:
    user: User
    organization: Organization | None
    section_id: strawberry.ID | None
    activity: Activity  # type: ignore[valid-type]
    at: datetime


async def _present(ctx: Context, entries: list[PresenceModel]) -> list[PresenceEntry]:
    users = await ctx.loaders.user.load_many([p.user_id for p in entries])
    orgs = await ctx.loaders.organization.load_many([p.organization_id for p in entries])
    return [
        PresenceEntry(
            user=User.of(u),
            organization=Organization.of(o) if o else None,
            section_id=strawberry.ID(ids.encode("Section", p.section_id)) if p.section_id else None,
            activity=p.activity,
            at=p.at,
        )  # fmt: skip
        for p, u, o in zip(entries, users, orgs, strict=True)
        if u is not None
    ]


@strawberry.type
class EventsQuery:
    @strawberry.field(description="A document's activity feed, newest first, for its readers.")
    async def events(
        self,
        info: Info,
        document_id: strawberry.ID,
        before: int | None = None,
        limit: int = 50,
        organization_id: strawberry.ID | None = None,
        kinds: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> EventPage | None:
        found = await queries.page(
            info.context.store, info.context.caller(), ids.parse(document_id, "Document"), before=before, limit=limit,
            organization_id=ids.parse(organization_id, "Organization") if organization_id else None,
            kinds=kinds or [], since=since, until=until,
        )  # fmt: skip
        if found is None:
            return None
        return EventPage(items=[Event.of(e) for e in found.items], next_before=found.next_before)

    @strawberry.field(description="Who is reading or editing the document right now (others than you).")
    async def presence(self, info: Info, document_id: strawberry.ID) -> list[PresenceEntry]:
        entries = await queries.presence(info.context.store, info.context.caller(), ids.parse(document_id, "Document"))
        return await _present(info.context, entries)


@strawberry.input
class ReportPresenceInput:
    document_id: strawberry.ID
    section_id: strawberry.ID | None = None
    activity: Activity = ActivityModel.READING  # type: ignore[valid-type]


@strawberry.type
class PresenceReported:
    expires_in_seconds: int


@strawberry.type
class PresenceLeft:
    ok: bool


LeavePresenceResult = Annotated[
    PresenceLeft | NotSignedIn | Forbidden | NotFound | InvalidInput, strawberry.union("LeavePresenceResult")
]
ReportPresenceResult = Annotated[
    PresenceReported | NotSignedIn | Forbidden | NotFound | InvalidInput, strawberry.union("ReportPresenceResult")
]


@strawberry.type
class EventsMutation:
    @strawberry.mutation(description="Heartbeat: I am reading or editing (a section of) this document.")
    async def report_presence(self, info: Info, input: ReportPresenceInput) -> ReportPresenceResult:
        section = ids.parse(input.section_id, "Section")
        return await run_workflow(
            info,
            service.report_presence,
            ids.parse(input.document_id, "Document"),
            input.activity,
            in_section=input.section_id is not None,
            section_id=section,
            then=lambda ttl: PresenceReported(expires_in_seconds=int(ttl.total_seconds())),
        )

    @strawberry.mutation(
        description="I left the document: stop showing me as reading or editing it. A page that closes passes "
        "the `activity` (and `sectionId`) it reported: then the entry goes only while it still says that."
    )
    async def leave_presence(
        self,
        info: Info,
        document_id: strawberry.ID,
        activity: Activity | None = None,  # type: ignore[valid-type]
        section_id: strawberry.ID | None = None,
    ) -> LeavePresenceResult:
        section = ids.parse(section_id, "Section")
        return await run_workflow(
            info,
            service.leave_presence,
            ids.parse(document_id, "Document"),
            only_if=(activity, section) if activity is not None else None,
            malformed_section=section_id is not None and section is None,
            then=lambda _: PresenceLeft(ok=True),
        )


@strawberry.type
class EventsSubscription:
    @strawberry.subscription(
        description="The document's events as they happen (from any app process). Pass the last `seq` you saw as "
        "`afterSeq` to resume without loss; without it, only new events arrive."
    )
    async def document_events(
        self, info: Info, document_id: strawberry.ID, after_seq: int | None = None
    ) -> AsyncGenerator[Event, None]:
        ctx = info.context
        session = (accounts_service.SessionPolicy(ctx.settings), ctx.session_token)
        document = ids.parse(document_id, "Document")
        async for item in queries.follow(
            ctx.store, ctx.follower, ctx.caller(), session, document, after_seq, ctx.clock.now
        ):
            if not isinstance(item, EventModel):
                error: Any = error_for(item, ctx)
                raise Refused(error.message, error.code)
            yield Event.of(item)

    @strawberry.subscription(
        description="Who else is reading or editing the document: the list now, then again each time it changes "
        "(someone opens it or an editor, moves to another section, leaves, or their page stops reporting)."
    )
    async def document_presence(
        self, info: Info, document_id: strawberry.ID
    ) -> AsyncGenerator[list[PresenceEntry], None]:
        ctx = info.context
        session = (accounts_service.SessionPolicy(ctx.settings), ctx.session_token)
        document = ids.parse(document_id, "Document")
        async for item in queries.follow_presence(
            ctx.store, ctx.presence, ctx.caller(), session, document, ctx.clock.now
        ):
            if not isinstance(item, list):
                error: Any = error_for(item, ctx)
                raise Refused(error.message, error.code)
            yield await _present(ctx, item)
