"""The one mapping between a domain dataclass and its stored document.

The plain rule: ``id`` is stored as ``_id`` and every other field under its own name. A repository
names only what differs from it — a field stored in another shape (an enum by its value, a nested
list), and what a document written before a field existed reads as (``absent``; otherwise the
field's default, else ``None``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar, cast

T = TypeVar("T")

_NO_DEFAULT: Any = dataclasses.MISSING


_FIELDS: dict[type, tuple[tuple[str, str, object], ...]] = {}


def _fields(cls: type) -> tuple[tuple[str, str, object], ...]:
    """Each field of the dataclass ``cls``: its name, its key in the stored document, and its default."""
    found = _FIELDS.get(cls)
    if found is None:
        found = tuple(
            (f.name, "_id" if f.name == "id" else f.name, None if f.default is _NO_DEFAULT else f.default)
            for f in dataclasses.fields(cls)
            if f.init
        )
        _FIELDS[cls] = found
    return found


def from_stored(
    cls: type[T], doc: Mapping[str, Any], *, absent: Mapping[str, object] | None = None, **given: object
) -> T:
    """``cls`` read from its stored document, with ``given`` for the fields stored in another shape."""
    older = absent or {}
    values = {
        name: given[name] if name in given else doc.get(key, older.get(name, default))
        for name, key, default in _fields(cls)
    }
    return cast(T, cast(Any, cls)(**values))


def to_stored(value: object, **given: object) -> dict[str, Any]:
    """The stored document of the dataclass ``value``, with ``given`` for the fields stored in another shape."""
    return {key: given[name] if name in given else getattr(value, name) for name, key, _ in _fields(type(value))}
