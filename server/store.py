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
from server.comments.repository import INDEXES as COMMENT_INDEXES
from server.comments.repository import Comments
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
