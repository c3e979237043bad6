"""The one place ids are made and parsed.

API ids are a short type prefix and the ObjectId in hex (``sec_65a1…``): readable in logs and
URLs, and ``node(id)`` knows the type without guessing. A malformed id, or one of another type,
parses to ``None`` — which callers turn into ``NotFound``, never a server error.
"""

from __future__ import annotations

from typing import Literal

from bson import ObjectId
from bson.errors import InvalidId

Kind = Literal[
    "Organization",
    "User",
    "Document",
    "Section",
    "SectionVersion",
    "Snapshot",
    "Comment",
    "ApprovalRound",
    "Consultation",
    "Event",
    "Invitation",
    "Notification",
    "ResponseLetter",
]

PREFIXES: dict[Kind, str] = {
    "Organization": "org",
    "User": "usr",
    "Document": "doc",
    "Section": "sec",
    "SectionVersion": "ver",
    "Snapshot": "snp",
    "Comment": "cmt",
    "ApprovalRound": "rnd",
    "Consultation": "hrg",
    "Event": "evt",
    "Invitation": "inv",
    "Notification": "ntf",
    "ResponseLetter": "ltr",
}
_KINDS: dict[str, Kind] = {prefix: kind for kind, prefix in PREFIXES.items()}


def encode(kind: Kind, oid: ObjectId) -> str:
    return f"{PREFIXES[kind]}_{oid}"


def parse_any(value: object) -> tuple[Kind, ObjectId] | None:
    """The kind and ObjectId of an API id, or None when it is not one."""
    if not isinstance(value, str) or len(value) != 28 or value[3] != "_":
        return None
    kind = _KINDS.get(value[:3])
    if kind is None:
        return None
    try:
        return kind, ObjectId(value[4:])
    except (InvalidId, TypeError):
        return None


def parse(value: object, kind: Kind) -> ObjectId | None:
    """The ObjectId of an API id of the expected kind, or None."""
    parsed = parse_any(value)
    if parsed is None or parsed[0] != kind:
        return None
    return parsed[1]
