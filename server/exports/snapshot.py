"""A snapshot ("Udgave N") as Markdown, printable HTML and Word, for the document's readers."""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

from bson import ObjectId
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids, web
from server.accounts.permissions import Action
from server.caller import Caller
from server.clock import danish_date
from server.comments import model as comments_model
from server.comments import service as comments_service
from server.comments.model import CommentStatus
from server.drafting import service as drafting_service
from server.drafting.model import Document, SectionVersion, Snapshot
from server.exports.docx import CommentsMode, MarginComment, Part, TitlePage, build_docx
from server.http import request_caller, request_language
from server.messages import snapshot_name, text
from server.store import Store


@dataclass(frozen=True)
class FrozenDocument:
    document: Document
    snapshot: Snapshot
    versions: list[SectionVersion]
    comments: dict[ObjectId, tuple[MarginComment, ...]] = field(default_factory=dict)  # open ones, per section
    comments_mode: CommentsMode = "none"  # how Word shows them: not at all, in the margin, or in a table

    @property
    def heading(self) -> str:
        return snapshot_name(self.snapshot.number, self.snapshot.label)

    @property
    def facts(self) -> list[tuple[str, str]]:
        return [
            (text("snapshot_date"), danish_date(self.snapshot.created_at)),
            (text("snapshot_phase"), text(f"phase_{self.document.phase.value}")),
            (text("record_fingerprint"), self.snapshot.fingerprint),
        ]

    @property
    def filename(self) -> str:
        """The file name in words, without extension (``server.web`` makes it safe to send)."""
        return f"{self.document.title} – {self.heading}"


async def open_comments(
    store: Store, caller: Caller, document: Document, section_ids: list[ObjectId]
) -> dict[ObjectId, tuple[MarginComment, ...]]:
    """The open, visible thread-starting comments of each section, as Word margin comments."""
    on_sections = await store.comments.on_sections(section_ids)
    visible = await comments_service.visible_comments(store, caller, document, on_sections)
    open_ = [c for c in visible if c.parent_id is None and c.status == CommentStatus.OPEN and c.submitted]
    users = await store.accounts.users_by_ids({c.author_id for c in open_})
    orgs = await store.accounts.organizations_by_ids(list({c.organization_id for c in open_}))
    commented = await store.drafting.versions_by_pairs(list({(c.section_id, c.section_version) for c in open_}))
    quoted = [
        (c.id, commented[(c.section_id, c.section_version)].body, c.anchor)
        for c in open_
        if c.anchor is not None and (c.section_id, c.section_version) in commented
    ]
    # Reading passages renders the versions' Markdown: in a worker, off the event loop.
    passages = await store.workers.run(comments_model.passages_as_read, quoted) if quoted else {}
    grouped: dict[ObjectId, list[MarginComment]] = {}
    for c in open_:
        author = users[c.author_id].name if c.author_id in users else "?"
        org = orgs[c.organization_id].short_name if c.organization_id in orgs else "?"
        body = c.body if c.proposed_text is None else f"{c.body}\n\nForslag: {c.proposed_text}"
        passage = None
        if c.anchor is not None:
            passage = passages.get(c.id, c.anchor.exact)
        grouped.setdefault(c.section_id, []).append(
            MarginComment(author=f"{author}, {org}", passage=passage, body=body)
        )
    return {sid: tuple(items) for sid, items in grouped.items()}


async def load(store: Store, caller: Caller, snapshot_id: object) -> FrozenDocument | None:
    oid = ids.parse(snapshot_id, "Snapshot")
    snapshot = await store.drafting.snapshot(oid) if oid else None
    if snapshot is None:
        return None
    document = await drafting_service.authorised_document(store, caller, snapshot.document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return None
    pairs = [(e.section_id, e.version) for e in snapshot.entries]
    found = await store.drafting.versions_by_pairs(pairs)
    return FrozenDocument(document, snapshot, [found[p] for p in pairs if p in found])


def render_markdown(frozen: FrozenDocument) -> str:
    lines = [f"# {frozen.document.title}", "", f"**{frozen.heading}**", ""]
    lines += [f"- {label}: {value}" for label, value in frozen.facts]
    for version in frozen.versions:
        lines += ["", f"## {version.title}", "", version.body.strip()]
    return "\n".join(lines) + "\n"


def render_html(frozen: FrozenDocument) -> str:
    """Printable HTML; section bodies are the HTML rendered once by the one safe renderer."""
    esc = html.escape
    facts = "".join(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in frozen.facts)
    sections = "".join(
        f'<section><h2>{esc(v.title)}</h2><div class="body">{v.html}</div></section>' for v in frozen.versions
    )
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        f"<title>{esc(frozen.document.title)} — {esc(frozen.heading)}</title>"
        "<style>body{font-family:Georgia,serif;max-width:42rem;margin:2rem auto;line-height:1.5;color:#111}"
        "h1{font-size:1.8rem}dt{font-weight:bold}dd{margin:0 0 .5rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.25rem .5rem}section{break-inside:avoid-page}"
        "@media print{body{margin:0}}</style></head><body>"
        f"<header><h1>{esc(frozen.document.title)}</h1><p><strong>{esc(frozen.heading)}</strong></p>"
        f"<dl>{facts}</dl></header><main>{sections}</main></body></html>"
    )


def render_docx(frozen: FrozenDocument) -> bytes:
    return build_docx(
        TitlePage(title=frozen.document.title, subtitle=frozen.heading, facts=frozen.facts),
        [
            Part(heading=v.title, markdown=v.body, comments=frozen.comments.get(v.section_id, ()))
            for v in frozen.versions
        ],
        header=f"{frozen.document.title} — {snapshot_name(frozen.snapshot.number, '')}",
        comments=frozen.comments_mode,
    )


RENDERERS: dict[str, web.Renderer] = {"md": render_markdown, "html": render_html, "docx": render_docx}
COMMENTS_MODES: tuple[CommentsMode, ...] = ("none", "word", "table")


async def download(request: Request) -> Response:
    extension = web.requested_format(request, RENDERERS)
    if extension is None:
        return web.not_found()
    store: Store = request.app.state.store
    caller = await request_caller(request)
    frozen = await load(store, caller, request.path_params["snapshot_id"])
    if frozen is None:
        return web.not_found()
    asked = request.query_params.get("comments", "none") if extension == "docx" else "none"
    mode = next((m for m in COMMENTS_MODES if m == asked), None)
    if mode is None:
        message = text("comments_mode_invalid", request_language(request))
        return web.error(400, "INVALID_INPUT", message, field="comments")
    if mode != "none":
        section_ids = [v.section_id for v in frozen.versions]
        comments = await open_comments(store, caller, frozen.document, section_ids)
        frozen = replace(frozen, comments=comments, comments_mode=mode)
    return await web.render(request, extension, frozen.filename, RENDERERS, frozen)


routes = [Route("/exports/snapshots/{snapshot_id}.{format}", download, methods=["GET"])]
