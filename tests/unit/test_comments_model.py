from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from server.accounts.model import Actor, Role
from server.comments.anchoring import TextQuote, selector_for
from server.comments.model import (
    Answer,
    Comment,
    CommentKind,
    CommentStatus,
    OpenCount,
    OpenCounts,
    Verdicts,
    anchor_problem,
    answer_of,
    apply_proposal,
    comment_problem,
    compile_report,
    may_see,
    passage_as_read,
    seeing,
    starts_as_draft,
)
from server.drafting.model import Document, DocumentKind, DocumentSettings, Phase, SnapshotEntry
from server.markdown import plain_text

T0 = datetime(2017, 9, 1, 9, 0, tzinfo=UTC)
KL, REGIONS, SDS, PLO, DIGST = (ObjectId() for _ in range(5))
NAMES = {KL: "KL", REGIONS: "Danske Regioner", SDS: "Sundhedsdatastyrelsen", PLO: "PLO", DIGST: "Digst"}
DOC_ID = ObjectId()
FORMAAL, DATA, TELE = ObjectId(), ObjectId(), ObjectId()
ENTRIES = (
    SnapshotEntry(FORMAAL, 2, "formaal", "Formål"),
    SnapshotEntry(DATA, 1, "data", "Data"),
    SnapshotEntry(TELE, 3, "telemedicin", "Telemedicin"),
)


def _document(*, restricted: bool = False, direct: bool = False) -> Document:
    return Document(
        id=DOC_ID,
        slug="strategi",
        title="Strategi",
        kind=DocumentKind.STRATEGY,
        phase=Phase.CONSULTATION,
        summary="",
        participant_ids=(KL, REGIONS, SDS, PLO),
        milestones=(),
        settings=DocumentSettings(direct_submission=direct, restrict_comment_visibility=restricted),
        approved_snapshot_id=None,
        created_at=T0,
        updated_at=T0,
    )


def _comment(
    organization: ObjectId,
    section: ObjectId = FORMAAL,
    version: int = 2,
    *,
    minutes: int = 0,
    status: CommentStatus = CommentStatus.OPEN,
    submitted: bool = True,
    parent: ObjectId | None = None,
    deleted: bool = False,
) -> Comment:
    at = T0 + timedelta(minutes=minutes)
    return Comment(
        id=ObjectId(),
        document_id=DOC_ID,
        section_id=section,
        section_version=version,
        parent_id=parent,
        author_id=ObjectId(),
        organization_id=organization,
        body=f"Bemærkning {minutes}",
        html="",
        kind=CommentKind.REMARK,
        proposed_text=None,
        anchor=None,
        submitted=submitted,
        submitted_at=at if submitted else None,
        status=status,
        response="",
        response_html="",
        responded_by=None,
        responded_at=None,
        applied_version=None,
        edits=(),
        deleted=deleted,
        created_at=at,
        updated_at=at,
    )


def _actor(organization: ObjectId, *roles: Role) -> Actor:
    return Actor(ObjectId(), organization, frozenset(roles))


# The consultation report


def test_report_groups_by_section_in_snapshot_order_then_organisation_by_name() -> None:
    comments = [
        _comment(KL, TELE, 3, minutes=1),
        _comment(REGIONS, FORMAAL, 2, minutes=2),
        _comment(KL, FORMAAL, 2, minutes=3),
        _comment(KL, FORMAAL, 2, minutes=0),
    ]
    report = compile_report(ENTRIES, comments, NAMES.__getitem__)
    assert [s.key for s in report.sections] == ["formaal", "telemedicin"]  # "data" has no comments
    formaal = report.sections[0]
    assert (formaal.title, formaal.version) == ("Formål", 2)
    assert [g.organization_id for g in formaal.organizations] == [REGIONS, KL]  # "Danske Regioner" < "KL"
    assert [c.body for c in formaal.organizations[1].comments] == ["Bemærkning 0", "Bemærkning 3"]
    assert report.total == 4


def test_report_counts_per_organisation_and_status() -> None:
    comments = [
        _comment(KL, minutes=0, status=CommentStatus.ACCEPTED),
        _comment(KL, minutes=1, status=CommentStatus.ACCEPTED),
        _comment(KL, DATA, 1, minutes=2, status=CommentStatus.REJECTED),
        _comment(PLO, minutes=3),
    ]
    report = compile_report(ENTRIES, comments, NAMES.__getitem__)
    counts = {c.organization_id: c for c in report.counts}
    assert [c.organization_id for c in report.counts] == [KL, PLO]
    assert counts[KL].total == 3
    assert counts[KL].by_status == {
        CommentStatus.OPEN: 0,
        CommentStatus.ACCEPTED: 2,
        CommentStatus.PARTLY_ACCEPTED: 0,
        CommentStatus.REJECTED: 1,
        CommentStatus.NOTED: 0,
    }
    assert counts[PLO].by_status[CommentStatus.OPEN] == 1


def test_report_leaves_out_drafts_deleted_and_other_versions_and_keeps_replies_under_threads() -> None:
    kept = _comment(KL)
    comments = [
        kept,
        _comment(KL, minutes=1, submitted=False),
        _comment(REGIONS, minutes=2, parent=kept.id),
        _comment(REGIONS, minutes=3, deleted=True),
        _comment(PLO, FORMAAL, 1, minutes=4),  # on version 1, the snapshot froze version 2
        _comment(PLO, ObjectId(), 1, minutes=5),  # a section not in the snapshot
    ]
    report = compile_report(ENTRIES, comments, NAMES.__getitem__)
    assert [c.id for s in report.sections for g in s.organizations for c in g.comments] == [kept.id]
    assert [
        r.organization_id for s in report.sections for g in s.organizations for e in g.entries for r in e.replies
    ] == [REGIONS]
    assert [c.organization_id for c in report.counts] == [KL]
    assert report.total == 1


def test_report_keeps_each_threads_submitted_replies_under_it() -> None:
    thread = _comment(KL, minutes=0)
    reply = _comment(SDS, minutes=2, parent=thread.id)
    early = _comment(KL, minutes=1, parent=thread.id)
    draft = _comment(REGIONS, minutes=3, parent=thread.id, submitted=False)
    report = compile_report(ENTRIES, [reply, thread, early, draft], NAMES.__getitem__)
    [entry] = report.sections[0].organizations[0].entries
    assert entry.comment == thread and entry.replies == (early, reply)
    assert report.total == 1  # a reply is not a comment of its own in the counts


def test_a_question_of_the_steering_group_is_reported_with_a_partys_answer_and_not_counted() -> None:
    question = _comment(SDS, minutes=0)
    answer = _comment(KL, minutes=1, parent=question.id)
    unanswered = _comment(SDS, DATA, 1, minutes=2)
    kl_own = _comment(KL, DATA, 1, minutes=3)
    report = compile_report(
        ENTRIES, [question, answer, unanswered, kl_own], NAMES.__getitem__, lambda c: c.organization_id != SDS
    )
    formaal, data = report.sections
    assert formaal.organizations == () and [(e.comment, e.replies) for e in formaal.questions] == [
        (question, (answer,))
    ]
    assert data.questions == () and [g.organization_id for g in data.organizations] == [KL]
    assert [c.organization_id for c in report.counts] == [KL] and report.total == 1


def test_an_answer_reads_pending_without_remarks_or_written() -> None:
    open_ = _comment(KL)
    assert answer_of(open_) == Answer.PENDING
    assert answer_of(replace(open_, status=CommentStatus.ACCEPTED)) == Answer.WITHOUT_REMARKS
    assert answer_of(replace(open_, status=CommentStatus.NOTED, response="Tak.")) == Answer.WRITTEN


def test_empty_report() -> None:
    report = compile_report(ENTRIES, [], NAMES.__getitem__)
    assert report.sections == () and report.counts == () and report.total == 0


# Who sees what


def test_a_draft_is_seen_only_inside_its_organisation() -> None:
    doc = _document()
    assert may_see(_actor(KL, Role.COMMENTER), doc, KL, submitted=False)
    assert may_see(_actor(KL, Role.READER), doc, KL, submitted=False)
    assert not may_see(_actor(REGIONS, Role.COMMENTER), doc, KL, submitted=False)
    assert not may_see(_actor(REGIONS, Role.EDITOR), doc, KL, submitted=False)
    assert not may_see(_actor(SDS, Role.SECRETARIAT, Role.EDITOR), doc, KL, submitted=False)
    assert not may_see(None, doc, KL, submitted=False)


def test_a_submitted_comment_is_seen_by_participants_and_the_steering_group() -> None:
    doc = _document()
    assert may_see(_actor(REGIONS, Role.COMMENTER), doc, KL, submitted=True)
    assert may_see(_actor(REGIONS, Role.EDITOR), doc, KL, submitted=True)
    assert may_see(_actor(PLO, Role.READER), doc, KL, submitted=True)
    assert not may_see(_actor(DIGST, Role.EDITOR), doc, KL, submitted=True)
    assert may_see(_actor(DIGST, Role.SECRETARIAT), doc, KL, submitted=True)


def test_restricted_visibility_keeps_submitted_comments_to_steering_group_and_own_organisation() -> None:
    doc = _document(restricted=True)
    assert may_see(_actor(KL, Role.COMMENTER), doc, KL, submitted=True)
    assert may_see(_actor(REGIONS, Role.EDITOR), doc, KL, submitted=True)
    assert may_see(_actor(SDS, Role.SECRETARIAT), doc, KL, submitted=True)
    assert not may_see(_actor(REGIONS, Role.COMMENTER), doc, KL, submitted=True)
    assert not may_see(_actor(PLO, Role.APPROVER), doc, KL, submitted=True)


def _noting(
    sees: Callable[[ObjectId, bool], bool], asked: list[tuple[ObjectId, bool]]
) -> Callable[[ObjectId, bool], bool]:
    def noted(organization_id: ObjectId, submitted: bool) -> bool:
        asked.append((organization_id, submitted))
        return sees(organization_id, submitted)

    return noted


def test_open_counts_packed_count_what_each_viewer_may_see_asking_once_per_organisation_and_state() -> None:
    counts = [
        OpenCount(KL, False, 3),
        OpenCount(REGIONS, True, 70_000),
        OpenCount(KL, True, 2),
        OpenCount(PLO, False, 1),
    ]
    packed = OpenCounts.of(counts)
    assert OpenCounts.of(reversed(counts)) == packed  # one packing whatever the order counted in
    assert sorted(packed.unpacked(), key=lambda c: (c.organization_id.binary, c.submitted)) == packed.unpacked()
    assert sorted(packed.unpacked(), key=lambda c: c.count) == sorted(counts, key=lambda c: c.count)
    assert OpenCounts(b"").seen(Verdicts(seeing(_actor(KL, Role.COMMENTER), _document()))) == 0
    cases = [
        (_actor(KL, Role.COMMENTER), _document(), 3 + 70_000 + 2),  # own drafts, every submitted one
        (_actor(REGIONS, Role.COMMENTER), _document(), 70_000 + 2),  # no other organisation's drafts
        (_actor(REGIONS, Role.COMMENTER), _document(restricted=True), 70_000),  # own submitted only
        (_actor(PLO, Role.READER), _document(restricted=True), 1),  # its own draft
        (_actor(SDS, Role.SECRETARIAT, Role.EDITOR), _document(restricted=True), 70_000 + 2),  # no drafts
        (None, _document(), 0),
    ]
    for actor, doc, seen in cases:
        asked: list[tuple[ObjectId, bool]] = []
        verdicts = Verdicts(_noting(seeing(actor, doc), asked))
        assert packed.seen(verdicts) == seen
        assert packed.seen(verdicts) == seen  # the document's next section asks nothing again
        assert len(asked) == len(set(asked)) == 4
        # The one rule: a count is seen exactly when may_see would show its comments.
        assert seen == sum(c.count for c in counts if may_see(actor, doc, c.organization_id, c.submitted))


def test_commenters_write_drafts_unless_the_document_allows_direct_submission() -> None:
    assert starts_as_draft(_actor(KL, Role.COMMENTER), _document())
    assert not starts_as_draft(_actor(KL, Role.COMMENTER), _document(direct=True))
    assert not starts_as_draft(_actor(KL, Role.EDITOR, Role.APPROVER), _document())


# Input rules


def test_comment_input_rules() -> None:
    assert comment_problem("Fint.", None, reply=False, anchored=False) is None
    assert comment_problem("  ", None, reply=False, anchored=False).key == "required"  # type: ignore[union-attr]
    too_long = comment_problem("x" * 20_001, None, reply=False, anchored=False)
    assert too_long is not None and (too_long.field, too_long.key) == ("body", "too_long")
    assert comment_problem("x" * 20_000, None, reply=False, anchored=False) is None
    # An anchored proposal may delete its passage; an unanchored one replaces the whole section.
    assert comment_problem("Slet det.", "", reply=False, anchored=True) is None
    empty = comment_problem("Slet alt.", "", reply=False, anchored=False)
    assert empty is not None and (empty.field, empty.key) == ("proposedText", "required")
    reply = comment_problem("Enig.", "Ny tekst", reply=True, anchored=True)
    assert reply is not None and reply.key == "reply_cannot_propose"


def test_anchor_must_be_in_the_version() -> None:
    text = "Data skal deles. Data skal beskyttes."
    assert anchor_problem(text, selector_for(text, 17, 21), 1) is None
    missing = anchor_problem(text, TextQuote("klima"), 3)
    assert missing is not None and (missing.key, missing.params) == ("anchor_not_found", {"version": 3})
    context = anchor_problem(text, TextQuote("Data", prefix="xyz"), 1)
    assert context is not None and context.key == "anchor_context_mismatch"
    assert anchor_problem(text, TextQuote("   "), 1).key == "required"  # type: ignore[union-attr]


def test_apply_proposal_replaces_the_anchored_passage_chosen_by_context() -> None:
    body = "Data skal deles.\n\nFor sundhed gælder: data skal deles med samtykke."
    start = body.rindex("data skal deles")
    proposal = replace(
        _comment(KL),
        kind=CommentKind.PROPOSAL,
        proposed_text="data må deles",
        anchor=selector_for(body, start, start + len("data skal deles")),
    )
    assert apply_proposal(body, proposal) == "Data skal deles.\n\nFor sundhed gælder: data må deles med samtykke."
    whole = replace(_comment(KL), kind=CommentKind.PROPOSAL, proposed_text="Ny tekst.")
    assert apply_proposal(body, whole) == "Ny tekst."
    gone = replace(proposal, anchor=TextQuote("klimatilpasning i kystbyerne"))
    assert apply_proposal(body, gone) is None
    assert apply_proposal(body, _comment(KL)) is None


def test_a_quoted_passage_reads_as_the_text_does() -> None:
    body = "Samtidig skal forskere\nhave lettere adgang.\n\n1. Første\n2. Anden\n"
    text = plain_text(body)
    start = text.index("forskere")
    quote = selector_for(text, start, text.index("Anden") + len("Anden"))
    assert quote.exact == "forskere\nhave lettere adgang.\nFørste\nAnden"
    assert passage_as_read(body, quote) == "forskere have lettere adgang.\n1. Første\n2. Anden"
    # On a body where the passage is gone, it reads as one line.
    assert passage_as_read("Noget helt andet.", quote) == "forskere have lettere adgang. Første Anden"
