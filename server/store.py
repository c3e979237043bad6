"""The repositories over one database, opened once per process and handed on."""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.repository import Accounts
from server.approvals.repository import Approvals
from server.comments.repository import Comments
from server.db import Database
from server.drafting.repository import Drafting
from server.events.repository import EventLog
from server.notifications.repository import Outbox


@dataclass(frozen=True)
class Store:
    db: Database
    accounts: Accounts
    drafting: Drafting
    events: EventLog
    comments: Comments
    approvals: Approvals
    notifications: Outbox

    @classmethod
    def open(cls, db: Database, secret_key: str) -> Store:
        return cls(
            db=db,
            accounts=Accounts(db, secret_key),
            drafting=Drafting(db),
            events=EventLog(db),
            comments=Comments(db),
            approvals=Approvals(db),
            notifications=Outbox(db),
        )
