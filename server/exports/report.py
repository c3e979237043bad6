"""The consultation report (*høringsnotat*) as Markdown, printable HTML and Word.

Pure rendering of what ``server.consultations.report.consultation_report`` compiled for the reader;
``_Wording`` says every fact once, so the formats agree. Entries are attributed to their
organisation (a person's name only when the report was asked for with names), every field has a
label, and the steering group's answer reads one way everywhere (``model.answer_of``).

In the HTML every piece of user text is either escaped or rendered by the one Markdown renderer
(``server.markdown``); in the Markdown, single-line user text is escaped so that it reads as
written, and comment bodies (Markdown by design) are quoted so they cannot break the structure.
The Word file is the Markdown rendered by the one Word renderer, without tables (a table of
several columns on a printed page breaks names and words).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime

from bson import ObjectId

from server import markdown
from server.clock import COPENHAGEN
from server.comments.model import Answer, Comment, CommentStatus, OrganizationCount, ReportEntry, answer_of
from server.consultations.model import PartyView, Response
from server.consultations.report import ConsultationReport, changes
from server.exports.docx import Part, TitlePage, build_docx
from server.markdown_blocks import literal as _md
from server.markdown_blocks import markdown_page
from server.messages import Language, snapshot_name, text

_STYLE = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } .subtitle { margin-top: 0; color: #444; }
h2 { border-bottom: 1px solid #999; margin-top: 2.2rem; } h3 { margin-bottom: 0.4rem; } h4 { margin: 0.2rem 0; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
article { border-left: 3px solid #bbb; padding: 0.2rem 0 0.2rem 0.9rem; margin: 0.9rem 0; break-inside: avoid; }
.label { font-weight: bold; margin-bottom: 0.1rem; }
blockquote { margin: 0.2rem 0 0.6rem; padding-left: 0.8rem; border-left: 2px solid #ddd; color: #333; }
.passage { font-style: italic; white-space: pre-wrap; } .proposal { white-space: pre-wrap; }
.context { color: #777; } .reply { margin-left: 0.8rem; } .text { white-space: pre-wrap; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def filename(found: ConsultationReport) -> str:
    """The report's file name in words, without extension (``server.web`` makes it safe to send)."""
    return f"Høringsnotat – {found.document.title} – {snapshot_name(found.snapshot.number, '')}"


def _date(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%d.%m.%Y")


def _moment(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%d.%m.%Y kl. %H.%M")


class _Wording:
    """What every format says, worded once."""

    def __init__(self, found: ConsultationReport, language: Language) -> None:
        self.found = found
        self.language = language

    def t(self, key: str, **params: object) -> str:
        return text(key, self.language, **params)

    def title(self) -> str:
        return f"{self.t('report_title')}: {self.found.document.title}"

    def snapshot(self) -> str:
        return snapshot_name(self.found.snapshot.number, self.found.snapshot.label, self.language)

    def date(self) -> str:
        return _date(self.found.generated_at)

    def header(self) -> str:
        """The running header of the printed report: title and date."""
        return f"{self.title()} – {self.date()}"

    def facts(self) -> list[tuple[str, str]]:
        facts = [(self.t("report_snapshot"), self.snapshot())]
        consultation = self.found.consultation
        if consultation is not None:
            facts += [
                (self.t("report_period"), f"{_date(consultation.opened_at)} – {_date(consultation.deadline)}"),
                (self.t("report_deadline"), _moment(consultation.deadline)),
                (
                    self.t("report_responses"),
                    self.t("report_responses_value", count=self.found.response_count, total=len(self.found.parties)),
                ),
            ]
        return [*facts, (self.t("report_date"), self.date())]

    def introduction(self) -> str:
        consultation = self.found.consultation
        assert consultation is not None
        words = self.t(
            "report_introduction_text",
            snapshot=self.snapshot(),
            opened=_date(consultation.opened_at),
            deadline=_moment(consultation.deadline),
            parties=len(self.found.parties),
            count=self.found.response_count,
        )
        closed = consultation.closed_at
        if closed is None:
            return f"{words} {self.t('report_introduction_open')}"
        return f"{words} {self.t('report_introduction_closed', closed=_date(closed))}"

    def party(self, party: PartyView) -> str:
        """A party's status on the høringsliste: what it answered and when, or that it gave no answer."""
        status = "NO_RESPONSE" if party.no_response else party.status.value
        words = self.t(f"consultation_status_{status}")
        if party.responded_at is not None:
            words = self.t("report_party_answered", status=words, date=_date(party.responded_at))
        return f"{words} ({self.t('report_late')})" if party.late else words

    def general_remarks(self) -> list[Response]:
        return [r for r in self.found.responses if r.general_remarks.strip() or r.attachment_id is not None]

    def change(self, title: str, comment: Comment) -> str:
        return f"{title}: {self.organization(comment.organization_id)} – {self.disposition(comment)}"

    def organization(self, organization_id: ObjectId) -> str:
        found = self.found.organizations.get(organization_id)
        return found.name if found else "?"

    def byline(self, comment: Comment) -> str:
        organization = self.organization(comment.organization_id)
        date = _date(comment.submitted_at or comment.created_at)
        author = self.found.authors.get(comment.author_id)
        if author:
            return self.t("report_by_named", organization=organization, author=author, date=date)
        return self.t("report_by", organization=organization, date=date)

    def status(self, status: CommentStatus) -> str:
        return self.t(f"comment_status_{status.value}")

    def disposition(self, comment: Comment) -> str:
        words = self.status(comment.status)
        if comment.applied_version is not None:
            words += " – " + self.t("report_applied", version=comment.applied_version)
        if self.found.draft_answer(comment) and answer_of(comment) != Answer.PENDING:
            words += f" ({self.t('report_draft_answer')})"
        return words

    def unanswered(self, comment: Comment) -> str | None:
        """The answer's wording when no text was written, or None when there is a written answer."""
        answer = answer_of(comment)
        if answer == Answer.WRITTEN:
            return None
        return self.t("report_answer_pending" if answer == Answer.PENDING else "report_answer_without_remarks")

    def count(self, count: OrganizationCount) -> str:
        total = (
            self.t("report_comments_count_one")
            if count.total == 1
            else self.t("report_comments_count", count=count.total)
        )
        by_status = ", ".join(f"{n} {self.status(s).lower()}" for s, n in count.by_status.items() if n)
        return f"{total} ({by_status})" if by_status else total

    def passage(self, comment: Comment) -> str:
        return self.found.passages.get(comment.id) or (comment.anchor.exact if comment.anchor else "")


# Markdown


def _quoted(value: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in value.strip().splitlines()) or ">"


def _quoted_passage(value: str) -> str:
    """A passage of the text (plain text, one block a line) quoted in italics, a numbered item as one."""
    lines = []
    for line in value.strip().splitlines():
        numbered = re.match(r"^(\d{1,9}[.)]) (.*)$", line)
        number, words = (numbered.group(1) + " ", numbered.group(2)) if numbered else ("", line)
        lines.append(f"> {number}*{_md(words)}*" if words.strip() else f"> {number}".rstrip())
    return "\n>\n".join(lines) or ">"


def _label(value: str) -> str:
    return f"**{_md(value)}:**"


def _entry_markdown(w: _Wording, number: int, entry: ReportEntry) -> list[str]:
    comment = entry.comment
    lines = [f"#### {_md(w.t('report_entry', number=number, byline=w.byline(comment)))}", ""]
    if comment.anchor:
        lines += [_label(w.t("report_passage")), "", _quoted_passage(w.passage(comment)), ""]
    else:
        lines += [f"{_label(w.t('report_passage'))} {_md(w.t('report_whole_section'))}", ""]
    lines += [_label(w.t("report_comment")), "", _quoted(comment.body), ""]
    if comment.proposed_text is not None:
        lines += [_label(w.t("report_proposal")), "", _quoted(comment.proposed_text), ""]
    lines += _replies_markdown(w, entry.replies)
    lines += [f"{_label(w.t('report_disposition'))} {_md(w.disposition(comment))}", ""]
    unanswered = w.unanswered(comment)
    if unanswered is None:
        lines += [_label(w.t("report_response")), "", _quoted(comment.response), ""]
    else:
        lines += [f"{_label(w.t('report_response'))} {_md(unanswered)}", ""]
    return lines


def _replies_markdown(w: _Wording, replies: Iterable[Comment]) -> list[str]:
    lines: list[str] = []
    for reply in replies:
        lines += [f"{_label(w.t('report_replies'))}", ""] if not lines else []
        lines += [f"*{_md(w.byline(reply))}:*", "", _quoted(reply.body), ""]
    return lines


def _question_markdown(w: _Wording, entry: ReportEntry) -> list[str]:
    question = entry.comment
    lines = [f"#### {_md(w.t('report_question'))}: {_md(w.byline(question))}", ""]
    if question.anchor:
        lines += [_label(w.t("report_passage")), "", _quoted_passage(w.passage(question)), ""]
    lines += [_quoted(question.body), ""]
    return lines + _replies_markdown(w, entry.replies)


def _introduction_markdown(w: _Wording) -> list[tuple[str, str]]:
    consultation = w.found.consultation
    if consultation is None:
        return []
    lines = [_md(w.introduction()), "", f"### {_md(w.t('report_parties'))}", ""]
    lines += [f"- **{_md(w.organization(p.organization_id))}:** {_md(w.party(p))}" for p in w.found.parties]
    if consultation.letter.strip():
        lines += ["", f"### {_md(w.t('report_letter'))}", "", _quoted(consultation.letter)]
    parts = [(w.t("report_introduction"), "\n".join(lines))]
    remarks = w.general_remarks()
    if remarks:
        lines = []
        for response in remarks:
            lines += [f"### {_md(w.organization(response.organization_id))}", ""]
            if response.general_remarks.strip():
                lines += [_quoted(response.general_remarks), ""]  # Markdown, quoted like a comment
            if response.attachment_id is not None:
                lines += [_md(w.t("report_attachment")), ""]
        parts.append((w.t("report_general_remarks"), "\n".join(lines)))
    return parts


def _changes_markdown(w: _Wording) -> tuple[str, str]:
    found = changes(w.found.report)
    lines = [f"- {_md(w.change(section.title, comment))}" for section, comment in found]
    return w.t("report_changes"), "\n".join(lines) if lines else _md(w.t("report_no_changes"))


def _markdown_parts(w: _Wording) -> list[tuple[str, str]]:
    """The report after its facts, as (heading, Markdown) parts: for the Markdown and the Word file."""
    report = w.found.report
    parts = _introduction_markdown(w)
    if report.total == 0 and not any(s.questions for s in report.sections):
        return [*parts, (w.t("report_counts"), _md(w.t("report_none")))]
    counts = [f"- **{_md(w.organization(c.organization_id))}:** {_md(w.count(c))}" for c in report.counts]
    parts.append((w.t("report_counts"), "\n".join(counts)))
    for section in report.sections:
        lines: list[str] = []
        for group in section.organizations:
            lines += [f"### {_md(w.organization(group.organization_id))}", ""]
            for number, entry in enumerate(group.entries, start=1):
                lines += _entry_markdown(w, number, entry)
        if section.questions:
            lines += [f"### {_md(w.t('report_questions'))}", ""]
            for entry in section.questions:
                lines += _question_markdown(w, entry)
        parts.append((w.t("report_section", title=section.title, version=section.version), "\n".join(lines)))
    return [*parts, _changes_markdown(w)]


def render_markdown(found: ConsultationReport, language: Language = "da") -> str:
    w = _Wording(found, language)
    return markdown_page(w.title(), w.facts(), _markdown_parts(w))


def render_docx(found: ConsultationReport, language: Language = "da") -> bytes:
    """The report as Word: the facts atop page 1, then the Markdown parts (one renderer)."""
    w = _Wording(found, language)
    parts = [Part(heading=heading, markdown=body) for heading, body in _markdown_parts(w)]
    return build_docx(
        TitlePage(title=w.title(), subtitle=w.snapshot(), facts=w.facts(), own_page=False),
        parts,
        header=w.header(),
        language=("da-DK" if language == "da" else "en-GB"),
        plain_quotes=True,
    )


# HTML


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _label_html(value: str) -> str:
    return f'<p class="label">{_e(value)}:</p>'


def _passage_html(w: _Wording, comment: Comment) -> str:
    if comment.anchor is None:
        return f'<p><span class="label">{_e(w.t("report_passage"))}:</span> {_e(w.t("report_whole_section"))}</p>'
    a = comment.anchor
    passage = _e(w.passage(comment)).replace("\n", "<br>")
    return (
        f"{_label_html(w.t('report_passage'))}"
        f'<blockquote class="passage"><span class="context">…{_e(a.prefix)}</span>{passage}'
        f'<span class="context">{_e(a.suffix)}…</span></blockquote>'
    )


def _replies_html(w: _Wording, replies: Iterable[Comment]) -> list[str]:
    out: list[str] = []
    for reply in replies:
        out += [] if out else [_label_html(w.t("report_replies"))]
        out.append(
            f'<div class="reply"><p><em>{_e(w.byline(reply))}:</em></p><blockquote>{reply.html}</blockquote></div>'
        )
    return out


def _entry_html(w: _Wording, number: int, entry: ReportEntry) -> str:
    comment = entry.comment
    out = ["<article>", f"<h4>{_e(w.t('report_entry', number=number, byline=w.byline(comment)))}</h4>"]
    out.append(_passage_html(w, comment))
    out.append(f"{_label_html(w.t('report_comment'))}<blockquote>{comment.html}</blockquote>")
    if comment.proposed_text is not None:
        proposal = _e(comment.proposed_text)
        out.append(f'{_label_html(w.t("report_proposal"))}<blockquote class="proposal">{proposal}</blockquote>')
    out += _replies_html(w, entry.replies)
    out.append(f'<p><span class="label">{_e(w.t("report_disposition"))}:</span> {_e(w.disposition(comment))}</p>')
    unanswered = w.unanswered(comment)
    if unanswered is None:
        out.append(f"{_label_html(w.t('report_response'))}<blockquote>{comment.response_html}</blockquote>")
    else:
        out.append(f'<p><span class="label">{_e(w.t("report_response"))}:</span> {_e(unanswered)}</p>')
    out.append("</article>")
    return "\n".join(out)


def _question_html(w: _Wording, entry: ReportEntry) -> str:
    question = entry.comment
    out = ["<article>", f"<h4>{_e(w.t('report_question'))}: {_e(w.byline(question))}</h4>"]
    if question.anchor:
        out.append(_passage_html(w, question))
    out.append(f"<blockquote>{question.html}</blockquote>")
    out += _replies_html(w, entry.replies)
    out.append("</article>")
    return "\n".join(out)


def render_html(found: ConsultationReport, language: Language = "da") -> str:
    w = _Wording(found, language)
    report = found.report
    parts = [
        "<!doctype html>",
        f'<html lang="{language}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(w.title())}</title><style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{_e(w.title())}</h1>",
        '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in w.facts()) + "</dl>",
    ]
    parts += _introduction_html(w)
    if report.total == 0 and not any(s.questions for s in report.sections):
        parts += [f"<h2>{_e(w.t('report_counts'))}</h2>", f"<p>{_e(w.t('report_none'))}</p>", "</body></html>", ""]
        return "\n".join(parts)
    parts.append(f"<h2>{_e(w.t('report_counts'))}</h2><ul>")
    parts += [
        f'<li><span class="label">{_e(w.organization(c.organization_id))}:</span> {_e(w.count(c))}</li>'
        for c in report.counts
    ]
    parts.append("</ul>")
    for section in report.sections:
        parts.append(f"<h2>{_e(w.t('report_section', title=section.title, version=section.version))}</h2>")
        for group in section.organizations:
            parts.append(f"<h3>{_e(w.organization(group.organization_id))}</h3>")
            parts += [_entry_html(w, n, entry) for n, entry in enumerate(group.entries, start=1)]
        if section.questions:
            parts.append(f"<h3>{_e(w.t('report_questions'))}</h3>")
            parts += [_question_html(w, entry) for entry in section.questions]
    parts.append(f"<h2>{_e(w.t('report_changes'))}</h2>")
    found_changes = changes(report)
    if found_changes:
        parts.append("<ul>" + "".join(f"<li>{_e(w.change(s.title, c))}</li>" for s, c in found_changes) + "</ul>")
    else:
        parts.append(f"<p>{_e(w.t('report_no_changes'))}</p>")
    parts += ["</body></html>", ""]
    return "\n".join(parts)


def _introduction_html(w: _Wording) -> list[str]:
    consultation = w.found.consultation
    if consultation is None:
        return []
    out = [f"<h2>{_e(w.t('report_introduction'))}</h2>", f"<p>{_e(w.introduction())}</p>"]
    out.append(f"<h3>{_e(w.t('report_parties'))}</h3><ul>")
    out += [
        f'<li><span class="label">{_e(w.organization(p.organization_id))}:</span> {_e(w.party(p))}</li>'
        for p in w.found.parties
    ]
    out.append("</ul>")
    if consultation.letter.strip():
        out.append(f"<h3>{_e(w.t('report_letter'))}</h3><blockquote>{consultation.letter_html}</blockquote>")
    remarks = w.general_remarks()
    if remarks:
        out.append(f"<h2>{_e(w.t('report_general_remarks'))}</h2>")
        for response in remarks:
            out.append(f"<h3>{_e(w.organization(response.organization_id))}</h3>")
            if response.general_remarks.strip():
                out.append(f"<blockquote>{markdown.render(response.general_remarks)}</blockquote>")
            if response.attachment_id is not None:
                out.append(f"<p>{_e(w.t('report_attachment'))}</p>")
    return out
