"""An event in words: what the activity feed and the audit export say about it.

Each entry names what it is about — the round and the decision, the section, the snapshot — so
a reader never has to guess which round closed or which comment was answered. Automatic
actions (a round closing by itself, the phase following it) have no person behind them and are
attributed to "Udkast (automatisk)".

Pure: the caller passes in the names it looked up (sections by id, organisations by slug).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.clock import COPENHAGEN
from server.events.model import Event
from server.messages import MESSAGES, Language, snapshot_name, text


@dataclass(frozen=True)
class Names:
    section: Callable[[str], str]  # a section's title by its API id
    organization: Callable[[str], str]  # an organisation's name by its slug


def local_time(moment: datetime | str) -> str:
    """A time as Danish readers read it: Copenhagen wall-clock time with its zone."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(COPENHAGEN).strftime("%d.%m.%Y %H:%M %Z")


def actor_name(name: str | None, language: Language) -> str:
    return name if name else text("event_automatic", language)


def describe(event: Event, names: Names, language: Language = "da") -> str:
    """What happened, as one sentence to follow the actor's name."""
    data: Mapping[str, Any] = event.data
    key = f"event_{event.kind.replace('.', '_')}"

    def s(name: str) -> str:
        value = data.get(name)
        return "" if value is None else str(value)

    params: dict[str, object] = {
        "title": s("title"),
        "version": s("version"),
        "count": s("count"),
        "reason": s("reason"),
    }
    if "section_id" in data:
        params["section"] = names.section(s("section_id"))
    if "organization" in data:
        params["organization"] = names.organization(s("organization"))
    if isinstance(data.get("organizations"), list):
        params["organizations"] = ", ".join(names.organization(str(o)) for o in data["organizations"])
    match event.kind:
        case "document.phase_changed":
            params["phase"] = s("to")
        case "snapshot.created" | "approval_round.opened" | "consultation.opened":
            number = int(data.get("number", data.get("snapshot", 0)) or 0)
            name = snapshot_name(number, s("label"), language)
            params["snapshot"] = name[:1].lower() + name[1:]  # mid-sentence: "oprettede udgave 2"
            if "deadline" in data:
                params["deadline"] = local_time(s("deadline"))
        case "section.moved":
            params |= {"from": int(data.get("from", 0)) + 1, "to": int(data.get("to", 0)) + 1}
        case "comment.added":
            if data.get("reply"):
                key = "event_comment_reply"
            elif data.get("kind") == "PROPOSAL":
                key = "event_comment_proposal"
        case "comment.answered":
            params["status"] = text(f"comment_status_{s('status')}", language) if s("status") else ""
        case "approval_round.decision_recorded":
            params["decision"] = text(f"approval_decision_{s('decision')}", language)
        case "approval_round.awaiting_board":
            key = "event_approval_round_awaiting_board" if data.get("awaiting") else "event_approval_round_board_done"
        case "approval_round.deadline_extended":
            params["deadline"] = local_time(s("to"))
        case "consultation.extended":
            params["deadline"] = local_time(s("to"))
        case "consultation.closed" if data.get("cause") == "DEADLINE":
            key = "event_consultation_closed_deadline"
        case "consultation.responded":
            params["status"] = text(f"consultation_status_{s('kind')}", language)
        case "approval_round.closed":
            params["state"] = text(f"approval_state_{s('state')}", language)
    if key not in MESSAGES:
        return text("event_other", language)
    return text(key, language, **params)
