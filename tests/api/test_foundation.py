"""The foundation: health, readiness, the seeded documents, ids and the schema file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import Api, RunningApp

ROOT = Path(__file__).resolve().parents[2]
SEEDED = {"strategi-digital-sundhed-2018-2022", "kommissorium-styregruppe"}


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.http.get("/healthz")).json() == {"status": "ok"}
    ready = await api.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_seeded_documents_with_rendered_sections(as_user) -> None:  # type: ignore[no-untyped-def]
    api = await as_user("styregruppe@kl.example")
    data = await api.execute("{ documents { slug title phase sections { key title html version } } }")
    by_slug = {d["slug"]: d for d in data["documents"]}
    assert {"strategi-digital-sundhed-2018-2022", "kommissorium-styregruppe"} <= set(by_slug)
    strategy = by_slug["strategi-digital-sundhed-2018-2022"]
    assert strategy["title"] == "Strategi for digital sundhed 2018-2022"
    assert len(strategy["sections"]) >= 8
    assert len(by_slug["kommissorium-styregruppe"]["sections"]) >= 5
    assert all(s["html"].startswith("<") and s["version"] == 1 for s in strategy["sections"])


async def test_seeded_documents_claim_no_consultation_they_do_not_have(as_user) -> None:  # type: ignore[no-untyped-def]
    """»I høring« follows a real consultation: the seed puts no document in that phase without one."""
    api = await as_user("sekretariat@sundhedsdata.example")
    data = await api.execute("{ documents { slug phase consultations { state } } }")
    seeded = {d["slug"]: d for d in data["documents"] if d["slug"] in SEEDED}
    assert set(seeded) == SEEDED
    for document in seeded.values():
        open_ = any(c["state"] == "OPEN" for c in document["consultations"])
        assert (document["phase"] == "CONSULTATION") == open_, document


async def test_anonymous_sees_no_documents(api: Api) -> None:
    data = await api.execute("{ documents { slug } viewer { id } organizations { slug } }")
    assert data == {"documents": [], "viewer": None, "organizations": []}


async def test_malformed_and_unknown_ids_are_null_not_errors(as_user) -> None:  # type: ignore[no-untyped-def]
    api = await as_user("styregruppe@kl.example")
    for bad in ["", "nonsense", "sec_zzzzzzzzzzzzzzzzzzzzzzzz", "doc_000000000000000000000000", "x" * 5000]:
        data = await api.execute("query($id: ID!) { node(id: $id) { id } document(id: $id) { id } }", {"id": bad})
        assert data == {"node": None, "document": None}


async def test_unknown_slug_is_null(as_user) -> None:  # type: ignore[no-untyped-def]
    api = await as_user("styregruppe@kl.example")
    assert (await api.execute('{ document(slug: "findes-ikke") { id } }')) == {"document": None}


def test_schema_file_matches_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server", "export-schema", "--output", "-"], capture_output=True, text=True, check=True
    )
    committed = (ROOT / "schema" / "schema.graphql").read_text()
    assert result.stdout == committed, "schema/schema.graphql is stale: run `make schema` and commit it"


async def test_security_headers_on_every_response(app: RunningApp, api: Api) -> None:
    response = await api.http.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "same-origin"
