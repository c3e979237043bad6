"""The one mapping between a domain dataclass and its stored document.

The plain rule: ``id`` is stored as ``_id``, every other field under its own name, an enum by its
value. A repository names only what differs from it: a field stored in another shape (a nested
list, a set), and what a document written before a field existed reads as (``absent``; otherwise
the field's default, else ``None``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, NamedTuple, TypeVar, cast

T = TypeVar("T")

_NO_DEFAULT: Any = dataclasses.MISSING


class _Field(NamedTuple):
    name: str
    key: str  # in the stored document
    default: object  # what a document without it reads as, unless the repository says otherwise
    enum: type[Enum] | None  # an enum is stored by its value


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields(cls: type) -> tuple[_Field, ...]:
    """The fields of the dataclass ``cls`` as stored, worked out once."""
    found = _FIELDS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = tuple(
            _Field(
                f.name,
                "_id" if f.name == "id" else f.name,
                None if f.default is _NO_DEFAULT else f.default,
                _enum(hints.get(f.name)),
            )
            for f in dataclasses.fields(cls)
            if f.init
        )
        _FIELDS[cls] = found
    return found


def _enum(hint: object) -> type[Enum] | None:
    """The enum a field holds (alone, or with None)."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    for candidate in typing.get_args(hint) if union else (hint,):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


_ABSENT: Any = object()


def from_stored(
    cls: type[T], doc: Mapping[str, Any], *, absent: Mapping[str, object] | None = None, **given: object
) -> T:
    """``cls`` read from its stored document, with ``given`` for the fields stored in another shape."""
    values: dict[str, object] = {}
    for name, key, default, enum in _fields(cls):  # a plain loop: this runs for every document read
        if name in given:
            values[name] = given[name]
            continue
        value = doc.get(key, _ABSENT)
        if value is _ABSENT:
            value = absent.get(name, default) if absent else default
        elif enum is not None and value is not None:
            value = enum(value)
        values[name] = value
    return cast(T, cast(Any, cls)(**values))


def to_stored(value: object, **given: object) -> dict[str, Any]:
    """The stored document of the dataclass ``value``, with ``given`` for the fields stored in another shape."""
    return {f.key: given[f.name] if f.name in given else _stored(getattr(value, f.name)) for f in _fields(type(value))}


def _stored(value: object) -> object:
    return value.value if isinstance(value, Enum) else value
