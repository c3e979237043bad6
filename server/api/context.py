"""The per-request context: who is asking, in which language, and the request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo
from strawberry.types.nodes import SelectedField, Selection

from server.accounts.model import Actor, User
from server.caller import Caller
from server.clock import Clock
from server.events.feed import Hub
from server.events.presence_feed import PresenceWatch
from server.http import SESSION_COOKIE
from server.loaders import Loaders
from server.messages import Language, text
from server.settings import Settings
from server.store import Store

if TYPE_CHECKING:
    from server.api.comments import CommentRights


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    store: Store
    follower: Hub
    presence: PresenceWatch
    settings: Settings
    clock: Clock
    user: User | None
    session_token: str | None
    language: Language
    loaders: Loaders = field(init=False)
    # Per document: what the user may do with its comments, worked out once per request.
    comment_rights: dict[ObjectId, CommentRights] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)

    @property
    def actor(self) -> Actor | None:
        return Actor.of(self.user) if self.user else None

    @property
    def client_address(self) -> str | None:
        return self.request.client.host if self.request.client else None

    def caller(self) -> Caller:
        return Caller(self.actor, self.client_address, self.clock.now())

    def text(self, key: str, **params: object) -> str:
        return text(key, self.language, **params)


__all__ = ["SESSION_COOKIE", "Context", "Info", "selected"]

Info: TypeAlias = StrawberryInfo[Context, None]


def selected(info: Info) -> set[str]:
    """The names of the fields the query asks for of what the field being resolved returns, those
    in fragments included: for a resolver that reads in one batch what its items' fields would each read."""
    names: set[str] = set()

    def walk(selections: list[Selection]) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                names.add(selection.name)
            else:
                walk(selection.selections)

    for current in info.selected_fields:
        walk(current.selections)
    return names
