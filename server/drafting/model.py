"""Documents, sections, versions and snapshots as plain data, and their input rules."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bson import ObjectId


class Phase(StrEnum):
    DRAFTING = "DRAFTING"
    CONSULTATION = "CONSULTATION"
    WRITTEN_PROCESS = "WRITTEN_PROCESS"
    APPROVED = "APPROVED"
    ARCHIVED = "ARCHIVED"


class DocumentKind(StrEnum):
    STRATEGY = "STRATEGY"
    TERMS_OF_REFERENCE = "TERMS_OF_REFERENCE"


@dataclass(frozen=True)
class Milestone:
    title: str
    date: date
    description: str


@dataclass(frozen=True)
class DocumentSettings:
    direct_submission: bool = False  # commenters publish at once instead of via their organisation's draft
    restrict_comment_visibility: bool = False  # submitted comments only for steering group + own organisation


@dataclass(frozen=True)
class Document:
    id: ObjectId
    slug: str
    title: str
    kind: DocumentKind
    phase: Phase
    summary: str
    participant_ids: tuple[ObjectId, ...]
    milestones: tuple[Milestone, ...]
    settings: DocumentSettings
    approved_snapshot_id: ObjectId | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Section:
    id: ObjectId
    document_id: ObjectId
    key: str
    position: int
    title: str
    body: str
    html: str
    version: int
    updated_at: datetime
    updated_by: ObjectId | None
    deleted: bool


@dataclass(frozen=True)
class SectionVersion:
    id: ObjectId
    section_id: ObjectId
    document_id: ObjectId
    number: int
    title: str
    body: str
    html: str
    author_id: ObjectId | None
    organization_id: ObjectId | None
    created_at: datetime
    summary: str
    base_version: int | None
    merged: bool
    restored_from: int | None


@dataclass(frozen=True)
class SnapshotEntry:
    section_id: ObjectId
    version: int
    key: str
    title: str


@dataclass(frozen=True)
class Snapshot:
    id: ObjectId
    document_id: ObjectId
    number: int
    label: str
    entries: tuple[SnapshotEntry, ...]
    fingerprint: str
    created_at: datetime
    created_by: ObjectId | None


MAX_TITLE = 300
MAX_BODY = 200_000
MAX_SUMMARY = 1_000
MAX_LABEL = 200

# Allowed phase changes: forward through the process, back to drafting for a new round, and
# archiving from anywhere. APPROVED is reached only through an approved round.
PHASE_CHANGES: dict[Phase, frozenset[Phase]] = {
    Phase.DRAFTING: frozenset({Phase.CONSULTATION, Phase.WRITTEN_PROCESS, Phase.ARCHIVED}),
    Phase.CONSULTATION: frozenset({Phase.DRAFTING, Phase.WRITTEN_PROCESS, Phase.ARCHIVED}),
    Phase.WRITTEN_PROCESS: frozenset({Phase.DRAFTING, Phase.CONSULTATION, Phase.ARCHIVED}),
    Phase.APPROVED: frozenset({Phase.DRAFTING, Phase.ARCHIVED}),
    Phase.ARCHIVED: frozenset({Phase.DRAFTING}),
}


def fingerprint(entries: Sequence[tuple[str, str, str]]) -> str:
    """SHA-256 over the frozen (key, title, body) of a snapshot: what exactly was approved."""
    digest = hashlib.sha256()
    for key, title, body in entries:
        for part in (key, title, body):
            encoded = part.encode()
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
    return digest.hexdigest()


def page_of(sections: Sequence[Section], after: Section | None, first: int | None) -> list[Section]:
    """``first`` of the ``sections`` (a document's, in order) that come after ``after`` (all of them when
    ``first`` is None). A section no longer among them was deleted since the reader had it: the page goes on
    from where it stood, which the section that followed it took when the rest were numbered again."""
    start = 0
    if after is not None:
        index = next((i for i, s in enumerate(sections) if s.id == after.id), None)
        start = (
            index + 1
            if index is not None
            else next((i for i, s in enumerate(sections) if s.position >= after.position), len(sections))
        )
    return list(sections[start : None if first is None else start + first])
