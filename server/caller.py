"""Who is asking, from where, and when: what every workflow needs to know of its caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bson import ObjectId

from server.accounts.model import Actor
from server.events.model import Origin


@dataclass(frozen=True)
class Caller:
    actor: Actor | None
    client_address: str | None
    now: datetime

    @property
    def user_id(self) -> ObjectId | None:
        """The signed-in user's id; None when nobody is signed in."""
        return self.actor.user_id if self.actor else None

    @property
    def origin(self) -> Origin:
        if self.actor is None:
            return Origin(None, None, self.client_address)
        return Origin(self.actor.user_id, self.actor.organization_id, self.client_address)
