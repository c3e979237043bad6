"""The consultation report (*høringsnotat*) as Markdown and as printable HTML.

Pure rendering of what ``server.comments.service.consultation_report`` compiled for the reader.
In the HTML every piece of user text is either escaped or rendered by the one Markdown renderer
(``server.markdown``); in the Markdown, single-line user text is escaped so that it reads as
written, and comment bodies (Markdown by design) are quoted so they cannot break the structure.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from datetime import datetime

from bson import ObjectId

from server.clock import COPENHAGEN, danish_date
from server.comments.model import Comment, CommentStatus
from server.comments.service import ConsultationReport
from server.exports.docx import Part, TitlePage, build_docx
from server.messages import Language, snapshot_name, text

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")

_STYLE = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } .subtitle { margin-top: 0; color: #444; }
h2 { border-bottom: 1px solid #999; margin-top: 2.2rem; } h3 { margin-bottom: 0.4rem; }
table { border-collapse: collapse; margin: 1rem 0; } th, td { border: 1px solid #999; padding: 0.25rem 0.6rem; }
td.n { text-align: right; }
article { border-left: 3px solid #bbb; padding: 0.2rem 0 0.2rem 0.9rem; margin: 0.9rem 0; break-inside: avoid; }
.meta { color: #444; font-size: 0.9rem; } .label { font-weight: bold; }
blockquote { margin: 0.4rem 0; padding-left: 0.8rem; border-left: 2px solid #ddd; color: #333; }
.passage { font-style: italic; white-space: pre-wrap; } .proposal { white-space: pre-wrap; }
.context { color: #777; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def filename(found: ConsultationReport) -> str:
    """The report's file name in words, without extension (``server.web`` makes it safe to send)."""
    return f"Høringsnotat – {found.document.title} – {snapshot_name(found.snapshot.number, '')}"


def _date(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%d.%m.%Y")


def _organization_name(found: ConsultationReport, organization_id: ObjectId) -> str:
    org = found.organizations.get(organization_id)
    return org.name if org else "?"


def _status(status: CommentStatus, language: Language) -> str:
    return text(f"comment_status_{status.value}", language)


def _byline(found: ConsultationReport, comment: Comment, authors: Mapping[ObjectId, str], language: Language) -> str:
    return text(
        "report_by",
        language,
        author=authors.get(comment.author_id, "?"),
        organization=_organization_name(found, comment.organization_id),
        date=_date(comment.submitted_at or comment.created_at),
    )


# Markdown


def _md(value: str) -> str:
    """One line of user text, escaped so Markdown shows it literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def _quoted(value: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in value.strip().splitlines()) or ">"


def _quoted_passage(value: str) -> str:
    """A passage of the text (plain text, one block a line) quoted literally, a numbered item as one."""
    lines = []
    for line in value.strip().splitlines():
        numbered = re.match(r"^(\d{1,9}[.)]) (.*)$", line)
        lines.append(f"> {numbered.group(1)} {_md(numbered.group(2))}" if numbered else f"> {_md(line)}")
    return "\n>\n".join(lines) or ">"


def _passage(found: ConsultationReport, comment: Comment) -> str:
    return found.passages.get(comment.id) or (comment.anchor.exact if comment.anchor else "")


def render_markdown(found: ConsultationReport, authors: Mapping[ObjectId, str], language: Language = "da") -> str:
    t = functools.partial(text, language=language)
    report = found.report
    lines = [
        f"# {t('report_title')}: {_md(found.document.title)}",
        "",
        _md(snapshot_name(found.snapshot.number, found.snapshot.label, language)),
        "",
    ]
    if report.total == 0:
        return "\n".join([*lines, t("report_none"), ""])
    statuses = list(CommentStatus)
    lines += [
        f"## {t('report_counts')}",
        "",
        "| "
        + " | ".join([t("report_organization"), *(_status(s, language) for s in statuses), t("report_total")])
        + " |",
        "|" + " --- |" * (len(statuses) + 2),
    ]
    for count in report.counts:
        cells = [_md(_organization_name(found, count.organization_id))]
        cells += [str(count.by_status[s]) for s in statuses] + [str(count.total)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for section in report.sections:
        lines += [f"## {_md(t('report_section', title=section.title, version=section.version))}", ""]
        for group in section.organizations:
            lines += [f"### {_md(_organization_name(found, group.organization_id))}", ""]
            for n, comment in enumerate(group.comments, start=1):
                lines += [f"#### {n}. {_md(_byline(found, comment, authors, language))}", ""]
                if comment.anchor:
                    lines += [f"**{t('report_passage')}:**", "", _quoted_passage(_passage(found, comment)), ""]
                else:
                    lines += [f"**{t('report_passage')}:** {t('report_whole_section')}", ""]
                lines += [_quoted(comment.body), ""]
                if comment.proposed_text is not None:
                    lines += [f"**{t('report_proposal')}:**", "", _quoted(comment.proposed_text), ""]
                disposition = _status(comment.status, language)
                if comment.applied_version is not None:
                    disposition += " – " + t("report_applied", version=comment.applied_version)
                lines += [f"**{t('report_disposition')}:** {disposition}", ""]
                if comment.response:
                    lines += [f"**{t('report_response')}:**", "", _quoted(comment.response), ""]
    return "\n".join(lines)


def render_docx(found: ConsultationReport, authors: Mapping[ObjectId, str], language: Language = "da") -> bytes:
    """The report as Word: the Markdown rendering, one part per top-level heading (one renderer)."""
    source = render_markdown(found, authors, language)
    parts: list[Part] = []
    heading: str | None = None
    body: list[str] = []
    for line in source.splitlines()[1:]:
        if line.startswith("## "):
            if heading is not None:
                parts.append(Part(heading=_unescape(heading), markdown="\n".join(body)))
            heading, body = line[3:], []
        else:
            body.append(line)
    if heading is not None:
        parts.append(Part(heading=_unescape(heading), markdown="\n".join(body)))
    elif body:
        parts.append(Part(heading=text("report_title", language), markdown="\n".join(body)))
    subtitle = snapshot_name(found.snapshot.number, found.snapshot.label, language)
    title = f"{text('report_title', language)}: {found.document.title}"
    facts = [("Dato" if language == "da" else "Date", danish_date(found.snapshot.created_at))]
    return build_docx(
        TitlePage(title=title, subtitle=subtitle, facts=facts),
        parts,
        header=title,
        language=("da-DK" if language == "da" else "en-GB"),
    )


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


# HTML


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_html(found: ConsultationReport, authors: Mapping[ObjectId, str], language: Language = "da") -> str:
    t = functools.partial(text, language=language)
    report = found.report
    title = f"{t('report_title')}: {found.document.title}"
    parts = [
        "<!doctype html>",
        f'<html lang="{language}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="subtitle">{_e(snapshot_name(found.snapshot.number, found.snapshot.label, language))}</p>',
    ]
    if report.total == 0:
        parts += [f"<p>{_e(t('report_none'))}</p>", "</body></html>", ""]
        return "\n".join(parts)
    statuses = list(CommentStatus)
    header = [t("report_organization"), *(_status(s, language) for s in statuses), t("report_total")]
    parts += [
        f"<h2>{_e(t('report_counts'))}</h2>",
        "<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr></thead><tbody>",
    ]
    for count in report.counts:
        cells = "".join(f'<td class="n">{count.by_status[s]}</td>' for s in statuses)
        parts.append(
            f"<tr><td>{_e(_organization_name(found, count.organization_id))}</td>{cells}"
            f'<td class="n">{count.total}</td></tr>'
        )
    parts.append("</tbody></table>")
    for section in report.sections:
        parts.append(f"<h2>{_e(t('report_section', title=section.title, version=section.version))}</h2>")
        for group in section.organizations:
            parts.append(f"<h3>{_e(_organization_name(found, group.organization_id))}</h3>")
            for comment in group.comments:
                parts.append(_comment_html(found, comment, authors, language))
    parts += ["</body></html>", ""]
    return "\n".join(parts)


def _comment_html(
    found: ConsultationReport, comment: Comment, authors: Mapping[ObjectId, str], language: Language
) -> str:
    t = functools.partial(text, language=language)
    out = ["<article>", f'<p class="meta">{_e(_byline(found, comment, authors, language))}</p>']
    if comment.anchor:
        a = comment.anchor
        passage = _e(_passage(found, comment)).replace("\n", "<br>")
        out.append(
            f'<p><span class="label">{_e(t("report_passage"))}:</span> '
            f'<span class="passage"><span class="context">…{_e(a.prefix)}</span>{passage}'
            f'<span class="context">{_e(a.suffix)}…</span></span></p>'
        )
    else:
        out.append(f'<p><span class="label">{_e(t("report_passage"))}:</span> {_e(t("report_whole_section"))}</p>')
    out.append(f"<blockquote>{comment.html}</blockquote>")  # rendered when it was written
    if comment.proposed_text is not None:
        out.append(
            f'<p class="label">{_e(t("report_proposal"))}:</p>'
            f'<blockquote class="proposal">{_e(comment.proposed_text)}</blockquote>'
        )
    disposition = _status(comment.status, language)
    if comment.applied_version is not None:
        disposition += " – " + t("report_applied", version=comment.applied_version)
    out.append(f'<p><span class="label">{_e(t("report_disposition"))}:</span> {_e(disposition)}</p>')
    if comment.response:
        response = comment.response_html
        out.append(f'<p class="label">{_e(t("report_response"))}:</p><blockquote>{response}</blockquote>')
    out.append("</article>")
    return "\n".join(out)
