"""Input rules every feature shares: the shape of a problem with user input, and the checks
for text, slugs and storable strings. Pure; imports no feature."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class InputProblem:
    field: str
    key: str
    params: dict[str, object]


def storable(value: str) -> bool:
    """False for text no store can keep: NUL characters and lone UTF-16 surrogates."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(field: str, value: str, limit: int, *, required: bool = True) -> InputProblem | None:
    """The one check for user-written text: present when required, within its limit, storable."""
    if not storable(value):
        return InputProblem(field, "nul_character", {})
    if required and not value.strip():
        return InputProblem(field, "required", {})
    if len(value) > limit:
        return InputProblem(field, "too_long", {"limit": limit})
    return None


def first_problem(*problems: InputProblem | None) -> InputProblem | None:
    return next((p for p in problems if p is not None), None)


def valid_slug(value: str) -> bool:
    return len(value) <= 80 and _SLUG.match(value) is not None


def slugify(title: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "o", "ä": "a"})
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower().translate(table)).strip("-")
    return slug[:60].strip("-") or "afsnit"
