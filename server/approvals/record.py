"""The approval record of a round — for filing in the case-handling system — as Markdown, HTML, Word.

Pure rendering of what ``server.approvals.service.approval_record`` gathered. A party's internal
note is private to its organisation and never part of the record. All times are shown
in Copenhagen time with their zone. In the HTML every piece of user text is escaped; in the
Markdown, user text is escaped so it reads literally and cannot break the structure.

``outcome_text`` is also what the API returns as ``outcomeNote``: one wording of an outcome.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from datetime import datetime

from bson import ObjectId

from server.approvals import model
from server.approvals.service import ApprovalRecord
from server.clock import COPENHAGEN
from server.exports.docx import Part, TitlePage, build_docx
from server.markdown_blocks import literal as _md
from server.markdown_blocks import markdown_page
from server.messages import Language, snapshot_name, text

_HISTORY_COLUMNS = (
    "record_time",
    "record_organization",
    "record_decision",
    "record_person",
    "record_remarks",
)

_STYLE = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #999; margin-top: 2rem; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
.fingerprint { font-family: monospace; word-break: break-all; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
th, td { border: 1px solid #999; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
.text { white-space: pre-wrap; } .outcome { font-size: 1.1rem; }
section.party { border-left: 3px solid #bbb; padding: 0.1rem 0 0.1rem 0.9rem; margin: 1rem 0; break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } }
"""


def moment(value: datetime) -> str:
    """A time as the record shows it: Copenhagen wall-clock time and zone."""
    return value.astimezone(COPENHAGEN).strftime("%d.%m.%Y %H:%M:%S %Z")


def filename(record: ApprovalRecord) -> str:
    """The record's file name in words, without extension (``server.web`` makes it safe to send)."""
    return f"Skriftlig proces – {record.document.title} – {snapshot_name(record.snapshot.number, '')}"


def outcome_text(round: model.ApprovalRound, name_of: Callable[[ObjectId], str], language: Language) -> str:
    """The outcome in words: approved (and whose silence counted), why not, withdrawn, or still open."""
    t = functools.partial(text, language=language)
    closure = round.closure
    if closure is None:
        return t("outcome_open", deadline=moment(round.deadline))
    if closure.cause == model.Cause.WITHDRAWN:
        return t("outcome_withdrawn", reason=closure.reason)
    outcome = model.outcome_of(round, closure.cause)
    if outcome.state == model.RoundState.APPROVED:
        parts = [t("outcome_approved")]
        if outcome.silent_consent:
            names = ", ".join(name_of(o) for o in outcome.silent_consent)
            parts.append(t("outcome_silent_consent", organizations=names))
        return " ".join(parts)
    reasons = [t(f"outcome_reason_{r.kind.value}", organization=name_of(r.organization_id)) for r in outcome.reasons]
    return " ".join([t("outcome_not_approved"), *reasons])


class _Facts:
    """What both renderings say, worded once."""

    def __init__(self, record: ApprovalRecord, language: Language) -> None:
        self.record = record
        self.language = language
        self.round = record.round
        self.sections = {e.section_id: e.title for e in record.snapshot.entries}

    def t(self, key: str, **params: object) -> str:
        return text(key, self.language, **params)

    def title(self) -> str:
        return f"{self.t('record_title')}: {self.round.title}"

    def generated(self) -> str:
        return self.t("record_generated", time=moment(self.record.generated_at))

    def organization(self, organization_id: ObjectId) -> str:
        found = self.record.organizations.get(organization_id)
        return found.name if found else "?"

    def user(self, user_id: ObjectId | None) -> str:
        found = self.record.users.get(user_id) if user_id else None
        return found.name if found else "–"

    def by(self, at: datetime, user_id: ObjectId | None) -> str:
        return self.t("record_by", time=moment(at), name=self.user(user_id))

    def decision(self, decision: model.Decision) -> str:
        return self.t(f"approval_decision_{decision.value}")

    def section_titles(self, entry: model.DecisionEntry) -> str:
        return ", ".join(self.sections.get(s, "?") for s in entry.section_ids)

    def header(self) -> list[tuple[str, str]]:
        round, snapshot = self.round, self.record.snapshot
        rows = [
            (self.t("record_document"), self.record.document.title),
            (self.t("record_snapshot"), snapshot_name(snapshot.number, snapshot.label, self.language)),
            (self.t("record_fingerprint"), snapshot.fingerprint),
            (self.t("record_opened"), self.by(round.opened_at, round.opened_by)),
            (self.t("record_deadline"), moment(round.deadline)),
            (
                self.t("record_silence"),
                self.t("record_silence_consent" if round.silence_is_consent else "record_silence_no_consent"),
            ),
            (self.t("record_state"), self.t(f"approval_state_{round.state.value}")),
        ]
        closure = round.closure
        if closure is not None:
            cause = self.t(f"approval_cause_{closure.cause.value}")
            rows.append((self.t("record_closed"), f"{moment(closure.at)} ({cause})"))
        return rows

    def outcome(self) -> str:
        return outcome_text(self.round, self.organization, self.language)

    def party_rows(self, party: model.Party) -> list[tuple[str, str]]:
        entry = party.decision
        if entry is None:
            outcome = model.outcome(self.round)
            silent = outcome is not None and party.organization_id in outcome.silent_consent
            rows = [(self.t("record_decision"), self.t("record_silent_consent" if silent else "record_no_decision"))]
        else:
            rows = [
                (self.t("record_decision"), self.decision(entry.decision)),
                (self.t("record_decided"), self.by(entry.at, entry.by)),
            ]
            if entry.remarks:
                rows.append((self.t("record_remarks"), entry.remarks))
            if entry.section_ids:
                rows.append((self.t("record_sections"), self.section_titles(entry)))
        if party.awaiting_board:
            rows.append((self.t("record_awaiting_board"), party.board_note or "–"))
        return rows

    def extension(self, entry: model.ExtensionEntry) -> str:
        return self.t(
            "record_extension",
            at=moment(entry.at),
            previous=moment(entry.previous),
            deadline=moment(entry.deadline),
            name=self.user(entry.by),
            reason=entry.reason,
        )

    def history_row(self, d: model.DecisionEntry) -> list[str]:
        return [
            moment(d.at),
            self.organization(d.organization_id),
            self.decision(d.decision),
            self.user(d.by),
            d.remarks,
        ]

    def history_line(self, d: model.DecisionEntry) -> str:
        line = self.t(
            "record_history_entry",
            time=moment(d.at),
            organization=self.organization(d.organization_id),
            decision=self.decision(d.decision),
            name=self.user(d.by),
        )
        return f"{line} {self.t('record_remarks')}: {d.remarks}" if d.remarks else line

    def board_mark(self, entry: model.BoardEntry) -> str:
        key = "record_board_mark_on" if entry.awaiting else "record_board_mark_off"
        line = self.t(key, at=moment(entry.at), organization=self.organization(entry.organization_id))
        return f"{line} ({entry.note})." if entry.note else f"{line}."


# Markdown


def _md_block(value: str) -> str:
    """User text of several lines, each escaped, kept as separate lines."""
    return "  \n".join(_md(line) for line in value.strip().splitlines() if line.strip())


def _markdown_parts(f: _Facts) -> list[tuple[str, str]]:
    """The record after its header, as (heading, Markdown) parts: for the Markdown and the Word file."""
    round = f.round
    parties: list[str] = []
    for party in model.parties(round):
        parties += [f"### {_md(f.organization(party.organization_id))}", ""]
        parties += [f"- **{_md(label)}:** {_md_block(value)}" for label, value in f.party_rows(party)]
        parties.append("")
    parts = [(f.t("record_outcome"), _md_block(f.outcome())), (f.t("record_parties"), "\n".join(parties))]
    if round.extensions:
        parts.append((f.t("record_extensions"), "\n".join(f"- {_md(f.extension(e))}" for e in round.extensions)))
    if round.board_marks:
        parts.append((f.t("record_board_marks"), "\n".join(f"- {_md(f.board_mark(e))}" for e in round.board_marks)))
    if round.decisions:
        # A list, not a table: in a printed page a table of five columns breaks names and dates.
        parts.append((f.t("record_history"), "\n".join(f"- {_md_block(f.history_line(d))}" for d in round.decisions)))
    else:
        parts.append((f.t("record_history"), _md(f.t("record_no_decisions"))))
    return parts


def render_markdown(record: ApprovalRecord, language: Language = "da") -> str:
    f = _Facts(record, language)
    return markdown_page(f.title(), f.header(), _markdown_parts(f), footer=f.generated())


def render_docx(record: ApprovalRecord, language: Language = "da") -> bytes:
    """The record as Word: a title page with the facts, then the Markdown parts (one renderer)."""
    f = _Facts(record, language)
    parts = [Part(heading=heading, markdown=body) for heading, body in _markdown_parts(f)]
    facts = [*f.header(), (f.t("record_printed"), moment(record.generated_at))]
    return build_docx(
        TitlePage(title=f.title(), subtitle=record.document.title, facts=facts, own_page=False),
        parts,
        header=f.title(),
        language="da-DK" if language == "da" else "en-GB",
    )


# HTML


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _facts_html(rows: list[tuple[str, str]], *, monospace: str = "") -> str:
    items = []
    for label, value in rows:
        css = "fingerprint" if label == monospace else "text"
        items.append(f'<dt>{_e(label)}</dt><dd class="{css}">{_e(value)}</dd>')
    return '<dl class="facts">' + "".join(items) + "</dl>"


def render_html(record: ApprovalRecord, language: Language = "da") -> str:
    f = _Facts(record, language)
    title = f.title()
    parts = [
        "<!doctype html>",
        f'<html lang="{language}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        _facts_html(f.header(), monospace=f.t("record_fingerprint")),
        f"<h2>{_e(f.t('record_outcome'))}</h2>",
        f'<p class="outcome text">{_e(f.outcome())}</p>',
        f"<h2>{_e(f.t('record_parties'))}</h2>",
    ]
    for party in model.parties(record.round):
        parts.append('<section class="party">')
        parts.append(f"<h3>{_e(f.organization(party.organization_id))}</h3>")
        parts.append(_facts_html(f.party_rows(party)))
        parts.append("</section>")
    if record.round.extensions:
        parts.append(f"<h2>{_e(f.t('record_extensions'))}</h2><ul>")
        parts += [f'<li class="text">{_e(f.extension(e))}</li>' for e in record.round.extensions]
        parts.append("</ul>")
    if record.round.board_marks:
        parts.append(f"<h2>{_e(f.t('record_board_marks'))}</h2><ul>")
        parts += [f'<li class="text">{_e(f.board_mark(e))}</li>' for e in record.round.board_marks]
        parts.append("</ul>")
    parts.append(f"<h2>{_e(f.t('record_history'))}</h2>")
    if record.round.decisions:
        head = "".join(f"<th>{_e(f.t(c))}</th>" for c in _HISTORY_COLUMNS)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
        for d in record.round.decisions:
            parts.append("<tr>" + "".join(f'<td class="text">{_e(c)}</td>' for c in f.history_row(d)) + "</tr>")
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p>{_e(f.t('record_no_decisions'))}</p>")
    parts.append(f"<p><em>{_e(f.generated())}</em></p>")
    parts.append("</body></html>")
    return "\n".join(parts)
