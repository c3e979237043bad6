"""The høringsnotat — the consultation report — compiled for one reader: what every format renders.

The report belongs to a consultation, never to "the newest snapshot": asked for by snapshot, it
is the report of the newest consultation on that snapshot (or, for a snapshot never sent for
consultation, of the comments made on its versions). It holds the introduction (the
consultation, its høringsliste with each party's status, the høringsbrev), the parties' general
remarks, the responses per section and organisation (``server.comments.model.compile_report``)
and, derived from those, the changes made.

What counts as a response: comments a party wrote in the consultation (``Comment.consultation_id``;
comments stored before they carried it were stamped once at start-up, ``store.stamp_older_comments``)
or sent with its response. The steering group's own comments never count
(they are the addressees, ``model.STEERING``); a question of theirs appears only with a party's
answer to it. The steering group's dispositions and answers are shown to the other readers only
once the secretariat has published them for that organisation; the steering group sees the
unpublished ones, marked as drafts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bson import ObjectId

from server.accounts import permissions
from server.accounts.model import Organization
from server.accounts.permissions import Action
from server.caller import Caller
from server.comments import model as comments
from server.comments.model import Comment, CommentStatus
from server.comments.service import visible_comments
from server.consultations import queries
from server.consultations.model import Consultation, PartyStatus, PartyView, Response
from server.drafting.model import Document, Snapshot
from server.drafting.service import authorised_document
from server.outcomes import Denied, Failure, Missing
from server.store import Store


@dataclass(frozen=True)
class ConsultationReport:
    """The høringsnotat as the caller may see it."""

    document: Document
    snapshot: Snapshot
    report: comments.Report
    organizations: Mapping[ObjectId, Organization]
    passages: Mapping[ObjectId, str]  # each anchored comment's passage as it reads (comments.passage_as_read)
    generated_at: datetime
    # Entries are attributed to organisations; the authors' names only when the report is asked
    # for with names (the secretariat's choice), else empty.
    authors: Mapping[ObjectId, str] = field(default_factory=dict)
    consultation: Consultation | None = None
    # Every consultation held on the snapshot, newest first: each has its own report.
    on_snapshot: tuple[Consultation, ...] = ()
    parties: tuple[PartyView, ...] = ()  # the høringsliste in order
    published: frozenset[ObjectId] = frozenset()  # organisations whose answers the secretariat published
    shows_drafts: bool = False  # the caller is of the steering group and sees unpublished answers

    def draft_answer(self, comment: Comment) -> bool:
        """Whether the answer shown for a response is still the steering group's unpublished draft."""
        return self.shows_drafts and comment.organization_id not in self.published

    @property
    def responses(self) -> tuple[Response, ...]:
        return tuple(p.response for p in self.parties if p.response is not None)

    @property
    def response_count(self) -> int:
        """Høringssvar received: with remarks or "ingen bemærkninger" (a declined party gave none), as
        the høringsliste derives them (comments that went in without a response count)."""
        return sum(p.status in {PartyStatus.RESPONDED, PartyStatus.NO_REMARKS} for p in self.parties)


def report_comments(report: comments.Report) -> list[Comment]:
    """Every comment the report shows: threads, their replies, and the questions answered."""
    entries = [e for s in report.sections for e in (*(e for g in s.organizations for e in g.entries), *s.questions)]
    return [c for e in entries for c in (e.comment, *e.replies)]


def changes(report: comments.Report) -> list[tuple[comments.ReportSection, Comment]]:
    """The responses that changed the text: accepted in full or in part, or taken into a version."""
    return [
        (section, entry.comment)
        for section in report.sections
        for group in section.organizations
        for entry in group.entries
        if entry.comment.status in {CommentStatus.ACCEPTED, CommentStatus.PARTLY_ACCEPTED}
        or entry.comment.applied_version is not None
    ]


async def consultation_report(
    store: Store,
    caller: Caller,
    *,
    snapshot_id: ObjectId | None = None,
    consultation_id: ObjectId | None = None,
    document_id: ObjectId | None = None,
    with_names: bool = False,
) -> ConsultationReport | Failure:
    """The report of a consultation (by id; on ``snapshot_id`` when that is named too), or of the
    newest consultation on a snapshot."""
    actor = caller.actor
    if actor is None:
        return Denied(permissions.NOT_SIGNED_IN)
    consultation: Consultation | None = None
    if consultation_id is not None:
        consultation = await queries.get(store, consultation_id, now=caller.now)
        if consultation is None or snapshot_id not in (None, consultation.snapshot_id):
            return Missing("Consultation")
        snapshot_id = consultation.snapshot_id
    snapshot = await store.drafting.snapshot(snapshot_id) if snapshot_id else None
    if snapshot is None or (document_id is not None and snapshot.document_id != document_id):
        return Missing("Consultation" if consultation_id else "Snapshot")
    document = await authorised_document(store, caller, snapshot.document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return Missing("Snapshot") if isinstance(document, Missing) else document
    held = await queries.on_snapshot(store, snapshot.id, now=caller.now)
    if consultation is None:
        consultation = held[0] if held else None

    found = await visible_comments(store, caller, document, await store.comments.for_document(document.id))
    on_snapshot = [c for c in found if c.submitted and any(c.section_id == e.section_id for e in snapshot.entries)]
    users = await store.accounts.users_by_ids({c.author_id for c in on_snapshot})
    steering = {user_id for user_id, user in users.items() if user.roles & comments.STEERING}
    parties: list[PartyView] = []
    published: frozenset[ObjectId] = frozenset()
    steering_reader = bool(actor.roles & comments.STEERING)
    if consultation is None:

        def counts(comment: Comment) -> bool:
            return comment.author_id not in steering

    else:
        parties = await queries.party_statuses(store, consultation)
        sent = {c for p in parties if p.response for c in p.response.comment_ids}

        def counts(comment: Comment) -> bool:
            return comment.id in sent or comment.consultation_id == consultation.id

        published = frozenset(await queries.published_organizations(store, consultation.id))
        if not steering_reader:
            found = [
                comments.without_answer(c) if counts(c) and c.organization_id not in published else c for c in found
            ]

    organization_ids = {c.organization_id for c in found} | {p.organization_id for p in parties}
    organizations = await store.accounts.organizations_by_ids(list(organization_ids))

    def by_name(organization_id: ObjectId) -> str:
        org = organizations.get(organization_id)
        return org.name if org else ""

    report = comments.compile_report(snapshot.entries, found, by_name, counts)
    shown = report_comments(report)
    versions = await store.drafting.versions_by_pairs([(e.section_id, e.version) for e in snapshot.entries])
    quoted = [
        (c.id, versions[(c.section_id, c.section_version)].body, c.anchor)
        for c in shown
        if c.anchor is not None and (c.section_id, c.section_version) in versions
    ]
    # Reading passages renders the versions' Markdown: in a worker, off the event loop.
    passages = await store.workers.run(comments.passages_as_read, quoted) if quoted else {}
    authors = {c.author_id: users[c.author_id].name for c in shown if c.author_id in users} if with_names else {}
    return ConsultationReport(
        document=document,
        snapshot=snapshot,
        report=report,
        organizations=organizations,
        passages=passages,
        generated_at=caller.now,
        authors=authors,
        consultation=consultation,
        on_snapshot=tuple(held),
        parties=tuple(parties),
        published=published,
        shows_drafts=steering_reader and consultation is not None,
    )
