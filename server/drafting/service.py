"""The drafting workflows: sections, saves with three-way merge, snapshots, phases.

Every workflow checks its one permission, validates input, then writes; a refusal writes
nothing. Consistency without transactions (DESIGN.md §4): a version number is claimed by the
unique index on (section, number); the head follows the versions and can be rolled forward.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeVar

from bson import ObjectId

from server import ids, markdown
from server.accounts import permissions
from server.accounts.permissions import Action, DocumentScope, Scope
from server.caller import Caller
from server.consultations.model import due_closure
from server.db import Taken
from server.drafting.merge import merge_three_way, normalise
from server.drafting.model import (
    MAX_BODY,
    MAX_LABEL,
    MAX_SUMMARY,
    MAX_TITLE,
    PHASE_CHANGES,
    Document,
    DocumentKind,
    DocumentSettings,
    Phase,
    Section,
    SectionVersion,
    Snapshot,
    SnapshotEntry,
    fingerprint,
    headings_of,
    retitled,
)
from server.events.model import EventData, Origin
from server.outcomes import Conflict, Denied, Failure, Invalid, Missing, Problem
from server.store import Store
from server.validation import first_problem, slugify, text_problem, valid_slug
from server.workers import TooSlow

_MAX_SAVE_ATTEMPTS = 50


def scope_of(document: Document, organization_id: ObjectId | None = None) -> Scope:
    return Scope(DocumentScope(frozenset(document.participant_ids), document.phase), organization_id)


async def log_event(
    store: Store,
    caller: Caller,
    kind: str,
    document_id: ObjectId,
    entity: tuple[ids.Kind, ObjectId],
    data: EventData,
) -> None:
    """Record in the event log what ``caller`` did to ``entity`` in the document."""
    await store.events.append(kind, caller.origin, caller.now, document_id=document_id, entity=entity, data=data)


async def authorised_document(
    store: Store, caller: Caller, document_id: ObjectId | None, action: Action
) -> Document | Failure:
    """The document, when it exists and the caller may do ``action`` on it.

    A document the caller may not read is reported as missing, so ids reveal nothing.
    """
    if caller.actor is None:
        return Denied(permissions.NOT_SIGNED_IN)
    document = await store.drafting.document(document_id) if document_id else None
    if document is None or permissions.check(caller.actor, Action.READ_DOCUMENT, scope_of(document)):
        return Missing("Document")
    refusal = permissions.check(caller.actor, action, scope_of(document))
    return Denied(refusal) if refusal else document


class _InDocument(Protocol):
    @property
    def document_id(self) -> ObjectId: ...


async def document_of(
    store: Store, caller: Caller, item: _InDocument | None, what: ids.Kind, action: Action
) -> Document | Failure:
    """The document ``item`` (a section, a comment, a round …) belongs to, when the caller may do
    ``action`` on it. A missing ``item``, or one in a document the caller may not read, is
    reported as ``Missing(what)``, so ids reveal nothing."""
    if item is None:
        return Missing(what)
    document = await authorised_document(store, caller, item.document_id, action)
    return Missing(what) if isinstance(document, Missing) else document


_Item = TypeVar("_Item", bound=_InDocument)


async def within_document(
    store: Store,
    caller: Caller,
    item_id: ObjectId | None,
    load: Callable[[ObjectId], Awaitable[_Item | None]],
    what: ids.Kind,
    action: Action,
) -> tuple[Document, _Item] | Failure:
    """The item ``load`` reads (a section, a comment) and its document, as ``document_of`` allows."""
    if caller.actor is None:
        return Denied(permissions.NOT_SIGNED_IN)
    item = await load(item_id) if item_id else None
    document = await document_of(store, caller, item, what, action)
    if not isinstance(document, Document):
        return document
    assert item is not None
    return document, item


def permitted(
    found: tuple[Document, _Item] | Failure, caller: Caller, action: Action, organization_id: ObjectId | None = None
) -> _Item | Failure:
    """The item ``found`` in a readable document, when the caller may also do ``action`` on that document
    (for ``organization_id``, where the action is done for an organisation)."""
    if not isinstance(found, tuple):
        return found
    refusal = permissions.check(caller.actor, action, scope_of(found[0], organization_id))
    return Denied(refusal) if refusal else found[1]


async def authorised_section(
    store: Store, caller: Caller, section_id: ObjectId | None, action: Action
) -> tuple[Document, Section] | Failure:
    return await within_document(store, caller, section_id, store.drafting.section, "Section", action)


async def _live_section(
    store: Store, caller: Caller, section_id: ObjectId | None
) -> tuple[Document, Section] | Failure:
    """The section an editor changes, and its document; a deleted section cannot be changed."""
    found = await authorised_section(store, caller, section_id, Action.EDIT_SECTIONS)
    if isinstance(found, tuple) and found[1].deleted:
        return Invalid("sectionId", "section_deleted")
    return found


@dataclass(frozen=True)
class Saved:
    section: Section
    version: SectionVersion
    merged: bool
    changed: bool
    # When merged: the opening words of each paragraph that holds the colleague's newer changes.
    from_colleague: tuple[str, ...] = ()


def new_version(
    section: Section,
    number: int,
    title: str,
    body: str,
    caller: Caller,
    summary: str,
    *,
    html: str,
    base_version: int | None,
    merged: bool = False,
    restored_from: int | None = None,
) -> SectionVersion:
    """The version a save by ``caller`` writes; ``html`` is ``body`` rendered (``markdown.render_off_loop``)."""
    return SectionVersion(
        id=ObjectId(),
        section_id=section.id,
        document_id=section.document_id,
        number=number,
        title=title,
        body=body,
        html=html,
        author_id=caller.user_id,
        organization_id=caller.actor.organization_id if caller.actor else None,
        created_at=caller.now,
        summary=summary,
        base_version=base_version,
        merged=merged,
        restored_from=restored_from,
    )


async def roll_forward(store: Store, section_id: ObjectId) -> int | None:
    """Bring a lagging head up to the newest version; returns the head's number. A title the head
    did not have yet reaches the document's kept contents too (the save that wrote it did not get
    that far)."""
    numbers = await store.drafting.versions(section_id, limit=1)
    if not numbers:
        return None
    latest = numbers[0]
    head = await store.drafting.section(section_id)
    await store.drafting.advance_head(latest, latest.author_id)
    if head is not None and head.version < latest.number and head.title != latest.title:
        await store.drafting.keep_headings(head.document_id)
    return latest.number


async def _head_at_least(store: Store, version: SectionVersion) -> Section:
    """Re-read the head and push it forward again if a slower writer set it back.

    FerretDB applies the conditional head update as read-then-write, so under a race an older
    writer can land after a newer one; the versions stay the truth either way.
    """
    for _ in range(3):
        section = await store.drafting.section(version.section_id)
        assert section is not None
        if section.version >= version.number:
            return section
        await roll_forward(store, version.section_id)
    assert section is not None
    return section


def _merge_title(base: str, current: str, yours: str) -> str | None:
    if yours == base or yours == current:
        return current
    if current == base:
        return yours
    return None


async def _conflict(store: Store, base: SectionVersion, head: Section, yours: str) -> Conflict:
    """The texts to reconcile, and who saved the current one and when."""
    current = await store.drafting.version(head.id, head.version)
    return Conflict(
        base.body,
        head.body,
        yours,
        base.number,
        head.version,
        current_author_id=current.author_id if current else None,
        current_organization_id=current.organization_id if current else None,
        current_saved_at=current.created_at if current else None,
    )


async def save_section(
    store: Store,
    caller: Caller,
    section_id: ObjectId | None,
    base_version: int,
    title: str,
    body: str,
    summary: str,
    *,
    restored_from: int | None = None,
) -> Saved | Problem:
    found = await _live_section(store, caller, section_id)
    if not isinstance(found, tuple):
        return found
    document, section = found
    problem = first_problem(
        text_problem("title", title, MAX_TITLE),
        text_problem("body", body, MAX_BODY, required=False),
        text_problem("summary", summary, MAX_SUMMARY, required=False),
    )
    if problem:
        return Invalid.of(problem)
    title = title.strip()
    if base_version < 1:
        return Invalid("baseVersion", "version_missing", {"version": base_version})

    for _ in range(_MAX_SAVE_ATTEMPTS):
        head = section
        if base_version > head.version:
            latest = await roll_forward(store, head.id)
            if latest is None or base_version > latest:
                return Invalid("baseVersion", "base_version_ahead", {"base": base_version, "head": head.version})
            refreshed = await store.drafting.section(head.id)
            if refreshed is None:
                return Missing("Section")
            section = refreshed
            continue
        new_title, new_body, merged = title, body, False
        from_colleague: tuple[str, ...] = ()
        if base_version < head.version:
            base = await store.drafting.version(head.id, base_version)
            if base is None:
                return Invalid("baseVersion", "version_missing", {"version": base_version})
            try:
                # A merge of long texts changed all over can take seconds: off the event loop, bounded.
                result = await store.workers.run(merge_three_way, base.body, head.body, body)
            except TooSlow:
                return await _conflict(store, base, head, body)
            merged_title = _merge_title(base.title, head.title, title)
            if result.conflict or result.text is None or merged_title is None:
                return await _conflict(store, base, head, body)
            new_title, new_body, merged = merged_title, result.text, result.merged or new_body != result.text
            from_colleague = result.from_current
        if new_title == head.title and normalise(new_body) == normalise(head.body):
            current = await store.drafting.version(head.id, head.version)
            if current is not None:
                return Saved(head, current, merged=False, changed=False)
        html = await markdown.render_off_loop(store.workers, new_body)
        if html is None:
            return Invalid("body", "text_too_complex")
        wanted = new_version(
            head,
            head.version + 1,
            new_title,
            new_body,
            caller,
            summary.strip(),
            html=html,
            base_version=base_version,
            merged=merged,
            restored_from=restored_from,
        )
        try:
            version = await store.drafting.insert_version(wanted)
        except Taken:
            # Another save took that number first (or a crash left the head behind): catch up and retry.
            await roll_forward(store, head.id)
            refreshed = await store.drafting.section(head.id)
            if refreshed is None:
                return Missing("Section")
            section = refreshed
            continue
        await store.drafting.advance_head(version, caller.user_id)
        saved_section = await _head_at_least(store, version)
        if version.title != head.title:  # kept before the event: the readers it wakes read them
            kept = await store.drafting.headings(document.id)
            await store.drafting.keep_headings(document.id, proposal=retitled(kept, head.id, version.title))
        data = {"version": version.number, "base_version": base_version, "merged": merged, "title": new_title}
        kind = "section.restored" if restored_from else "section.saved"
        await log_event(store, caller, kind, document.id, ("Section", head.id), data)
        return Saved(saved_section, version, merged=merged, changed=True, from_colleague=from_colleague)
    return Invalid("sectionId", "busy")


async def create_document(
    store: Store,
    caller: Caller,
    title: str,
    slug: str | None,
    kind: DocumentKind,
    summary: str,
    participant_ids: Sequence[ObjectId | None],
) -> Document | Failure:
    if caller.actor is None:
        return Denied(permissions.NOT_SIGNED_IN)
    refusal = permissions.check(caller.actor, Action.CREATE_DOCUMENT)
    if refusal:
        return Denied(refusal)
    problem = first_problem(
        text_problem("title", title, MAX_TITLE), text_problem("summary", summary, MAX_SUMMARY, required=False)
    )
    if problem:
        return Invalid.of(problem)
    chosen = slug is not None and slug.strip() != ""
    slug = slug.strip() if slug and chosen else slugify(title)
    if not valid_slug(slug):
        return Invalid("slug", "invalid_slug")
    wanted = {caller.actor.organization_id, *participant_ids}
    if None in wanted:
        return Missing("Organization")
    orgs = await store.accounts.organizations_by_ids([o for o in wanted if o is not None])
    if len(orgs) != len(wanted):
        return Missing("Organization")
    if await store.drafting.document_by_slug(slug) is not None:
        if chosen:
            return Invalid("slug", "slug_taken")
        # A short name derived from the title gets a number, as two documents may share a title.
        base, n = slug, 2
        while await store.drafting.document_by_slug(slug) is not None:
            slug, n = f"{base}-{n}", n + 1
    try:
        document = await store.drafting.insert_document(
            Document(
                id=ObjectId(),
                slug=slug,
                title=title.strip(),
                kind=kind,
                phase=Phase.DRAFTING,
                summary=summary.strip(),
                participant_ids=tuple(sorted(orgs)),
                milestones=(),
                settings=DocumentSettings(),
                approved_snapshot_id=None,
                created_at=caller.now,
                updated_at=caller.now,
            )
        )
    except Taken:
        return Invalid("slug", "slug_taken")
    data = {"title": document.title, "slug": slug}
    await log_event(store, caller, "document.created", document.id, ("Document", document.id), data)
    return document


async def add_section(
    store: Store, caller: Caller, document_id: ObjectId | None, title: str, body: str, position: int | None
) -> Section | Failure:
    document = await authorised_document(store, caller, document_id, Action.EDIT_SECTIONS)
    if not isinstance(document, Document):
        return document
    problem = first_problem(
        text_problem("title", title, MAX_TITLE), text_problem("body", body, MAX_BODY, required=False)
    )
    if problem:
        return Invalid.of(problem)
    title = title.strip()
    existing = await store.drafting.sections([document.id])
    if position is not None and not 0 <= position <= len(existing):
        return Invalid("position", "invalid_position")
    html = await markdown.render_off_loop(store.workers, body)
    if html is None:
        return Invalid("body", "text_too_complex")
    key = slugify(title)
    candidate, n = key, 2
    while await store.drafting.key_taken(document.id, candidate):
        candidate, n = f"{key}-{n}", n + 1
    section_id = ObjectId()
    at = len(existing) if position is None else position
    head = Section(section_id, document.id, candidate, at, title, body, "", 0, caller.now, None, False)
    version = await store.drafting.insert_version(
        new_version(head, 1, title, body, caller, "", html=html, base_version=None)
    )
    section = await store.drafting.insert_section(
        replace(head, html=version.html, version=1, updated_by=caller.user_id)
    )
    order = list(existing)
    order.insert(at, section)
    return await _reordered(store, caller, section, order, "section.added", {"title": title, "position": at})


async def _reordered(
    store: Store, caller: Caller, section: Section, order: list[Section], kind: str, data: dict[str, object]
) -> Section:
    """Number the document's sections in ``order`` and keep its headings, record ``kind`` for ``section``, and
    read it again."""
    # Only the sections whose position changes are written: one for a section added at the end of 400, not 401.
    await store.drafting.set_positions({s.id: i for i, s in enumerate(order) if s.position != i})
    await store.drafting.keep_headings(section.document_id, proposal=headings_of(order))
    await log_event(store, caller, kind, section.document_id, ("Section", section.id), data)
    return await store.drafting.section(section.id) or section


async def move_section(store: Store, caller: Caller, section_id: ObjectId | None, position: int) -> Section | Failure:
    found = await _live_section(store, caller, section_id)
    if not isinstance(found, tuple):
        return found
    document, section = found
    order = await store.drafting.sections([document.id])
    if not 0 <= position < len(order):
        return Invalid("position", "invalid_position")
    old = next(i for i, s in enumerate(order) if s.id == section.id)
    order.insert(position, order.pop(old))
    return await _reordered(store, caller, section, order, "section.moved", {"from": old, "to": position})


async def set_section_deleted(
    store: Store, caller: Caller, section_id: ObjectId | None, deleted: bool
) -> Section | Failure:
    """Soft delete (or undo it): the section and every version stay in the store."""
    found = await authorised_section(store, caller, section_id, Action.EDIT_SECTIONS)
    if not isinstance(found, tuple):
        return found
    document, section = found
    if section.deleted == deleted:
        return Invalid("sectionId", "section_deleted" if deleted else "section_not_deleted")
    remaining = [s for s in await store.drafting.sections([document.id]) if s.id != section.id]
    changed = await store.drafting.set_deleted(section.id, deleted, caller.now) or section
    if not deleted:
        remaining.append(changed)
    kind = "section.deleted" if deleted else "section.undeleted"
    return await _reordered(store, caller, changed, remaining, kind, {"title": section.title})


async def restore_version(store: Store, caller: Caller, section_id: ObjectId | None, number: int) -> Saved | Problem:
    """Write an earlier wording as a new version (history is never rewritten)."""
    found = await authorised_section(store, caller, section_id, Action.EDIT_SECTIONS)
    if not isinstance(found, tuple):
        return found
    _, section = found
    old = await store.drafting.version(section.id, number)
    if old is None:
        return Invalid("version", "version_missing", {"version": number})
    summary = f"Gendannet fra version {number}"
    return await save_section(
        store, caller, section.id, section.version, old.title, old.body, summary, restored_from=number
    )


async def create_snapshot(store: Store, caller: Caller, document_id: ObjectId | None, label: str) -> Snapshot | Failure:
    document = await authorised_document(store, caller, document_id, Action.CREATE_SNAPSHOT)
    if not isinstance(document, Document):
        return document
    problem = text_problem("label", label, MAX_LABEL, required=False)
    if problem:
        return Invalid.of(problem)
    sections = await store.drafting.sections([document.id])
    if not sections:
        return Invalid("documentId", "no_sections")
    # The versions are the truth: freeze the newest version of each section even if a head lags.
    latest = await store.drafting.latest_numbers(document.id)
    pairs = [(s.id, max(latest.get(s.id, s.version), s.version)) for s in sections]
    versions = await store.drafting.versions_by_pairs(pairs)
    entries = tuple(
        SnapshotEntry(s.id, n, s.key, versions[(s.id, n)].title) for s, (_, n) in zip(sections, pairs, strict=True)
    )
    digest = fingerprint([(s.key, versions[p].title, versions[p].body) for s, p in zip(sections, pairs, strict=True)])
    for _ in range(_MAX_SAVE_ATTEMPTS):
        number = await store.drafting.last_snapshot_number(document.id) + 1
        try:
            snapshot = await store.drafting.insert_snapshot(
                Snapshot(
                    id=ObjectId(),
                    document_id=document.id,
                    number=number,
                    label=label.strip() or f"Udkast {number}",
                    entries=entries,
                    fingerprint=digest,
                    created_at=caller.now,
                    created_by=caller.user_id,
                )
            )
        except Taken:
            continue
        data = {"number": number, "label": snapshot.label}
        await log_event(store, caller, "snapshot.created", document.id, ("Snapshot", snapshot.id), data)
        return snapshot
    return Invalid("documentId", "busy")


async def follow_phase(store: Store, document_id: ObjectId, phase: Phase, origin: Origin, now: datetime) -> None:
    """Move a document to the phase a workflow (an approval round, a consultation) puts it in, unless archived."""
    document = await store.drafting.document(document_id)
    if document is None or document.phase in (phase, Phase.ARCHIVED):
        return
    await move_phase(store, origin, now, document, phase)


async def set_phase(store: Store, caller: Caller, document_id: ObjectId | None, phase: Phase) -> Document | Failure:
    document = await authorised_document(store, caller, document_id, Action.MANAGE_DOCUMENT)
    if not isinstance(document, Document):
        return document
    if phase not in PHASE_CHANGES[document.phase] or phase == Phase.APPROVED:
        return Invalid("phase", "invalid_phase_change", {"current": document.phase.value, "target": phase.value})
    # The consultation phase follows the document's consultation, both ways.
    if phase == Phase.CONSULTATION:
        return Invalid("phase", "phase_by_consultation")
    consultations = await store.consultations.for_documents([document.id])
    if any(c.is_open and due_closure(c, caller.now) is None for c in consultations):
        return Invalid("phase", "phase_consultation_open")
    updated = await move_phase(store, caller.origin, caller.now, document, phase)
    return updated if updated is not None else Invalid("phase", "busy")


async def move_phase(
    store: Store,
    origin: Origin,
    now: datetime,
    document: Document,
    phase: Phase,
    *,
    approved_snapshot_id: ObjectId | None = None,
) -> Document | None:
    """Move ``document`` to ``phase`` and record it in the log; None when the document had moved on.

    The one way a phase changes, whoever asks: the secretariat, or a round or consultation that
    carries the document along as it opens and closes. A move goes through only from the phase
    ``document`` was read in; an approval (``approved_snapshot_id``) from any phase but archived."""
    expect, unless = (None, Phase.ARCHIVED) if approved_snapshot_id is not None else (document.phase, None)
    updated = await store.drafting.set_phase(
        document.id, phase, now, expect=expect, unless=unless, approved_snapshot_id=approved_snapshot_id
    )
    if updated is not None:
        data = {"from": document.phase.value, "to": phase.value}
        if approved_snapshot_id is not None:
            data["approved_snapshot"] = ids.encode("Snapshot", approved_snapshot_id)
        await store.events.append(
            "document.phase_changed", origin, now, document_id=document.id, entity=("Document", document.id), data=data
        )
    return updated


async def change_participant(
    store: Store, caller: Caller, document_id: ObjectId | None, organization_id: ObjectId | None, *, add: bool
) -> Document | Failure:
    document = await authorised_document(store, caller, document_id, Action.MANAGE_DOCUMENT)
    if not isinstance(document, Document):
        return document
    orgs = await store.accounts.organizations_by_ids([organization_id] if organization_id else [])
    if organization_id is None or organization_id not in orgs:
        return Missing("Organization")
    present = organization_id in document.participant_ids
    if add and present:
        return Invalid("organizationId", "already_participant")
    if not add and not present:
        return Invalid("organizationId", "not_participant_org")
    await record_participant(store, caller, document.id, organization_id, orgs[organization_id].slug, add=add)
    return await store.drafting.document(document.id) or document


async def record_participant(
    store: Store, caller: Caller, document_id: ObjectId, organization_id: ObjectId, slug: str, *, add: bool
) -> None:
    """Add (or remove) a participant of the document and log it: the one way participants change,
    whether the secretariat asks or a consultation makes the consulted organisations participants."""
    if add:
        await store.drafting.add_participant(document_id, organization_id, caller.now)
    else:
        await store.drafting.remove_participant(document_id, organization_id, caller.now)
    kind = "document.participant_added" if add else "document.participant_removed"
    await log_event(store, caller, kind, document_id, ("Organization", organization_id), {"organization": slug})


async def check_headings(store: Store, *, repair: bool) -> list[ObjectId]:
    """Documents whose kept table of contents differs from their sections (a crash between writes)."""
    wrong = []
    for document_id, kept in (await store.drafting.kept_headings()).items():
        derived = await store.drafting.derive_headings(document_id)
        if derived != kept:
            wrong.append(document_id)
            if repair:
                await store.drafting.keep_headings(document_id, proposal=derived)
    return wrong


@dataclass(frozen=True)
class Repair:
    section_id: ObjectId
    head: int
    latest: int


async def check_heads(store: Store, *, repair: bool) -> Sequence[Repair]:
    """Sections whose head lags their newest version (a crash between the two writes)."""
    heads = await store.drafting.all_heads()
    latest = await store.drafting.all_latest_numbers()
    lagging = [Repair(sid, heads[sid], n) for sid, n in latest.items() if sid in heads and n > heads[sid]]
    if repair:
        for item in lagging:
            await roll_forward(store, item.section_id)
    return lagging
