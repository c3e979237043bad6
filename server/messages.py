"""Every message a user can meet, in Danish (the default) and English.

A refusal carries a key; the API turns it into text in the request's language. The texts are
kept together in ``messages.toml``, a catalogue a translator can read and edit, so they stay
consistent; the words for codes (phases, decisions, round states) come from the glossary.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

from server import glossary
from server.clock import clock_time, danish_datetime, english_date
from server.glossary import Language

__all__ = ["MESSAGES", "Language", "language_of", "snapshot_name", "text"]

CATALOGUE = Path(__file__).with_name("messages.toml")


def _catalogue() -> dict[str, tuple[str, str]]:
    loaded = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    return {key: (texts["da"], texts["en"]) for key, texts in loaded.items()}


MESSAGES: dict[str, tuple[str, str]] = {
    **_catalogue(),
    # The glossary's words for codes (server/glossary.json)
    **{f"approval_decision_{code}": words for code, words in glossary.labels("decision").items()},
    **{f"approval_state_{code}": words for code, words in glossary.labels("roundState").items()},
    **{f"phase_{code}": words for code, words in glossary.labels("phase").items()},
}

_PHASE_PARAMS = ("phase", "current", "target")  # parameters that carry a phase's code
_MOMENT_PARAMS = ("closed_at", "deadline")  # parameters that carry a moment (a datetime or ISO 8601)


def moment_text(moment: datetime, language: Language = "da") -> str:
    """A moment as a reader of ``language`` reads it, in Copenhagen time."""
    if language == "da":
        return danish_datetime(moment)
    return f"{english_date(moment)}, {clock_time(moment)}"


def text(key: str, language: Language = "da", **params: object) -> str:
    da, en = MESSAGES[key]
    template = da if language == "da" else en
    if isinstance(params.get("what"), str) and f"what_{params['what']}" in MESSAGES:  # a kind of object, in words
        params = {**params, "what": text(f"what_{params['what']}", language)}
    for name in _MOMENT_PARAMS:
        value = params.get(name)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, datetime) and value.tzinfo is not None:
            params = {**params, name: moment_text(value, language)}
    for name in _PHASE_PARAMS:  # a phase is named in words, never by its code
        if isinstance(params.get(name), str) and f"phase_{params[name]}" in MESSAGES:
            params = {**params, name: text(f"phase_{params[name]}", language)}
    if isinstance(params.get("needed"), str):  # so are roles
        roles = {code: words[0 if language == "da" else 1] for code, words in glossary.labels("role").items()}
        words = [roles.get(r, r) for r in str(params["needed"]).split(" / ")]
        params = {**params, "needed": (" eller " if language == "da" else " or ").join(words)}
    return template.format(**params)


def snapshot_name(number: int, label: str, language: Language = "da") -> str:
    """A snapshot as every page and export names it: "Udgave 2", or "Udgave 2 – Høringsudkast".

    The label is left out when empty or when it is the default that older snapshots were given
    ("Udkast 2"), so the number is never said twice in two words.
    """
    label = label.strip()
    if not label or label == f"Udkast {number}":
        return text("snapshot_name", language, number=number)
    return text("snapshot_name_label", language, number=number, label=label)


def language_of(accept_language: str | None, cookie: str | None = None) -> Language:
    """The request's language: the ``lang`` cookie, else Accept-Language, else Danish."""
    if cookie in ("da", "en"):
        return cookie  # type: ignore[return-value]
    if accept_language:
        first = accept_language.split(",")[0].strip().lower()
        if first.startswith("en"):
            return "en"
    return "da"
