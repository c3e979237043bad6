"""What a caller may read of documents, sections, versions and snapshots.

A document is read only by those its permission rule lets read it; what hangs below a document
the caller has already been given (its sections, their versions, its snapshots) is read through
the functions here without asking again.
"""

from __future__ import annotations

from bson import ObjectId

from server.accounts import permissions
from server.accounts.model import Actor, Role
from server.accounts.permissions import Action
from server.drafting import service
from server.drafting.diff import VersionDiff, version_diff
from server.drafting.model import Document, Section, SectionVersion, Snapshot
from server.store import Store
from server.workers import TooSlow

MAX_VERSIONS_PAGE = 100


def readable(actor: Actor | None, document: Document | None) -> bool:
    if document is None:
        return False
    return permissions.check(actor, Action.READ_DOCUMENT, service.scope_of(document)) is None


async def documents(store: Store, actor: Actor | None) -> list[Document]:
    """The documents the caller may read."""
    if actor is None:
        return []
    return [d for d in await store.drafting.documents() if readable(actor, d)]


async def document(
    store: Store, actor: Actor | None, *, document_id: ObjectId | None = None, slug: str | None = None
) -> Document | None:
    """A document by id or slug, when the caller may read it."""
    if document_id is not None:
        found = await store.drafting.document(document_id)
    elif slug is not None and len(slug) <= 200:
        found = await store.drafting.document_by_slug(slug)
    else:
        found = None
    return found if found and readable(actor, found) else None


async def document_of(store: Store, actor: Actor | None, document_id: ObjectId) -> Document | None:
    """The document something readable hangs below, when the caller may read it."""
    found = await store.drafting.document(document_id)
    return found if readable(actor, found) else None


async def section(store: Store, actor: Actor | None, section_id: ObjectId) -> tuple[Document, Section] | None:
    """A section and its document, when the caller may read it."""
    found = await store.drafting.section(section_id)
    document = await document_of(store, actor, found.document_id) if found else None
    return (document, found) if found and document else None


async def version(store: Store, actor: Actor | None, version_id: ObjectId) -> SectionVersion | None:
    found = await store.drafting.version_by_id(version_id)
    return found if found and await document_of(store, actor, found.document_id) else None


async def snapshot(store: Store, actor: Actor | None, snapshot_id: ObjectId | None) -> Snapshot | None:
    found = await store.drafting.snapshot(snapshot_id) if snapshot_id else None
    return found if found and await document_of(store, actor, found.document_id) else None


# Below a document the caller may read.


async def with_deleted_sections(store: Store, actor: Actor | None, document: Document) -> list[Section] | None:
    """Every section, deleted ones included, for those who may see deleted sections; else None."""
    if permissions.check(actor, Action.READ_DELETED_SECTIONS, service.scope_of(document)):
        return None
    return await store.drafting.sections([document.id], include_deleted=True)


async def versions(store: Store, section: Section, *, before: int | None, limit: int) -> list[SectionVersion]:
    """A section's versions, newest first, a page of at most ``MAX_VERSIONS_PAGE``."""
    limit = max(1, min(limit, MAX_VERSIONS_PAGE))
    return await store.drafting.versions(section.id, before=before, limit=limit, head=section.version)


async def version_at(store: Store, section: Section, number: int) -> SectionVersion | None:
    return await store.drafting.version(section.id, number)


async def versions_at(
    store: Store, section: Section, first: int, second: int
) -> tuple[SectionVersion, SectionVersion] | None:
    """Two versions of a section by number (to diff them), or None when either is missing."""
    pairs = [(section.id, first), (section.id, second)]
    found = await store.drafting.versions_by_pairs(pairs)
    if pairs[0] not in found or pairs[1] not in found:
        return None
    return found[pairs[0]], found[pairs[1]]


async def snapshot_of(store: Store, snapshot_id: ObjectId | None) -> Snapshot | None:
    """A snapshot something the caller may read refers to (a round, an approved document)."""
    return await store.drafting.snapshot(snapshot_id) if snapshot_id else None


async def sibling_snapshot(store: Store, snapshot: Snapshot, other_id: ObjectId | None) -> Snapshot | None:
    """Another snapshot of the same document, to compare with."""
    other = await store.drafting.snapshot(other_id) if other_id else None
    return other if other is not None and other.document_id == snapshot.document_id else None


async def frozen(store: Store, snapshot: Snapshot) -> list[SectionVersion]:
    """A snapshot's frozen versions, in document order."""
    pairs = [(e.section_id, e.version) for e in snapshot.entries]
    found = await store.drafting.versions_by_pairs(pairs)
    return [found[p] for p in pairs if p in found]


async def approver_organizations(store: Store, actor: Actor | None, document: Document) -> list[ObjectId]:
    """The participants with an active approver (the parties a new written procedure asks by
    default), for those who may open one; empty for everyone else."""
    if permissions.check(actor, Action.RUN_APPROVAL_ROUND, service.scope_of(document)):
        return []
    users = await store.accounts.users()
    with_approver = {u.organization_id for u in users if u.active and Role.APPROVER in u.roles}
    return [o for o in document.participant_ids if o in with_approver]


async def diff_between(store: Store, old: SectionVersion, new: SectionVersion) -> VersionDiff | None:
    """The diff of two versions, worked out in a worker within its deadline; None when it takes too long."""
    try:
        return await store.workers.run(version_diff, old.body, new.body)
    except TooSlow:
        return None
