"""Documents, sections, versions and snapshots as plain data, and their input rules."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

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
class SectionHeading:
    """A section in a document's table of contents: what the contents and the reader's pages need of it, kept
    per document (``Drafting.headings``) so that neither reads every section in full."""

    id: ObjectId
    key: str
    title: str
    position: int
    deleted: bool = False  # kept only for live sections; a consulted party also reads those deleted since sent


def headings_of(sections: Sequence[Section]) -> list[SectionHeading]:
    """The headings of a document's live ``sections`` in the order given, numbered by it."""
    return [SectionHeading(s.id, s.key, s.title, i) for i, s in enumerate(sections)]


def retitled(headings: Sequence[SectionHeading], section_id: ObjectId, title: str) -> list[SectionHeading]:
    """``headings`` with the section ``section_id`` under its new ``title``."""
    return [dataclasses.replace(h, title=title) if h.id == section_id else h for h in headings]


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


class _Placed(Protocol):
    """A section, or its heading: where it stands in the document."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @property
    def id(self) -> ObjectId: ...

    @property
    def position(self) -> int: ...


P = TypeVar("P", bound=_Placed)


def page_of(sections: Sequence[P], after: _Placed | None, first: int | None) -> list[P]:
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


def with_sent_in_place(sections: Sequence[P], sent: Sequence[SnapshotEntry], gone: Mapping[ObjectId, P]) -> list[P]:
    """``sections`` (a document's, in order) with ``gone``: sections ``sent`` for consultation that the steering
    group has deleted since, which the consulted party still reads. Each stands where it stood in the text sent —
    after the section before it there, whose position it takes (clients order by position, and a stable sort
    keeps it in its place)."""
    ordered = list(sections)
    for index, entry in enumerate(sent):
        section = gone.get(entry.section_id)
        if section is None:
            continue
        before = next((i for i, s in enumerate(ordered) if index > 0 and s.id == sent[index - 1].section_id), -1)
        neighbour = ordered[before] if before >= 0 else (ordered[0] if ordered else None)
        position = neighbour.position if neighbour else section.position
        ordered.insert(before + 1, dataclasses.replace(section, position=position))
    return ordered


def headings_as_sent(headings: Sequence[SectionHeading], sent: Sequence[SnapshotEntry]) -> list[SectionHeading]:
    """The table of contents a consulted party reads: the live ``headings`` with the titles ``sent`` to it, and
    the sections sent and deleted since in their place (``with_sent_in_place``), marked deleted. A section added
    since keeps its title."""
    titles = {e.section_id: e.title for e in sent}
    live = [dataclasses.replace(h, title=titles[h.id]) if h.id in titles else h for h in headings]
    present = {h.id for h in headings}
    gone = {
        e.section_id: SectionHeading(e.section_id, e.key, e.title, index, deleted=True)
        for index, e in enumerate(sent)
        if e.section_id not in present
    }
    return with_sent_in_place(live, sent, gone) if gone else live
