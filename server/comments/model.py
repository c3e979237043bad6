"""Comments as plain data, and their pure rules: who sees a comment, input checks, the report.

A comment is written on one version of a section, for the author's organisation. It may start as
an organisation-internal draft that the organisation later submits at once — its consolidated
response. The steering group gives each submitted comment a disposition and a response. The
consultation report (*høringsnotat*) is compiled from the comments on the versions of a snapshot.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from bson import ObjectId

from server import markdown
from server.accounts.model import Actor, Role
from server.accounts.permissions import CommentScope
from server.comments import anchoring
from server.comments.anchoring import Relocated, TextQuote
from server.drafting.model import Document, Section, SnapshotEntry
from server.validation import InputProblem, first_problem, text_problem


class CommentStatus(StrEnum):
    OPEN = "OPEN"
    ACCEPTED = "ACCEPTED"
    PARTLY_ACCEPTED = "PARTLY_ACCEPTED"
    REJECTED = "REJECTED"
    NOTED = "NOTED"


class CommentKind(StrEnum):
    REMARK = "REMARK"
    PROPOSAL = "PROPOSAL"  # carries proposed replacement text for its passage (or the whole section)


@dataclass(frozen=True)
class CommentEdit:
    """An earlier wording of a comment, kept when its author edits it."""

    body: str
    proposed_text: str | None
    at: datetime
    draft: bool = False  # the wording replaced was a draft, never sent by its organisation


@dataclass(frozen=True)
class Comment:
    id: ObjectId
    document_id: ObjectId
    section_id: ObjectId
    section_version: int
    parent_id: ObjectId | None  # the thread's first comment; replies never nest deeper
    author_id: ObjectId
    organization_id: ObjectId
    body: str
    html: str
    kind: CommentKind
    proposed_text: str | None
    anchor: TextQuote | None
    submitted: bool  # False while an organisation-internal draft
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    # The steering group's answer: a new comment is open and unanswered.
    status: CommentStatus = CommentStatus.OPEN
    response: str = ""
    response_html: str = ""
    responded_by: ObjectId | None = None
    responded_at: datetime | None = None
    applied_version: int | None = None  # the section version that took the comment in
    edits: tuple[CommentEdit, ...] = ()
    deleted: bool = False
    revision: int = 0  # how many times the comment changed; each change claims the next number first
    # The consultation a consulted party wrote it in: part of that party's høringssvar. None for the
    # steering group's own comments (never counted as høringssvar) and for comments outside one.
    consultation_id: ObjectId | None = None
    # Sent as part of its organisation's response (``submitOrganisationComments``): from then on the
    # comment is what the party said, so it is locked — a correction is a new comment.
    in_response: bool = False
    # Its author changed it after the steering group answered it — possible while the answer is
    # unpublished, since the party cannot see it (``change_scope``); cleared when it is answered again.
    changed_since_answer: bool = False


MAX_COMMENT = 20_000
MAX_CONTEXT = 500  # prefix and suffix of an anchor; the UI sends about 32 characters each


# Who sees what.

STEERING = frozenset({Role.EDITOR, Role.SECRETARIAT})


@dataclass(frozen=True)
class OpenCount:
    """How many open thread-starting comments one organisation has on a section, drafts apart."""

    organization_id: ObjectId
    submitted: bool
    count: int


OPEN_COUNT = 17  # an entry of ``OpenCounts``: its organisation's id, 1 if submitted (else 0), the count (4 bytes)


@dataclass(frozen=True, slots=True)
class OpenCounts:
    """A section's ``OpenCount``s packed, ordered by organisation and draft state: the outline judges
    a document's few hundred of them per request without unpacking one (``seen``). Kept per section
    (``comments.repository``)."""

    packed: bytes

    @classmethod
    def of(cls, counts: Iterable[OpenCount]) -> OpenCounts:
        ordered = sorted(counts, key=lambda c: (c.organization_id.binary, c.submitted))
        return cls(
            b"".join(
                c.organization_id.binary + (b"\x01" if c.submitted else b"\x00") + c.count.to_bytes(4, "big")
                for c in ordered
            )
        )

    def unpacked(self) -> list[OpenCount]:
        packed = self.packed
        return [
            OpenCount(ObjectId(packed[at : at + 12]), packed[at + 12] == 1, int.from_bytes(packed[at + 13 : at + 17]))
            for at in range(0, len(packed), OPEN_COUNT)
        ]

    def seen(self, sees: Verdicts) -> int:
        """The open comments ``sees`` lets through."""
        packed = self.packed
        return sum(
            int.from_bytes(packed[at + 13 : at + OPEN_COUNT])
            for at in range(0, len(packed), OPEN_COUNT)
            if sees(packed[at : at + 13])
        )


@dataclass(frozen=True)
class Marker:
    """What the reader shows of a live thread-starting comment without opening its thread: where
    its marker goes, whether it is an open proposal to show in the text, and who may answer it.
    Kept per section beside the open counts (derived from the comments, never the record)."""

    id: ObjectId
    section_id: ObjectId
    section_version: int
    author_id: ObjectId
    organization_id: ObjectId
    kind: CommentKind
    status: CommentStatus
    submitted: bool
    in_response: bool
    anchor: TextQuote | None
    proposed_text: str | None  # a proposal's replacement text, whatever its status (``open_proposal``); else None
    applied_version: int | None
    consultation_id: ObjectId | None = None  # as ``Comment.consultation_id``: its answer may be unpublished


THREAD_KEY = 25  # a thread's key in ``ThreadKeys``: its id, its organisation's id, 1 if submitted (else 0)


@dataclass(frozen=True)
class ThreadKeys:
    """Of a section's live thread-starting comments, ordered by id (the order they were written
    in), what paging them needs: each one's id and whom it may be shown to (``seeing``: its
    organisation, whether it was submitted). Kept per section in a document of its own, packed:
    a section has thousands of threads and a page shows twenty, so none is unpacked but those
    shown (``comments.repository``)."""

    packed: bytes

    @classmethod
    def of(cls, threads: Iterable[Marker]) -> ThreadKeys:
        return cls(
            b"".join(t.id.binary + t.organization_id.binary + (b"\x01" if t.submitted else b"\x00") for t in threads)
        )

    def seen(self, sees: Callable[[ObjectId, bool], bool]) -> list[bytes]:
        """The ids (``ObjectId.binary``, ordered as the ids are) of the threads ``sees`` lets through:
        asked once per organisation and draft state, not once per thread."""
        packed = self.packed
        judged = Verdicts(sees)
        return [
            packed[at : at + 12]
            for at in range(0, len(packed), THREAD_KEY)
            if judged(packed[at + 12 : at + THREAD_KEY])
        ]


class Verdicts:
    """``sees`` (what ``seeing`` returns) of packed keys — an organisation's id and a byte, 1 if
    submitted — asked once per organisation and draft state, not once per key."""

    __slots__ = ("_sees", "_known")

    def __init__(self, sees: Callable[[ObjectId, bool], bool]) -> None:
        self._sees = sees
        self._known: dict[bytes, bool] = {}

    def __call__(self, whom: bytes) -> bool:
        verdict = self._known.get(whom)
        if verdict is None:
            verdict = self._known[whom] = self._sees(ObjectId(whom[:12]), whom[12] == 1)
        return verdict


@dataclass(frozen=True, slots=True)
class MarkGroup:
    """Of the threads of one organisation, draft state (what ``seeing`` depends on) and consultation (what
    ``answers_withheld`` depends on) that mark one passage, or a whole section: how many, how many of them
    are open proposals, how many a reader from whom the answers are withheld sees open (``held_open``), and
    the first by id."""

    organization_id: ObjectId
    submitted: bool
    consultation_id: ObjectId | None
    count: int
    proposals: int
    held: int
    first: ObjectId


@dataclass(frozen=True)
class PlacedPassage:
    """A passage of one version of a section's text that threads mark: offsets into its plain text."""

    start: int
    end: int
    groups: tuple[MarkGroup, ...]


@dataclass(frozen=True)
class Placed:
    """A section's markers placed in one version of its text, aggregated by what visibility depends on:
    a reader sums a few counts per passage instead of placing every thread (kept per section and
    version by ``comments.repository``, derived from the markers, never the record). Only what is
    shown one by one is kept per thread: the outdated passages and the open proposals."""

    version: int  # the version of the text the markers are placed in
    section: tuple[MarkGroup, ...]  # every thread, anchored or not
    passages: tuple[PlacedPassage, ...]  # in the order of their first thread's id
    outdated: tuple[Marker, ...]  # anchored, but the passage is not in the text
    proposals: tuple[Marker, ...]  # proposals whose passage is in the text, open to some reader (``held_open``)


def _grouped_marks(markers: Iterable[Marker]) -> tuple[MarkGroup, ...]:
    groups: dict[tuple[ObjectId, bool, ObjectId | None], MarkGroup] = {}
    for m in markers:  # by id: the first of a group is the first one met
        key = (m.organization_id, m.submitted, m.consultation_id)
        found = groups.get(key)
        proposal, held = int(open_proposal(m)), int(held_open(m))
        if found is None:
            groups[key] = MarkGroup(m.organization_id, m.submitted, m.consultation_id, 1, proposal, held, m.id)
        else:
            groups[key] = dataclasses.replace(
                found, count=found.count + 1, proposals=found.proposals + proposal, held=found.held + held
            )
    return tuple(groups.values())


def place(version: int, markers: Sequence[Marker], where: Callable[[Marker], tuple[int, int] | None]) -> Placed:
    """``markers`` (ordered by id) placed in version ``version`` of their section's text: ``where``
    says where an anchored marker's passage is in it (None: not there)."""
    passages: dict[tuple[int, int], list[Marker]] = {}
    outdated: list[Marker] = []
    for m in markers:
        if m.anchor is None:
            continue
        found = where(m)
        if found is None:
            outdated.append(m)
        else:
            passages.setdefault(found, []).append(m)
    return Placed(
        version=version,
        section=_grouped_marks(markers),
        passages=tuple(PlacedPassage(start, end, _grouped_marks(ms)) for (start, end), ms in passages.items()),
        outdated=tuple(outdated),
        proposals=tuple(m for ms in passages.values() for m in ms if held_open(m)),
    )


@dataclass(frozen=True, slots=True)
class SeenPassage:
    """A passage as one reader sees it: the threads they may see that mark it."""

    start: int
    end: int
    count: int
    proposals: int  # of them open proposals
    first: ObjectId


Withholding = Callable[[ObjectId | None, ObjectId], bool]  # ``withholding``: of a consultation and organisation


def seen_passages(
    placed: Placed, sees: Callable[[ObjectId, bool], bool], withheld: Withholding
) -> tuple[int, list[SeenPassage]]:
    """How many of a section's threads a reader sees (``sees``: ``seeing``), and the passages they mark,
    in the order of their first seen thread's id, with their open proposals as the reader sees them
    (``withheld``: ``withholding``): the same as placing only the markers seen, as seen (``as_seen_by``)."""
    count = sum(g.count for g in placed.section if sees(g.organization_id, g.submitted))
    passages = []
    for p in placed.passages:
        shown = [g for g in p.groups if sees(g.organization_id, g.submitted)]
        if shown:
            passages.append(
                SeenPassage(
                    p.start,
                    p.end,
                    sum(g.count for g in shown),
                    sum(g.held if withheld(g.consultation_id, g.organization_id) else g.proposals for g in shown),
                    min((g.first for g in shown), key=lambda i: i.binary),
                )
            )
    return count, sorted(passages, key=lambda p: p.first.binary)


def open_proposal(comment: Comment | Marker) -> bool:
    """An open change proposal on a passage, not yet taken in: the reader shows it in the text."""
    return (
        comment.kind == CommentKind.PROPOSAL
        and comment.status == CommentStatus.OPEN
        and comment.applied_version is None
        and comment.proposed_text is not None
        and comment.anchor is not None
    )


def marker_of(comment: Comment) -> Marker:
    return Marker(
        id=comment.id,
        section_id=comment.section_id,
        section_version=comment.section_version,
        author_id=comment.author_id,
        organization_id=comment.organization_id,
        kind=comment.kind,
        status=comment.status,
        submitted=comment.submitted,
        in_response=comment.in_response,
        anchor=comment.anchor,
        proposed_text=comment.proposed_text,
        applied_version=comment.applied_version,
        consultation_id=comment.consultation_id,
    )


def may_see(actor: Actor | None, document: Document, organization_id: ObjectId, submitted: bool) -> bool:
    """Whether ``actor`` may see a comment written for ``organization_id`` on ``document``.

    The one visibility rule of comments: a draft is seen only inside its organisation. A submitted
    comment is seen by the steering group (editors and the secretariat of participating
    organisations) and by the participating organisations — unless the document restricts
    submitted comments to the steering group and the author's organisation. The caller has
    already checked that the actor may read the document.
    """
    return seeing(actor, document)(organization_id, submitted)


def seeing(actor: Actor | None, document: Document) -> Callable[[ObjectId, bool], bool]:
    """``may_see`` for one actor and document, as a function of the comment's organisation and
    whether it was submitted: what does not depend on the comment is worked out once (a
    document's sections check hundreds of counts)."""
    if actor is None:
        return lambda organization_id, submitted: False
    own = actor.organization_id
    participates = own in document.participant_ids
    others = bool(actor.roles & STEERING) and (participates or Role.SECRETARIAT in actor.roles)
    others = others or (participates and not document.settings.restrict_comment_visibility)
    # A draft only inside its organisation; a submitted comment as the document's settings say.
    return lambda organization_id, submitted: organization_id == own or (submitted and others)


def visible(actor: Actor | None, document: Document, comment: Comment) -> bool:
    return (
        not comment.deleted
        and comment.document_id == document.id
        and may_see(actor, document, comment.organization_id, comment.submitted)
    )


Published = Mapping[ObjectId, frozenset[ObjectId]]  # per consultation: the organisations whose answers are out


def answers_withheld(actor: Actor | None, comment: Comment | Marker, published: Published) -> bool:
    """Whether the steering group's disposition and answer of ``comment`` are still its drafts for
    ``actor``: the comment is part of a party's response to a consultation whose answers to that
    party the secretariat has not published yet, and the actor is not of the steering group
    (editors, the secretariat). The caller has already checked that the actor may see the comment."""
    return withholding(actor, published)(comment.consultation_id, comment.organization_id)


def withholding(actor: Actor | None, published: Published) -> Withholding:
    """``answers_withheld`` for one actor, as a function of the comment's consultation and organisation:
    the reader judges a group of threads at once (``seen_passages``)."""
    if actor is not None and actor.roles & STEERING:
        return lambda consultation_id, organization_id: False
    return lambda consultation_id, organization_id: (
        consultation_id is not None and organization_id not in published.get(consultation_id, frozenset())
    )


def held_open(marker: Marker) -> bool:
    """Whether a reader from whom the steering group's answer is withheld (``answers_withheld``) sees the marker
    as an open proposal: as it was submitted, its disposition and the version that took it in left out."""
    unanswered = dataclasses.replace(marker, status=CommentStatus.OPEN, applied_version=None)
    return open_proposal(marker) or (marker.consultation_id is not None and open_proposal(unanswered))


def needs_publications(actor: Actor | None, comments: Iterable[Comment | Marker]) -> bool:
    """Whether ``answers_withheld`` could hold for any of ``comments`` (so publications must be read)."""
    if actor is not None and actor.roles & STEERING:
        return False
    return any(c.consultation_id is not None and _answered(c) for c in comments)


def disposed(comment: Comment | Marker) -> bool:
    """Whether the steering group has dealt with the comment: a disposition, or a version took it in."""
    return comment.status != CommentStatus.OPEN or comment.applied_version is not None


def _answered(comment: Comment | Marker) -> bool:
    """Whether the steering group has said anything of the comment (a marker shows only its disposition)."""
    if isinstance(comment, Marker):
        return disposed(comment)
    return comment.responded_at is not None or comment.applied_version is not None


_Seen = TypeVar("_Seen", Comment, Marker)


def as_seen_by(actor: Actor | None, comment: _Seen, published: Published) -> _Seen:
    """The comment (or its marker) as ``actor`` may read it: the disposition, the answer and the
    version that took it in are left out while the steering group's answers are unpublished
    (``answers_withheld``)."""
    if not _answered(comment):
        return comment
    if not answers_withheld(actor, comment, published):
        return comment
    if isinstance(comment, Marker):
        return dataclasses.replace(comment, status=CommentStatus.OPEN, applied_version=None)
    return without_answer(comment)


def without_answer(comment: Comment) -> Comment:
    """The comment without the steering group's disposition, answer and the version that took it in."""
    return dataclasses.replace(
        comment,
        status=CommentStatus.OPEN,
        response="",
        response_html="",
        responded_by=None,
        responded_at=None,
        applied_version=None,
        changed_since_answer=False,
    )


def visible_edits(actor: Actor | None, comment: Comment) -> tuple[CommentEdit, ...]:
    """The earlier wordings ``actor`` may read: a draft's wordings belong to its organisation.

    An edit keeps the wording it replaced; one made before the comment was submitted replaced a
    draft wording, which the organisation never sent, so others see only the wordings it sent.
    """
    if actor is not None and actor.organization_id == comment.organization_id:
        return comment.edits
    return tuple(e for e in comment.edits if not e.draft)


def starts_as_draft(actor: Actor, document: Document) -> bool:
    """Commenters write drafts for their organisation unless the document allows direct submission.

    The steering group's own remarks and replies are published at once: they are the addressees
    of the consultation, not a party answering it.
    """
    return not (document.settings.direct_submission or actor.roles & STEERING)


def change_scope(comment: Comment | Marker) -> CommentScope:
    """What decides whether the author may change or withdraw the comment (``Action.CHANGE_COMMENT``),
    given the comment as the actor reads it (``as_seen_by``): an answer the actor may not read yet
    has been left out, so it locks nothing."""
    return CommentScope(author_id=comment.author_id, sent=comment.in_response, answered=disposed(comment))


# An organisation's response: what submitting its drafts sends.


@dataclass(frozen=True)
class PreviewSection:
    section_id: ObjectId
    title: str
    comments: tuple[Comment, ...]  # threads and replies alike, in the order they were written


@dataclass(frozen=True)
class SubmissionPreview:
    """Exactly what ``submitOrganisationComments`` would send now: every draft of the organisation
    on the document — its colleagues' too, replies included — grouped by section."""

    sections: tuple[PreviewSection, ...]

    @property
    def count(self) -> int:
        return sum(len(s.comments) for s in self.sections)

    @property
    def comment_ids(self) -> tuple[ObjectId, ...]:
        return tuple(c.id for s in self.sections for c in s.comments)


def submission_preview(drafts: Iterable[Comment], sections: Iterable[Section]) -> SubmissionPreview:
    """Group an organisation's drafts by section, in the document's order of sections.

    A draft on a section deleted since is still sent (the section is named by its last title);
    sections come by position, then the deleted ones.
    """
    by_section: dict[ObjectId, list[Comment]] = defaultdict(list)
    for comment in sorted(drafts, key=lambda c: (c.created_at, c.id)):
        by_section[comment.section_id].append(comment)
    ordered = sorted(sections, key=lambda s: (s.deleted, s.position))
    return SubmissionPreview(
        tuple(
            PreviewSection(section.id, section.title, tuple(by_section[section.id]))
            for section in ordered
            if section.id in by_section
        )
    )


# Input.


def comment_problem(body: str, proposed_text: str | None, *, reply: bool, anchored: bool) -> InputProblem | None:
    problem = first_problem(
        text_problem("body", body, MAX_COMMENT),
        text_problem("proposedText", proposed_text, MAX_COMMENT, required=False) if proposed_text is not None else None,
    )
    if problem:
        return problem
    if proposed_text is not None and reply:
        return InputProblem("proposedText", "reply_cannot_propose", {})
    if proposed_text is not None and not anchored and not proposed_text.strip():
        return InputProblem("proposedText", "required", {})
    return None


def anchor_problem(text: str, quote: TextQuote, version: int) -> InputProblem | None:
    """Why ``quote`` cannot anchor a comment on the plain ``text`` of a version, or None."""
    problem = first_problem(
        text_problem("anchor", quote.exact, anchoring.MAX_EXACT_LENGTH),
        text_problem("anchor", quote.prefix, MAX_CONTEXT, required=False),
        text_problem("anchor", quote.suffix, MAX_CONTEXT, required=False),
    )
    if problem:
        return problem
    if anchoring.validate(text, quote) is None:
        return None
    if quote.exact not in text:
        return InputProblem("anchor", "anchor_not_found", {"version": version})
    return InputProblem("anchor", "anchor_context_mismatch", {"version": version})


def response_problem(response: str) -> InputProblem | None:
    return text_problem("response", response, MAX_COMMENT, required=False)


def anchor_state(commented_text: str, head_text: str, quote: TextQuote) -> Relocated:
    """Where a passage commented on in one version is in the head version's plain text."""
    return anchoring.relocate(commented_text, head_text, quote)


# Every reader of a document reads the same passages of the same versions (a pure function of
# immutable arguments, as ``anchoring.relocate``): each is found once.
@functools.lru_cache(maxsize=8192)
def passage_as_read(body: str, quote: TextQuote) -> str:
    """The quoted passage as a reader sees it in ``body``, the version commented on.

    The anchor quotes the plain text, where a soft line break of the source is a newline and a
    numbered item has no number; quotes on cards, in the høringsnotat and in exports show the
    passage as the text reads instead. A passage not found in ``body`` reads as one line.
    """
    location = anchoring.find(markdown.quoted_text(body), quote)
    if location is None:
        return " ".join(quote.exact.split())
    return markdown.passage_as_read(body, location.start, location.end)


def passages_as_read(quoted: Sequence[tuple[ObjectId, str, TextQuote]]) -> dict[ObjectId, str]:
    """``passage_as_read`` for many comments at once: (comment id, body commented on, anchor)."""
    return {comment_id: passage_as_read(body, quote) for comment_id, body, quote in quoted}


def apply_proposal(body: str, comment: Comment) -> str | None:
    """The section body with a change proposal applied, or None when its passage is not in ``body``.

    An unanchored proposal replaces the whole body. An anchored one replaces its passage, which
    is looked up in the Markdown source: the anchor quotes the rendered plain text, which is the
    same as the source for prose without inline markup. A passage cut by markup (``**``, a link)
    is not found, and the editor takes the proposal in by hand.
    """
    if comment.proposed_text is None:
        return None
    if comment.anchor is None:
        return comment.proposed_text
    location = anchoring.find(body, comment.anchor)
    if location is None or body[location.start : location.end] != comment.anchor.exact:
        return None
    return body[: location.start] + comment.proposed_text + body[location.end :]


# The consultation report (høringsnotat).


@dataclass(frozen=True)
class ReportEntry:
    """A thread in the report: its first comment and the submitted replies to it, oldest first."""

    comment: Comment
    replies: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class OrganizationComments:
    organization_id: ObjectId
    entries: tuple[ReportEntry, ...]

    @property
    def comments(self) -> tuple[Comment, ...]:
        return tuple(e.comment for e in self.entries)


@dataclass(frozen=True)
class ReportSection:
    section_id: ObjectId
    key: str
    title: str
    version: int
    organizations: tuple[OrganizationComments, ...]
    # Threads not counted as responses (the steering group's own questions) that a party answered:
    # the answers are part of that party's response, so they are reported, the question with them.
    questions: tuple[ReportEntry, ...] = ()


@dataclass(frozen=True)
class OrganizationCount:
    organization_id: ObjectId
    total: int
    by_status: Mapping[CommentStatus, int]  # every status, zero included


@dataclass(frozen=True)
class Report:
    sections: tuple[ReportSection, ...]
    counts: tuple[OrganizationCount, ...]
    total: int


def _counts_every_comment(comment: Comment) -> bool:
    return True


def compile_report(
    entries: Sequence[SnapshotEntry],
    comments: Iterable[Comment],
    organization_order: Callable[[ObjectId], str],
    counts_as_response: Callable[[Comment], bool] = _counts_every_comment,
) -> Report:
    """Group the submitted comments on a snapshot's versions by section, then organisation.

    Sections keep the snapshot's order and appear only when commented on; organisations are
    ordered by ``organization_order`` (say, their name), threads by time, each with its submitted
    replies. A thread whose first comment is not a response (``counts_as_response``: the steering
    group's own question) is neither counted nor listed under an organisation; it is reported
    among the section's questions when a response answers it. Drafts, deleted comments and
    comments on other versions than the snapshot's are left out.
    """
    frozen = {(e.section_id, e.version) for e in entries}
    kept = sorted(
        (c for c in comments if c.submitted and not c.deleted and (c.section_id, c.section_version) in frozen),
        key=lambda c: (c.created_at, c.id),
    )
    replies: dict[ObjectId, list[Comment]] = defaultdict(list)
    for comment in kept:
        if comment.parent_id is not None:
            replies[comment.parent_id].append(comment)
    threads = [c for c in kept if c.parent_id is None]
    taken = [c for c in threads if counts_as_response(c)]
    by_section: dict[ObjectId, dict[ObjectId, list[ReportEntry]]] = defaultdict(lambda: defaultdict(list))
    for comment in taken:
        by_section[comment.section_id][comment.organization_id].append(ReportEntry(comment, tuple(replies[comment.id])))
    questions: dict[ObjectId, list[ReportEntry]] = defaultdict(list)
    for comment in threads:
        answered = any(counts_as_response(r) for r in replies[comment.id])
        if not counts_as_response(comment) and answered:
            questions[comment.section_id].append(ReportEntry(comment, tuple(replies[comment.id])))

    def ordered(org_ids: Iterable[ObjectId]) -> list[ObjectId]:
        return sorted(org_ids, key=lambda o: (organization_order(o), str(o)))

    sections = tuple(
        ReportSection(
            section_id=entry.section_id,
            key=entry.key,
            title=entry.title,
            version=entry.version,
            organizations=tuple(
                OrganizationComments(org, tuple(by_section[entry.section_id][org]))
                for org in ordered(by_section[entry.section_id])
            ),
            questions=tuple(questions[entry.section_id]),
        )
        for entry in entries
        if entry.section_id in by_section or entry.section_id in questions
    )
    statuses: dict[ObjectId, Counter[CommentStatus]] = defaultdict(Counter)
    for comment in taken:
        statuses[comment.organization_id][comment.status] += 1
    counts = tuple(
        OrganizationCount(
            organization_id=org,
            total=sum(statuses[org].values()),
            by_status={status: statuses[org][status] for status in CommentStatus},
        )
        for org in ordered(statuses)
    )
    return Report(sections=sections, counts=counts, total=len(taken))


class Answer(StrEnum):
    """How the steering group's answer to a comment reads: one wording everywhere."""

    PENDING = "PENDING"  # not dealt with yet
    WITHOUT_REMARKS = "WITHOUT_REMARKS"  # a disposition and no text: "behandlet uden yderligere bemærkninger"
    WRITTEN = "WRITTEN"  # a disposition with a written answer


def answer_of(comment: Comment) -> Answer:
    if comment.response.strip():
        return Answer.WRITTEN
    return Answer.PENDING if comment.status == CommentStatus.OPEN else Answer.WITHOUT_REMARKS
