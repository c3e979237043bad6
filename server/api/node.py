"""The ``Node`` interface, Relay's ``PageInfo``, and the one way to build a GraphQL object type from its
domain dataclass."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Protocol, TypeVar, cast

import strawberry
from bson import ObjectId
from strawberry.dataloader import DataLoader

from server import ids
from server.api.context import Info
from server.api.execution import kept
from server.loaders import Loaders, loaded


@strawberry.interface(description="An object with a global id.")
class Node:
    id: strawberry.ID


@strawberry.type(description="Where a page of a list ends, and whether more follow (as Relay's connections).")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(
        description="Pass it as `after` for the next page; null when the page is empty and nothing came before it."
    )


class _Identified(Protocol):
    @property
    def id(self) -> ObjectId: ...


N = TypeVar("N", bound=Node)
K = TypeVar("K", bound=Hashable)
M = TypeVar("M")
T = TypeVar("T")


_COPIED: dict[type, tuple[str, ...]] = {}


def _copied(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` set when it is built (all but those with resolvers), worked out once."""
    names = _COPIED.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.init and f.name not in ("id", "model"))
        _COPIED[cls] = names
    return names


def from_model(cls: type[T], model: object, **given: object) -> T:
    """``cls`` for the domain value ``model``: ``model`` kept for the resolvers, and every other field
    the type declares copied from the attribute of the same name, unless ``given`` (for a field whose
    shape differs from the domain's, and ``id``)."""
    copied = {name: getattr(model, name) for name in _copied(cls) if name not in given}
    return cast(T, cast(Any, cls)(model=model, **copied, **given))


def from_domain(cls: type[N], kind: ids.Kind, model: _Identified, **given: object) -> N:
    """``cls`` for the domain value ``model`` (``from_model``), with its global ``id``."""
    return from_model(cls, model, id=strawberry.ID(ids.encode(kind, model.id)), **given)


def then(found: M | Awaitable[M], build: Callable[[M], T]) -> T | Awaitable[T]:
    """``build`` of ``found``: at once when it is there, else once it is. A field that answers at once
    costs graphql-core no task (~20 µs each, dozens per comment of a page)."""
    if not inspect.isawaitable(found):
        return build(found)
    pending = found

    async def later() -> T:
        return build(await pending)

    return later()


def related(loader: DataLoader[K, M | None], key: K | None, build: Callable[[M], N]) -> N | None | Awaitable[N | None]:
    """What a field referring to another object answers: ``build`` of what ``loader`` reads for
    ``key`` (None when there is no key or nothing is found) — at once when the request has read it
    already (a list's resolver loads what its items refer to in one batch), else once read."""
    if key is None:
        return None
    return then(at_once(loader, key), lambda v: build(v) if v is not None else None)


def related_field(
    loader: Callable[[Loaders], DataLoader[ObjectId, Any]],
    build: Callable[[Any], Any],
    key: Callable[[Any], ObjectId | None],
    graphql_type: Any,
    *,
    description: str | None = None,
    kept_in: str | None = None,
) -> Any:
    """A field of a type built ``from_domain``: ``build`` of the object whose id ``key`` reads off its model,
    from the request's ``loader`` (``related``: at once when the request has loaded it already; from the
    attribute ``kept_in`` when a list has set it, see ``server.api.execution``)."""

    def resolve(root: Any, info: Info) -> Any:
        return related(loader(info.context.loaders), key(root.model), build)

    metadata = kept(kept_in) if kept_in else None
    return strawberry.field(resolver=resolve, graphql_type=graphql_type, description=description, metadata=metadata)


def at_once(loader: DataLoader[K, M], key: K) -> M | Awaitable[M]:
    """What ``loader`` reads for ``key``: at once when the request has read it already, else once read."""
    done = loaded(loader, key)
    return done.result() if done is not None else loader.load(key)
