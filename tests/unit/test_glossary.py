"""One vocabulary: the glossary (server/glossary.json), and what users read held to it.

Scanned: the UI's locale files (frontend/src/locales/*.json), the server's messages
(server/messages.py, which the exports word their records with), the e-mails' texts
(server/notifications/render.py) and the string literals of the export renderers. No internal code (APPROVED, WRITTEN_PROCESS, …) may appear in a sentence a user
reads, and each glossary term has one spelling: none of the words it lists to avoid is used.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId

from server import glossary
from server.accounts.model import Role
from server.approvals.model import Cause, Decision, ReasonKind, RoundState
from server.comments.model import CommentStatus
from server.consultations.model import CloseCause, ConsultationState, PartyStatus, ResponseKind
from server.drafting.model import Phase
from server.messages import MESSAGES, snapshot_name, text
from server.notifications import render as mail
from server.notifications.model import Kind, Notification, State

ROOT = Path(__file__).resolve().parents[2]
LOCALES = {language: ROOT / "frontend" / "src" / "locales" / f"{language}.json" for language in ("da", "en")}
EXPORT_TEMPLATES = [
    ROOT / "server" / "approvals" / "record.py",
    ROOT / "server" / "exports" / "snapshot.py",
    ROOT / "server" / "exports" / "report.py",
    ROOT / "server" / "exports" / "docx.py",
]
CODES = {
    member.value
    for enum in (
        Phase,
        Decision,
        RoundState,
        Cause,
        ReasonKind,
        CommentStatus,
        Role,
        ConsultationState,
        PartyStatus,
        ResponseKind,
        CloseCause,
    )
    for member in enum  # type: ignore[attr-defined]
}
CODE = re.compile(r"\b[A-Z][A-Z_]{2,}\b")
IDENTIFIER = re.compile(r"[a-z0-9_]+")
PLACEHOLDER = re.compile(r"\{\{?\w+\}\}?")
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def _leaves(tree: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(tree, str):
        yield path, tree


def _locale(language: str) -> dict[str, str]:
    return dict(_leaves(json.loads(LOCALES[language].read_text(encoding="utf-8"))))


def _messages(language: str) -> dict[str, str]:
    return {key: pair[0 if language == "da" else 1] for key, pair in MESSAGES.items()}


def _template_strings(path: Path) -> list[str]:
    """The string literals of an export renderer, without docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and not IDENTIFIER.fullmatch(node.value)  # message keys, field names
    ]


def _sources(language: str) -> dict[str, str]:
    """Every text a user reads in ``language``, by where it comes from."""
    found = {f"{language}.json:{key}": value for key, value in _locale(language).items()}
    found |= {f"messages:{key}": value for key, value in _messages(language).items()}
    found |= {f"mail:{key}": value for key, value in mail.texts(language).items()}
    if language == "da":  # the renderers' own literals are markup and code; their words are messages
        for path in EXPORT_TEMPLATES:
            found |= {f"{path.name}:{i}": value for i, value in enumerate(_template_strings(path))}
    return {where: PLACEHOLDER.sub("", value) for where, value in found.items()}


def test_every_term_has_both_languages_and_a_definition() -> None:
    terms = glossary.glossary()["terms"]
    assert len(terms) >= 12
    for term in terms:
        assert term["da"] and term["en"], term
        assert len(term["definition"]["da"]) > 30 and len(term["definition"]["en"]) > 30, term["da"]
        assert set(term["avoid"]) == {"da", "en"}, term["da"]
    assert len({t["da"] for t in terms}) == len(terms), "one entry per term"
    for kind, codes in glossary.glossary()["labels"].items():
        for code, words in codes.items():
            assert words["da"] and words["en"], (kind, code)


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_internal_code_in_any_user_facing_sentence(language: str) -> None:
    texts = {f"{language}.json:{k}": v for k, v in _locale(language).items()}
    texts |= {f"messages:{k}": v for k, v in _messages(language).items()}
    texts |= {f"mail:{k}": v for k, v in mail.texts(language).items()}
    leaks = {where: value for where, value in texts.items() if any(c in CODES for c in CODE.findall(value))}
    assert leaks == {}


@pytest.mark.parametrize("language", ["da", "en"])
def test_codes_passed_into_messages_are_put_into_words(language: str) -> None:
    said = [
        text("round_phase", language, phase="APPROVED"),
        text("forbidden_phase", language, phase="ARCHIVED"),
        text("invalid_phase_change", language, current="APPROVED", target="WRITTEN_PROCESS"),
        text("forbidden_role", language, needed="EDITOR / SECRETARIAT"),
    ]
    for sentence in said:
        assert not any(c in CODES for c in CODE.findall(sentence)), sentence
    assert glossary.label("phase", "APPROVED", language) in said[0]
    assert glossary.label("role", "SECRETARIAT", language) in said[3]


@pytest.mark.parametrize("language", ["da", "en"])
def test_each_term_has_one_spelling_everywhere(language: str) -> None:
    sources = _sources(language)
    other_words = {}
    for term in glossary.glossary()["terms"]:
        for avoided in term["avoid"][language]:
            used = [where for where, value in sources.items() if avoided.lower() in value.lower()]
            if used:
                other_words[f"{avoided} (say: {term[language]})"] = used
    assert other_words == {}
    unused = [
        term[language]
        for term in glossary.glossary()["terms"]
        if not any(term[language].lower() in value.lower() for value in sources.values())
    ]
    assert unused == [], "a glossary term nobody uses: drop it or use it"


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_ui_names_phases_decisions_states_and_roles_as_the_glossary_does(language: str) -> None:
    locale = _locale(language)
    places = {
        "phase": "documents.phase",
        "decision": "approval.decision",
        "roundState": "approval.state",
        "role": "roles",
    }
    for kind, prefix in places.items():
        for code, words in glossary.glossary()["labels"][kind].items():
            assert locale[f"{prefix}.{code}"] == words[language], (kind, code)


def test_the_server_takes_its_labels_from_the_glossary() -> None:
    for code in Decision:
        assert text(f"approval_decision_{code.value}") == glossary.label("decision", code.value)
    for code in Phase:
        assert text(f"phase_{code.value}", "en") == glossary.label("phase", code.value, "en")


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_ui_names_a_consulted_partys_status_as_the_server_does(language: str) -> None:
    """The høringsliste on the page and in the høringsnotat say the same words for each status."""
    locale = _locale(language)
    for status in [*(s.value for s in PartyStatus), "NO_RESPONSE"]:
        assert locale[f"consultation.status.{status}"] == text(f"consultation_status_{status}", language), status


def test_a_snapshot_is_named_the_same_way_everywhere() -> None:
    assert snapshot_name(2, "Udkast 2") == "Udgave 2"  # the default label of older snapshots
    assert snapshot_name(2, "") == "Udgave 2"
    assert snapshot_name(1, "Høringsudkast") == "Udgave 1 – Høringsudkast"
    assert snapshot_name(1, "Høringsudkast", "en") == "Snapshot 1 – Høringsudkast"


def test_danish_texts_quote_with_guillemets_as_danish_does() -> None:
    """»…« in every Danish text, e-mails included; never “…” or «…» (the French way round)."""
    wrong = {where: value for where, value in _sources("da").items() if re.search(r"[“”„]|«(?=[\w{»])", value)}
    assert wrong == {}


@pytest.mark.parametrize("language", ["da", "en"])
def test_e_mails_name_decisions_and_outcomes_in_the_glossary_s_words(language: str) -> None:
    def sent(kind: Kind, **params: str) -> str:
        notification = Notification(
            ObjectId(), "e", kind, ObjectId(), "a@example.dk", language,
            {"round_title": "Kommissorium", "document_title": "Kommissorium", "organization": "KL", **params},
            None, NOW, NOW, State.PENDING, 0, 0, "", None,
        )  # fmt: skip
        return mail.render(notification, "https://udkast.example/x", None).text

    for code in Decision:
        assert glossary.label("decision", code.value, language) in sent(Kind.DECISION_RECORDED, decision=code.value)
    for state in ("APPROVED", "NOT_APPROVED", "WITHDRAWN"):
        closed = sent(Kind.ROUND_CLOSED, outcome=state)
        assert glossary.label("roundState", state, language).lower() in closed
        assert state not in closed
