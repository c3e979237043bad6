"""The audit export: a document's event log as CSV or JSON, for the secretariat.

It obeys the rule of the data it shows: events about another organisation's internal drafts
(``permissions.event_audiences``) are left out, as they are from the secretariat's own feed.

The CSV is made for Danish Excel: UTF-8 with a byte-order mark, semicolons between fields, and
each event with the person's and organisation's names, the time in Copenhagen beside the ISO
UTC time, the sentence the activity feed shows, and the event code for machines.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import ids, web
from server.accounts import permissions
from server.accounts.permissions import Action
from server.drafting import service as drafting_service
from server.drafting.model import Document
from server.events import describe
from server.events.model import Event
from server.http import request_caller, request_language
from server.messages import Language, text
from server.store import Store

COLUMNS = ["seq", "at", "kind", "actor_id", "organization_id", "entity_type", "entity_id", "client_address", "data"]
CSV_COLUMNS = [
    ("seq", "audit_seq"),
    ("local_time", "audit_local_time"),
    ("at", "audit_utc_time"),
    ("actor", "audit_actor"),
    ("organization", "audit_organization"),
    ("description", "audit_description"),
    ("kind", "audit_kind"),
    ("entity_type", "audit_entity_type"),
    ("entity_id", "audit_entity_id"),
    ("client_address", "audit_client_address"),
    ("data", "audit_data"),
]


def _row(event: Event) -> dict[str, Any]:
    kind = event.entity_type
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "kind": event.kind,
        "actor_id": ids.encode("User", event.actor_id) if event.actor_id else None,
        "organization_id": ids.encode("Organization", event.organization_id) if event.organization_id else None,
        "entity_type": kind,
        "entity_id": ids.encode(kind, event.entity_id) if kind in ids.PREFIXES and event.entity_id else None,
        "client_address": event.client_address,
        "data": dict(event.data),
    }


async def _readable_rows(
    store: Store, document: Document, events: list[Event], language: Language
) -> list[dict[str, Any]]:
    """Each event's row with the names a reader needs beside the ids."""
    users = await store.accounts.users_by_ids({e.actor_id for e in events if e.actor_id})
    orgs = {o.id: o for o in await store.accounts.organizations()}
    by_slug = {o.slug: o.name for o in orgs.values()}
    sections = {
        ids.encode("Section", s.id): s.title for s in await store.drafting.sections([document.id], include_deleted=True)
    }
    names = describe.Names(section=lambda i: sections.get(i, "?"), organization=lambda s: by_slug.get(s, s))
    rows = []
    for event in events:
        user = users.get(event.actor_id) if event.actor_id else None
        actor = user.name if user else ("?" if event.actor_id else describe.actor_name(None, language))
        org = orgs.get(event.organization_id) if event.organization_id else None
        rows.append(
            {
                **_row(event),
                "local_time": describe.local_time(event.at),
                "actor": actor,
                "organization": org.name if org else "",
                "description": describe.describe(event, names, language),
            }
        )
    return rows


def render_json(document_slug: str, rows: list[dict[str, Any]], language: Language) -> bytes:
    body = {"document": document_slug, "events": rows}
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def render_csv(document_slug: str, rows: list[dict[str, Any]], language: Language) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark by which Excel knows the file is UTF-8
    writer = csv.writer(out, delimiter=";")
    writer.writerow([text(label, language) for _, label in CSV_COLUMNS])
    for row in rows:
        row = {**row, "data": json.dumps(row["data"], ensure_ascii=False)}
        writer.writerow(["" if row[key] is None else row[key] for key, _ in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


RENDERERS: dict[str, web.Renderer] = {"csv": render_csv, "json": render_json}


async def export_events(request: Request) -> Response:
    extension = web.requested_format(request, RENDERERS)
    if extension is None:
        return web.not_found()
    store: Store = request.app.state.store
    caller = await request_caller(request)
    document = await drafting_service.authorised_document(
        store, caller, ids.parse(request.path_params["document_id"], "Document"), Action.READ_AUDIT
    )
    if not isinstance(document, Document):
        return web.not_found()
    assert caller.actor is not None
    # The same rule as the feeds: another organisation's internal drafts are theirs alone.
    audiences = permissions.event_audiences(caller.actor)
    events: list[Event] = []
    after = 0
    while True:
        batch = await store.events.for_document(document.id, after_seq=after, limit=1000, audiences=audiences)
        events.extend(batch)
        if len(batch) < 1000:
            break
        after = batch[-1].seq
    language = request_language(request)
    rows = await _readable_rows(store, document, events, language)
    stem = f"Hændelser – {document.title}"
    return await web.render(request, extension, stem, RENDERERS, document.slug, rows, language)


routes = [Route("/exports/events/{document_id}.{format:str}", export_events)]
