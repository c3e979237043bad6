"""Comparing two snapshots of a document: which sections were added, removed, changed or moved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bson import ObjectId

from server.drafting.model import SectionVersion


class ChangeKind(StrEnum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    CHANGED = "CHANGED"
    MOVED = "MOVED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True)
class SectionChange:
    section_id: ObjectId
    kind: ChangeKind
    old: SectionVersion | None
    new: SectionVersion | None
    moved: bool


def compare(old: Sequence[SectionVersion], new: Sequence[SectionVersion]) -> list[SectionChange]:
    """Changes from ``old`` to ``new`` (each in document order), in the new order, removed ones last."""
    old_by_id = {v.section_id: v for v in old}
    new_by_id = {v.section_id: v for v in new}
    common_old = [v.section_id for v in old if v.section_id in new_by_id]
    common_new = [v.section_id for v in new if v.section_id in old_by_id]
    old_rank = {sid: i for i, sid in enumerate(common_old)}
    new_rank = {sid: i for i, sid in enumerate(common_new)}
    changes: list[SectionChange] = []
    for version in new:
        before = old_by_id.get(version.section_id)
        if before is None:
            changes.append(SectionChange(version.section_id, ChangeKind.ADDED, None, version, False))
            continue
        moved = old_rank[version.section_id] != new_rank[version.section_id]
        edited = (before.title, before.body) != (version.title, version.body)
        kind = ChangeKind.CHANGED if edited else ChangeKind.MOVED if moved else ChangeKind.UNCHANGED
        changes.append(SectionChange(version.section_id, kind, before, version, moved))
    for version in old:
        if version.section_id not in new_by_id:
            changes.append(SectionChange(version.section_id, ChangeKind.REMOVED, version, None, False))
    return changes
