"""Importing a Word file: as a new document, or as new versions of an existing one's sections.

Everything goes through the drafting workflows (and so their permission checks, validation,
merge path and events); whatever the importer could not carry over is returned, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bson import ObjectId

from server.accounts import permissions
from server.accounts.permissions import Action
from server.caller import Caller
from server.drafting import service as drafting
from server.drafting.model import Document, DocumentKind, Section
from server.imports.docx import DocxRejected, import_docx
from server.messages import Language, text
from server.outcomes import Denied, Failure, Invalid
from server.store import Store
from server.workers import TooSlow


@dataclass
class ImportReport:
    document: Document
    created: list[str] = field(default_factory=list)  # section titles added
    updated: list[str] = field(default_factory=list)  # sections that got a new version
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)


Parsed = tuple[str | None, list[tuple[str, str]], list[str]]


def parse(data: bytes, language: Language) -> Parsed | Invalid:
    """The Word file's title, sections and losses told in ``language`` (pure and CPU-bound: run in
    a worker process)."""
    try:
        result = import_docx(data, language)
    except DocxRejected as error:
        return Invalid("file", error.key)
    if not result.sections:
        return Invalid("file", "docx_empty")
    return result.title, [(s.title, s.markdown) for s in result.sections], list(result.losses)


async def _parse(store: Store, data: bytes, language: Language) -> Parsed | Invalid:
    # A large (allowed) file took minutes to read: off the event loop, and stopped at the deadline.
    try:
        return await store.workers.run(parse, data, language)
    except TooSlow:
        return Invalid("file", "docx_too_complex")


async def import_new_document(
    store: Store,
    caller: Caller,
    data: bytes,
    *,
    title: str | None = None,
    slug: str | None = None,
    language: Language = "da",
) -> ImportReport | Failure:
    """A new document of the Word file's sections; what was not carried over is told in ``language``."""
    refusal = permissions.check(caller.actor, Action.CREATE_DOCUMENT)
    if refusal:
        return Denied(refusal)
    parsed = await _parse(store, data, language)
    if isinstance(parsed, Invalid):
        return parsed
    doc_title, sections, losses = parsed
    document = await drafting.create_document(
        store, caller, title or doc_title or sections[0][0], slug, DocumentKind.STRATEGY, "", []
    )
    if not isinstance(document, Document):
        return document
    report = ImportReport(document, losses=losses)
    for section_title, body in sections:
        added = await drafting.add_section(store, caller, document.id, section_title, body, None)
        if isinstance(added, Section):
            report.created.append(section_title)
        else:
            report.losses.append(text("import_section_not_created", language, title=f"«{section_title}»"))
    return report


async def import_into_document(
    store: Store, caller: Caller, document_id: ObjectId | None, data: bytes, *, language: Language = "da"
) -> ImportReport | Failure:
    """New versions for sections whose title matches, new sections for the rest."""
    document = await drafting.authorised_document(store, caller, document_id, Action.MANAGE_DOCUMENT)
    if not isinstance(document, Document):
        return document
    parsed = await _parse(store, data, language)
    if isinstance(parsed, Invalid):
        return parsed
    _, sections, losses = parsed
    existing = {s.title.strip().lower(): s for s in await store.drafting.sections([document.id])}
    report = ImportReport(document, losses=losses)
    for section_title, body in sections:
        match = existing.get(section_title.strip().lower())
        if match is None:
            added = await drafting.add_section(store, caller, document.id, section_title, body, None)
            (report.created if isinstance(added, Section) else report.conflicts).append(section_title)
            continue
        saved = await drafting.save_section(
            store, caller, match.id, match.version, match.title, body, "Importeret fra Word"
        )
        if isinstance(saved, drafting.Saved):
            (report.updated if saved.changed else report.unchanged).append(section_title)
        else:
            report.conflicts.append(section_title)
    return report
