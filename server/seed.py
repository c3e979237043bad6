"""Loading the reference data of seeds/ (and, with --demo, the demo accounts).

Idempotent: organisations and bodies are upserted by slug, documents are created only when
their slug is new (so later edits are never overwritten), accounts only when their email is new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from bson import ObjectId

from server import markdown
from server.accounts import passwords
from server.accounts.model import Role
from server.drafting.model import Document, DocumentKind, DocumentSettings, Milestone, Phase, Section, SectionVersion
from server.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@dataclass
class SeedReport:
    organizations: int = 0
    documents_created: int = 0
    accounts_created: int = 0


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


async def seed(store: Store, now: datetime, *, demo: bool, demo_password: str, seeds: Path = SEEDS) -> SeedReport:
    report = SeedReport()
    org_ids: dict[str, ObjectId] = {}
    for org in _load(seeds / "organizations.yaml"):
        org_ids[org["slug"]] = await store.accounts.upsert_organization(
            org["slug"], name=org["name"], short_name=org.get("short_name", org["name"]), kind=org.get("kind", "")
        )
        report.organizations += 1

    bodies_path = seeds / "bodies.yaml"
    if bodies_path.exists():
        for body in _load(bodies_path):
            await store.accounts.upsert_body(
                body["slug"],
                name=body["name"],
                description=body.get("description", ""),
                member_ids=[org_ids[m] for m in body.get("members", [])],
            )

    for path in sorted((seeds / "documents").glob("*.yaml")):
        if await _seed_document(store, _load(path), org_ids, now):
            report.documents_created += 1

    if demo:
        hashed = await passwords.hash_password(demo_password)
        for account in _load(seeds / "demo-accounts.yaml"):
            if await store.accounts.credentials(account["email"]) is not None:
                continue
            await store.accounts.create_user(
                email=account["email"],
                name=account["name"],
                organization_id=org_ids[account["organization"]],
                roles=[Role(r) for r in account["roles"]],
                password_hash=hashed,
                at=now,
            )
            report.accounts_created += 1
    return report


async def _seed_document(store: Store, spec: dict[str, Any], org_ids: dict[str, ObjectId], now: datetime) -> bool:
    if await store.drafting.document_by_slug(spec["slug"]) is not None:
        return False
    document = await store.drafting.insert_document(
        Document(
            id=ObjectId(),
            slug=spec["slug"],
            title=spec["title"],
            kind=DocumentKind(spec["kind"]),
            phase=Phase(spec.get("phase", "DRAFTING")),
            summary=spec.get("summary", ""),
            participant_ids=tuple(org_ids[p] for p in spec.get("participants", [])),
            milestones=tuple(
                Milestone(m["title"], date.fromisoformat(str(m["date"])), m.get("description", ""))
                for m in spec.get("milestones", [])
            ),
            settings=DocumentSettings(),
            approved_snapshot_id=None,
            created_at=now,
            updated_at=now,
        )
    )
    for position, section in enumerate(spec["sections"]):
        body = section["body"].strip() + "\n"
        version = SectionVersion(
            id=ObjectId(),
            section_id=ObjectId(),
            document_id=document.id,
            number=1,
            title=section["title"],
            body=body,
            html=markdown.render(body),
            author_id=None,
            organization_id=None,
            created_at=now,
            summary="Første udkast",
            base_version=None,
            merged=False,
            restored_from=None,
        )
        await store.drafting.insert_version(version)
        await store.drafting.insert_section(
            Section(
                id=version.section_id,
                document_id=document.id,
                key=section["key"],
                position=position,
                title=version.title,
                body=body,
                html=version.html,
                version=1,
                updated_at=now,
                updated_by=None,
                deleted=False,
            )
        )
    return True
