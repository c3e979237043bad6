"""The store assembly: the repositories over one database, opened once per process and handed
on, and the registry of every collection's indexes (each declared next to the code that queries
it), so that ``db.py`` and the shared modules know no feature."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pymongo import IndexModel

from server import db as dbmod
from server.accounts.repository import INDEXES as ACCOUNT_INDEXES
from server.accounts.repository import Accounts
from server.approvals.repository import INDEXES as APPROVAL_INDEXES
from server.approvals.repository import Approvals
from server.comments.model import STEERING
from server.comments.repository import INDEXES as COMMENT_INDEXES
from server.comments.repository import Comments
from server.consultations.model import written_in
from server.consultations.repository import INDEXES as CONSULTATION_INDEXES
from server.consultations.repository import Consultations
from server.db import Database
from server.drafting.repository import INDEXES as DRAFTING_INDEXES
from server.drafting.repository import Drafting
from server.events.repository import INDEXES as EVENT_INDEXES
from server.events.repository import EventLog, PresenceBoard
from server.idempotency import INDEXES as IDEMPOTENCY_INDEXES
from server.notifications.repository import INDEXES as NOTIFICATION_INDEXES
from server.notifications.repository import Outbox
from server.responses.repository import INDEXES as RESPONSE_INDEXES
from server.responses.repository import ResponseDrafts
from server.workers import Workers


@dataclass(frozen=True)
class Store:
    db: Database
    accounts: Accounts
    drafting: Drafting
    events: EventLog
    presence: PresenceBoard
    comments: Comments
    approvals: Approvals
    consultations: Consultations
    notifications: Outbox
    response_drafts: ResponseDrafts
    # Where CPU-heavy work runs: the app's worker processes, or in-process for the CLI and the seed.
    workers: Workers = field(default_factory=Workers.inline)

    @classmethod
    def open(cls, db: Database, secret_key: str, workers: Workers | None = None) -> Store:
        return cls(
            db=db,
            accounts=Accounts(db, secret_key),
            drafting=Drafting(db),
            events=EventLog(db),
            presence=PresenceBoard(db),
            comments=Comments(db),
            approvals=Approvals(db),
            consultations=Consultations(db),
            notifications=Outbox(db),
            response_drafts=ResponseDrafts(db),
            workers=workers or Workers.inline(),
        )


def all_indexes() -> Mapping[str, list[IndexModel]]:
    """Every collection's indexes."""
    merged: dict[str, list[IndexModel]] = {}
    for source in (
        ACCOUNT_INDEXES,
        DRAFTING_INDEXES,
        EVENT_INDEXES,
        COMMENT_INDEXES,
        IDEMPOTENCY_INDEXES,
        APPROVAL_INDEXES,
        CONSULTATION_INDEXES,
        NOTIFICATION_INDEXES,
        RESPONSE_INDEXES,
    ):
        for collection, models in source.items():
            merged.setdefault(collection, []).extend(models)
    return merged


async def ensure_indexes(db: Database) -> None:
    """Create every index that is missing and bring older data up to date (at each start-up and
    restore; idempotent)."""
    await dbmod.create_missing_indexes(db, all_indexes())
    await Outbox(db).number_older()  # messages written before the outbox was numbered (issue 19)
    await stamp_older_comments(db)  # comments written before they carried their consultation (issue 18)


async def stamp_older_comments(db: Database) -> int:
    """Give each comment stored before comments carried their consultation the consultation it was
    written in (``consultations.model.written_in``), once: afterwards the stamp is the one rule of
    what a consultation's responses are (the report keeps no time window). How many were stamped
    with a consultation."""
    comments = Comments(db)
    older = await comments.unstamped()
    if older is None:
        return 0
    held = await Consultations(db).for_documents(list({c.document_id for c in older})) if older else []
    # Only users are read here; the key signs session tokens, which this never touches.
    authors = await Accounts(db, secret_key="").users_by_ids({c.author_id for c in older})
    stamps = {
        c.id: written_in(
            (h for h in held if h.document_id == c.document_id),
            c.organization_id,
            c.created_at,
            by_steering=c.author_id in authors and bool(authors[c.author_id].roles & STEERING),
        )
        for c in older
    }
    await comments.stamp_older(stamps)
    return sum(1 for s in stamps.values() if s is not None)
