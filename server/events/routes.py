"""The audit export: a document's event log as CSV or JSON, for the secretariat.

It obeys the rule of the data it shows: events about another organisation's internal drafts
(``permissions.event_audiences``) are left out, as they are from the secretariat's own feed.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import ids
from server.accounts import permissions
from server.accounts.permissions import Action
from server.drafting import service as drafting_service
from server.drafting.model import Document
from server.events.model import Event
from server.http import not_found, request_caller
from server.store import Store

COLUMNS = ["seq", "at", "kind", "actor_id", "organization_id", "entity_type", "entity_id", "client_address", "data"]


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


async def export_events(request: Request) -> Response:
    if request.path_params["format"] not in ("csv", "json"):
        return not_found()
    store: Store = request.app.state.store
    caller = await request_caller(request)
    document = await drafting_service.authorised_document(
        store, caller, ids.parse(request.path_params["document_id"], "Document"), Action.READ_AUDIT
    )
    if not isinstance(document, Document):
        return not_found()
    assert caller.actor is not None
    # The same rule as the feeds: another organisation's internal drafts are theirs alone.
    audiences = permissions.event_audiences(caller.actor)
    rows: list[dict[str, Any]] = []
    after = 0
    while True:
        batch = await store.events.for_document(document.id, after_seq=after, limit=1000, audiences=audiences)
        rows.extend(_row(e) for e in batch)
        if len(batch) < 1000:
            break
        after = batch[-1].seq
    filename = f"haendelser-{document.slug}"
    if request.path_params["format"] == "json":
        return JSONResponse(
            {"document": document.slug, "events": rows},
            headers={"content-disposition": f'attachment; filename="{filename}.json"'},
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "data": json.dumps(row["data"], ensure_ascii=False)})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}.csv"'},
    )


routes = [Route("/exports/events/{document_id}.{format:str}", export_events)]
