"""The comment workflows: write, edit, delete, submit, respond, apply a proposal.

Each workflow checks its one permission, then the comment rules of ``server.comments.model``,
then writes; a refusal writes nothing. A comment the caller may not see is reported as missing,
so ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bson import ObjectId

from server import ids, markdown
from server.accounts import permissions
from server.accounts.permissions import Action, Scope
from server.caller import Caller
from server.comments import model
from server.comments.anchoring import TextQuote
from server.comments.model import Comment, CommentKind, CommentStatus, OpenCount
from server.comments.repository import Kept
from server.consultations import queries as consultations
from server.consultations import service as consultation_service
from server.consultations.model import Consultation, Response, ResponseKind
from server.drafting import service as drafting
from server.drafting.model import Document, DocumentSettings, Section
from server.outcomes import Denied, Failure, Invalid, Missing, Problem
from server.responses.model import ResponseDraft
from server.store import Store


async def published_answers(store: Store, consultation_ids: Iterable[ObjectId]) -> dict[ObjectId, frozenset[ObjectId]]:
    """Per consultation, the organisations whose answers the secretariat has published."""
    return {
        consultation_id: frozenset(await consultations.published_organizations(store, consultation_id))
        for consultation_id in set(consultation_ids)
    }


async def visible_comments(
    store: Store, caller: Caller, document: Document, comments: Iterable[Comment]
) -> list[Comment]:
    """The comments the caller may see, as the caller may read them: a party reads no answer of
    the steering group before it is published (``model.as_seen_by``). Every read that is not
    through the request's loaders (reports, downloads) takes comments through here."""
    seen = [c for c in comments if model.visible(caller.actor, document, c)]
    if not model.needs_publications(caller.actor, seen):
        return seen
    published = await published_answers(store, (c.consultation_id for c in seen if c.consultation_id))
    return [model.as_seen_by(caller.actor, c, published) for c in seen]


async def _answer_audience(store: Store, comment: Comment) -> ObjectId | None:
    """Who may read the event of an answer to ``comment``: everyone once the answer is published,
    the steering group alone before (``permissions.STEERING_AUDIENCE``)."""
    if comment.consultation_id is None:
        return None
    published = await consultations.published_organizations(store, comment.consultation_id)
    return None if comment.organization_id in published else permissions.STEERING_AUDIENCE


async def _visible_comment(
    store: Store, caller: Caller, comment_id: ObjectId | None, action: Action
) -> tuple[Document, Comment] | Failure:
    """The comment and its document, when the caller may see the comment and do ``action`` on it."""
    load = store.comments.comment
    found = await drafting.within_document(store, caller, comment_id, load, "Comment", Action.READ_DOCUMENT)
    if not isinstance(found, tuple):
        return found
    document, comment = found
    assert caller.actor is not None
    if not model.visible(caller.actor, document, comment):
        return Missing("Comment")
    refusal = permissions.check(caller.actor, action, drafting.scope_of(document))
    return Denied(refusal) if refusal else (document, comment)


async def _event(
    store: Store,
    caller: Caller,
    kind: str,
    comment: Comment,
    data: Mapping[str, Any] | None = None,
    *,
    audience: ObjectId | None = None,
) -> None:
    # A draft's events are for its organisation only, like the draft itself.
    await store.events.append(
        kind,
        caller.origin,
        caller.now,
        document_id=comment.document_id,
        entity=("Comment", comment.id),
        data={
            "section_id": ids.encode("Section", comment.section_id),
            "version": comment.section_version,
            **(data or {}),
        },
        audience_organization_id=audience if comment.submitted else comment.organization_id,
    )


def new_comment(
    *,
    document_id: ObjectId,
    section_id: ObjectId,
    version: int,
    parent_id: ObjectId | None,
    author_id: ObjectId,
    organization_id: ObjectId,
    body: str,
    html: str,
    anchor: TextQuote | None,
    proposed_text: str | None,
    draft: bool,
    at: datetime,
    consultation_id: ObjectId | None = None,
) -> Comment:
    """A new comment as ``add_comment`` writes it (also what the benchmark's generator writes)."""
    return Comment(
        id=ObjectId(),
        document_id=document_id,
        section_id=section_id,
        section_version=version,
        parent_id=parent_id,
        author_id=author_id,
        organization_id=organization_id,
        body=body,
        html=html,
        kind=CommentKind.REMARK if proposed_text is None else CommentKind.PROPOSAL,
        proposed_text=proposed_text,
        anchor=anchor,
        submitted=not draft,
        submitted_at=None if draft else at,
        created_at=at,
        updated_at=at,
        consultation_id=consultation_id,
    )


async def _consultation_version_problem(
    store: Store, snapshot_id: ObjectId, section_id: ObjectId, version: int
) -> Invalid | None:
    """In a consultation, parties comment on the text sent for consultation: the snapshot's version."""
    snapshot = await store.drafting.snapshot(snapshot_id)
    entry = next((e for e in snapshot.entries if e.section_id == section_id), None) if snapshot else None
    if snapshot is None or entry is None:
        return Invalid("sectionId", "consultation_section_missing")
    if entry.version != version:
        return Invalid("version", "consultation_version", {"version": entry.version, "number": snapshot.number})
    return None


@dataclass(frozen=True)
class Added:
    """A new comment, with what adding it read and kept: the answer need not read them again."""

    comment: Comment
    document: Document
    section: Section
    consultations: list[Consultation]  # the document's, as stored (newest first)
    kept: Kept | None  # the section's open counts and markers now (None after a reply: unchanged)


async def add_comment(
    store: Store,
    caller: Caller,
    section_id: ObjectId | None,
    version: int,
    body: str,
    anchor: TextQuote | None,
    proposed_text: str | None,
    parent_id: ObjectId | None,
    *,
    reply: bool,
) -> Added | Failure:
    """A comment on one version of a section; ``reply`` says a parent was named (``parent_id`` None if malformed)."""
    found = await drafting.authorised_section(store, caller, section_id, Action.READ_DOCUMENT)
    if not isinstance(found, tuple):
        return found
    document, section = found
    assert caller.actor is not None
    stored_consultations = await store.consultations.for_documents([document.id])
    consultation = consultations.current(stored_consultations, caller.now)
    refusal = permissions.check(caller.actor, Action.COMMENT, consultations.comment_scope(document, consultation))
    if refusal:
        return Denied(refusal)
    # A consulted party's comment belongs to the open consultation (the steering group's never does).
    if consultation is None or not consultation.is_open or caller.actor.roles & model.STEERING:
        consultation = None
    # A section deleted since it was sent for consultation is still part of it: a consulted party comments on
    # the version sent (checked below); nobody else comments on a deleted section.
    if section.deleted and consultation is None:
        return Invalid("sectionId", "section_deleted")
    problem = model.comment_problem(body, proposed_text, reply=reply, anchored=anchor is not None)
    if problem:
        return Invalid.of(problem)
    commented = await store.drafting.version(section.id, version)
    if commented is None:
        return Invalid("version", "version_missing", {"version": version})
    if consultation is not None:
        off_snapshot = await _consultation_version_problem(store, consultation.snapshot_id, section.id, version)
        if off_snapshot:
            return off_snapshot
    root: ObjectId | None = None
    parent: Comment | None = None
    if reply:
        parent = await store.comments.comment(parent_id) if parent_id else None
        parent_document = (
            (document if parent.document_id == document.id else await store.drafting.document(parent.document_id))
            if parent
            else None
        )
        if (
            parent is None
            or parent_document is None
            or permissions.check(caller.actor, Action.READ_DOCUMENT, drafting.scope_of(parent_document))
            or not model.visible(caller.actor, parent_document, parent)
        ):
            return Missing("Comment")
        if parent.document_id != document.id:
            return Invalid("parentId", "reply_other_document")
        if parent.section_id != section.id:
            return Invalid("parentId", "reply_other_section")
        root = parent.parent_id or parent.id
    if anchor is not None:
        problem = model.anchor_problem(markdown.plain_text_of(commented.html), anchor, version)
        if problem:
            return Invalid.of(problem)
    html = await markdown.render_off_loop(store.workers, body)
    if html is None:
        return Invalid("body", "text_too_complex")
    # A reply to a draft is a draft too: published at once, it would show others what the draft says.
    draft = model.starts_as_draft(caller.actor, document) or (reply and parent is not None and not parent.submitted)
    comment = new_comment(
        document_id=document.id,
        section_id=section.id,
        version=version,
        parent_id=root,
        author_id=caller.actor.user_id,
        organization_id=caller.actor.organization_id,
        body=body,
        html=html,
        anchor=anchor,
        proposed_text=proposed_text,
        draft=draft,
        at=caller.now,
        consultation_id=consultation.id if consultation else None,
    )
    kept = await store.comments.insert(comment)
    await _event(store, caller, "comment.added", comment, {"kind": comment.kind.value, "reply": reply, "draft": draft})
    return Added(comment, document, section, stored_consultations, kept)


async def _own_open_comment(store: Store, caller: Caller, comment_id: ObjectId | None) -> Comment | Failure:
    """The caller's own comment, when the caller may still change or withdraw it
    (``Action.CHANGE_COMMENT``, judged on the comment as the caller reads it). One that passes with
    a disposition has one the author cannot see yet: the change leaves it standing, and the steering
    group sees that the comment changed after it answered (``Comment.changed_since_answer``)."""
    found = await _visible_comment(store, caller, comment_id, Action.READ_DOCUMENT)
    if not isinstance(found, tuple):
        return found
    document, comment = found
    assert caller.actor is not None
    [seen] = await visible_comments(store, caller, document, [comment])
    # A party's comments stand as they went in once its consultation has closed.
    consultation = await consultations.current_for_document(store, document.id, now=caller.now)
    scope = replace(consultations.comment_scope(document, consultation), comment=model.change_scope(seen))
    refusal = permissions.check(caller.actor, Action.CHANGE_COMMENT, scope)
    return Denied(refusal) if refusal else comment


async def edit_comment(
    store: Store, caller: Caller, comment_id: ObjectId | None, body: str, proposed_text: str | None
) -> Comment | Failure:
    """The author changes an open comment; the earlier wording is kept in ``edits``."""
    comment = await _own_open_comment(store, caller, comment_id)
    if not isinstance(comment, Comment):
        return comment
    if proposed_text is not None and comment.kind != CommentKind.PROPOSAL:
        return Invalid("proposedText", "not_a_proposal")
    new_proposal = comment.proposed_text if proposed_text is None else proposed_text
    problem = model.comment_problem(
        body, new_proposal, reply=comment.parent_id is not None, anchored=comment.anchor is not None
    )
    if problem:
        return Invalid.of(problem)
    # The repository claims the revision it edits, so a simultaneous change is waited for and
    # built upon; None means the comment stopped being open (or was sent) meanwhile.
    html = await markdown.render_off_loop(store.workers, body)
    if html is None:
        return Invalid("body", "text_too_complex")
    edited = await store.comments.edit(comment, body, html, new_proposal, caller.now, answered=model.disposed(comment))
    if edited is None:
        return Invalid("commentId", "comment_not_open")
    await _event(store, caller, "comment.edited", edited)
    return edited


async def delete_comment(store: Store, caller: Caller, comment_id: ObjectId | None) -> Comment | Failure:
    """The author withdraws an open comment. It is only marked deleted; its text stays in the store."""
    comment = await _own_open_comment(store, caller, comment_id)
    if not isinstance(comment, Comment):
        return comment
    deleted = await store.comments.delete(comment, caller.now, answered=model.disposed(comment))
    if deleted is None:
        return Invalid("commentId", "comment_not_open")
    await _event(store, caller, "comment.deleted", deleted)
    return deleted


@dataclass(frozen=True)
class Submission:
    """What submitting would send now for the caller's organisation: its drafts on the document
    and, when a consultation that consults it is open and it has not answered yet, its general
    remarks and response letter (``draft``), which go into its response with the comments."""

    preview: model.SubmissionPreview
    consultation: Consultation | None
    draft: ResponseDraft | None
    scope: Scope  # what ``Action.SUBMIT_RESPONSE`` is checked in

    @property
    def empty(self) -> bool:
        return self.preview.count == 0 and (self.draft is None or self.draft.empty)


async def _submission(store: Store, caller: Caller, document: Document) -> Submission:
    assert caller.actor is not None
    organization_id = caller.actor.organization_id
    drafts = await store.comments.drafts(document.id, organization_id)
    sections = await store.drafting.sections_by_ids({c.section_id for c in drafts}) if drafts else {}
    current = await consultations.current_for_document(store, document.id, now=caller.now)
    scope = replace(consultations.comment_scope(document, current), organization_id=organization_id)
    draft = None
    if current is not None and current.is_open and organization_id in current.organization_ids:
        if await store.consultations.response(current.id, organization_id) is None:
            draft = await store.response_drafts.draft(current.id, organization_id)
    return Submission(model.submission_preview(drafts, sections.values()), current, draft, scope)


async def submission_preview(store: Store, caller: Caller, document_id: ObjectId | None) -> Submission | Failure:
    """What submitting would send now for the caller's organisation (its drafts are the
    organisation's own to read, so anyone of it who may read the document sees them)."""
    document = await drafting.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return document
    return await _submission(store, caller, document)


async def submit_organisation_comments(
    store: Store, caller: Caller, document_id: ObjectId | None, expected_count: int
) -> list[Comment] | Failure:
    """Send all of the caller's organisation's drafts on a document at once: its consolidated response.

    ``expected_count`` is the caller's confirmation of what the preview showed: when the drafts
    changed since (a colleague added or withdrew one), nothing is sent and the caller is told.
    The comments sent are locked: a correction is a new comment. In a consultation the first
    submission is the party's response (``consultations.service.record_response``), with its
    general remarks and letter; what it sends later in the same consultation adds comments to it.
    """
    document = await drafting.authorised_document(store, caller, document_id, Action.READ_DOCUMENT)
    if not isinstance(document, Document):
        return document
    assert caller.actor is not None
    submission = await _submission(store, caller, document)
    refusal = permissions.check(caller.actor, Action.SUBMIT_RESPONSE, submission.scope)
    if refusal:
        return Denied(refusal)
    preview = submission.preview
    if submission.empty:
        return Invalid("documentId", "nothing_to_submit")
    if expected_count != preview.count:
        return Invalid(
            "expectedCount", "submission_count_changed", {"expected": expected_count, "count": preview.count}
        )
    if submission.consultation is not None and submission.draft is not None:
        # The unique response is the guard: of two colleagues submitting at once, one responds.
        recorded = await consultation_service.record_response(
            store,
            caller,
            submission.consultation.id,
            caller.actor.organization_id,
            ResponseKind.RESPONDED,
            general_remarks=submission.draft.general_remarks,
            attachment_id=submission.draft.letter.file_id if submission.draft.letter else None,
            comment_ids=preview.comment_ids,
        )
        if not isinstance(recorded, Response):
            return recorded
    submitted = await store.comments.submit(list(preview.comment_ids), caller.now)
    if submitted:
        await store.events.append(
            "comments.submitted",
            caller.origin,
            caller.now,
            document_id=document.id,
            entity=("Organization", caller.actor.organization_id),
            data={"count": len(submitted), "comment_ids": [ids.encode("Comment", c.id) for c in submitted]},
        )
    return submitted


async def respond(
    store: Store, caller: Caller, comment_id: ObjectId | None, status: CommentStatus, response: str
) -> Comment | Failure:
    """The steering group's disposition of a submitted comment, with its response."""
    found = await _answerable_comment(store, caller, comment_id)
    if not isinstance(found, tuple):
        return found
    _, comment = found
    assert caller.actor is not None
    problem = model.response_problem(response)
    if problem:
        return Invalid.of(problem)
    response = response.strip()
    html = await markdown.render_off_loop(store.workers, response)
    if html is None:
        return Invalid("response", "text_too_complex")
    answered = await store.comments.respond(comment.id, status, response, html, caller.actor.user_id, caller.now)
    if answered is None:
        return Missing("Comment")
    await _event(
        store,
        caller,
        "comment.answered",
        answered,
        {"status": status.value, "from": comment.status.value},
        audience=await _answer_audience(store, answered),
    )
    return answered


async def _answerable_comment(
    store: Store, caller: Caller, comment_id: ObjectId | None
) -> tuple[Document, Comment] | Failure:
    """The comment the steering group answers, and its document: a submitted thread starter."""
    found = await _visible_comment(store, caller, comment_id, Action.RESPOND_TO_COMMENT)
    if not isinstance(found, tuple):
        return found
    if not found[1].submitted:
        return Invalid("commentId", "comment_is_draft")
    if found[1].parent_id is not None:
        return Invalid("commentId", "reply_has_no_disposition")
    return found


async def _applied_summary(store: Store, comment: Comment) -> str:
    """The summary of the version that takes a proposal in. Versions are read by everyone taking
    part and never change, so it names the proposer only when the answer to the proposal is
    public already; a party's proposal in a consultation whose answers are unpublished is taken
    in under a neutral summary (the comment links the version once the answers are published)."""
    if await _answer_audience(store, comment) is not None:
        return "Ændringsforslag indarbejdet"
    organization = (await store.accounts.organizations_by_ids([comment.organization_id])).get(comment.organization_id)
    return f"Ændringsforslag fra {organization.short_name if organization else 'høringssvar'} indarbejdet"


@dataclass(frozen=True)
class ProposalApplied:
    comment: Comment
    saved: drafting.Saved


async def apply_proposal(
    store: Store, caller: Caller, comment_id: ObjectId | None, response: str | None
) -> ProposalApplied | Problem:
    """Accept a change proposal by writing it into a new section version through ``save_section``.

    The proposal is applied to the version it was made on and saved from there, so the same
    three-way merge as any other save carries it onto a newer head — or returns the conflict.
    """
    found = await _answerable_comment(store, caller, comment_id)
    if not isinstance(found, tuple):
        return found
    document, comment = found
    assert caller.actor is not None
    if comment.kind != CommentKind.PROPOSAL:
        return Invalid("commentId", "not_a_proposal")
    if comment.applied_version is not None:
        return Invalid("commentId", "proposal_already_applied", {"version": comment.applied_version})
    problem = model.response_problem(response or "")
    if problem:
        return Invalid.of(problem)
    response_html = await markdown.render_off_loop(store.workers, response.strip()) if response else ""
    if response_html is None:
        return Invalid("response", "text_too_complex")
    commented = await store.drafting.version(comment.section_id, comment.section_version)
    body = model.apply_proposal(commented.body, comment) if commented else None
    if commented is None or body is None:
        return Invalid("commentId", "proposal_not_applicable")
    summary = await _applied_summary(store, comment)
    saved = await drafting.save_section(
        store, caller, comment.section_id, commented.number, commented.title, body, summary
    )
    if not isinstance(saved, drafting.Saved):
        return saved
    linked = await store.comments.link_version(comment.id, saved.version.number, caller.actor.user_id, caller.now)
    if linked is None:
        return Invalid("commentId", "proposal_already_applied", {"version": saved.version.number})
    if response is not None and response.strip():
        text = response.strip()
        answered = await store.comments.respond(
            linked.id, CommentStatus.ACCEPTED, text, response_html, caller.actor.user_id, caller.now
        )
        linked = answered or linked
    await _event(
        store,
        caller,
        "comment.proposal_applied",
        linked,
        {"applied_version": saved.version.number, "from": comment.status.value, "changed": saved.changed},
        audience=await _answer_audience(store, linked),
    )
    return ProposalApplied(linked, saved)


async def update_document_settings(
    store: Store,
    caller: Caller,
    document_id: ObjectId | None,
    direct_submission: bool | None,
    restrict_comment_visibility: bool | None,
) -> Document | Failure:
    """The secretariat's comment settings of a document: direct submission, restricted visibility."""
    document = await drafting.authorised_document(store, caller, document_id, Action.MANAGE_DOCUMENT)
    if not isinstance(document, Document):
        return document
    current = document.settings
    wanted = DocumentSettings(
        direct_submission=current.direct_submission if direct_submission is None else direct_submission,
        restrict_comment_visibility=(
            current.restrict_comment_visibility if restrict_comment_visibility is None else restrict_comment_visibility
        ),
    )
    if wanted == current:
        return document
    updated = await store.drafting.set_settings(document.id, wanted, caller.now)
    if updated is None:
        return Missing("Document")
    data = {
        "direct_submission": wanted.direct_submission,
        "restrict_comment_visibility": wanted.restrict_comment_visibility,
    }
    await drafting.log_event(store, caller, "document.settings_changed", document.id, ("Document", document.id), data)
    return updated


@dataclass(frozen=True)
class CountRepair:
    section_id: ObjectId
    stored: int | None  # open comments the stored counts give; None when never counted
    counted: int
    markers: bool = False  # the reader's markers were wrong (or never kept), whatever the counts


async def check_open_counts(store: Store, *, repair: bool) -> list[CountRepair]:
    """Sections whose stored open-comment counts or reader's markers differ from their comments
    (a crash between writes)."""
    stored = await store.comments.stored()
    derived = await store.comments.derive()
    wrong = []
    for section_id, (counts, markers) in derived.items():
        kept_counts, kept_markers = stored.get(section_id, (None, None))
        if kept_counts != counts or kept_markers != markers:
            before = _total(kept_counts) if kept_counts is not None else None
            wrong.append(CountRepair(section_id, before, _total(counts), kept_markers != markers))
    wrong += [
        CountRepair(section_id, _total(counts or []), 0, bool(markers))
        for section_id, (counts, markers) in stored.items()
        if section_id not in derived and (_total(counts or []) != 0 or bool(markers))
    ]
    if repair and wrong:
        # What was just derived is the first guess; the recount checks it against a fresh derivation.
        sections = [item.section_id for item in wrong]
        await store.comments.recount(sections, proposal={s: derived.get(s, ([], [])) for s in sections})
    return wrong


def _total(counts: Iterable[OpenCount]) -> int:
    return sum(c.count for c in counts)
