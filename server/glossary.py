"""Udkast's one vocabulary: ``glossary.json`` (Danish and English, each term with its definition).

The server's messages and the exports take their labels for phases, decisions and round states
from here, and the UI's locale files are held to the same words by ``tests/unit/test_glossary.py``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

Language = Literal["da", "en"]
PATH = Path(__file__).with_name("glossary.json")


@cache
def glossary() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return loaded


def label(kind: str, code: str, language: Language = "da") -> str:
    """The word for a code (a phase, a decision, a round's state) in ``language``."""
    return str(glossary()["labels"][kind][code][language])


def labels(kind: str) -> dict[str, tuple[str, str]]:
    """Every code of ``kind`` with its Danish and English word."""
    return {code: (words["da"], words["en"]) for code, words in glossary()["labels"][kind].items()}
