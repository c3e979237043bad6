"""The operations the benchmark drives, as the web UI would send them.

Each operation builds its GraphQL request for client ``i`` (its ``n``-th request), says whether a
reply succeeded, and names its floor endpoint (``bench/floor.py``) when it is a read.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import text
from server import markdown
from server.comments.anchoring import selector_for

# The web UI's own queries (frontend/src), fragments and all: what a browser sends.

COMMENT_VIEW = """
fragment CommentView on Comment {
  id kind html body proposedText status response responseHtml submitted createdAt respondedAt appliedVersion
  sectionVersion anchor { exact } passage anchorStatus
  author { id name } organization { id shortName } respondedBy { id name }
  section { id version consultedVersion { number } }
  viewerCan { edit respond applyProposal }
}
fragment CommentThread on Comment {
  id changedSinceAnswer consultedLocation { version } ...CommentView replies { id ...CommentView }
}
"""

# DocumentPage.tsx: opening the reader is one request: the document, its outline (`headings`: the table
# of contents) and the first page of sections (READER_PAGE) with their markers, lean (ReaderSection.tsx:
# a marker per passage with how many comments mark it, which of them open proposals, and the first of them, whose
# thread the marker opens; in full only outdated passages). The page's open proposals in full come right after
# (READER_SUGGESTIONS). The next pages
# come as the reader scrolls (READER_SECTIONS); a section's threads with COMMENTS_PANEL when opened.
READER_PAGE = 10
READER_SECTION = """
fragment ReaderSection on Section {
  id key title version html updatedAt deleted updatedBy { id name }
  consultedVersion { number title html }
  readerMarkers {
    count
    passages { start end count proposalCount firstId }
    outdated { id passage anchor { exact } }
  }
}
fragment SectionProposals on Section { readerMarkers { passages { proposalCount } } }"""
# DocumentPage.tsx, right after a page of sections with open proposals: the proposals in full, shown as
# suggestions under the blocks (ReaderSection.tsx, Suggestions.tsx).
READER_SUGGESTIONS = """
query ReaderSuggestions($slug: String!, $after: ID, $first: Int!) {
  document(slug: $slug) {
    id sections(after: $after, first: $first) { id readerMarkers { openProposals { id ...ReaderSuggestion } } }
  }
}
fragment ReaderSuggestion on CommentMarker {
  id anchorLocation { start } consultedLocation { start } ...Suggestion
}
fragment Suggestion on CommentMarker {
  id proposedText anchor { exact } organization { shortName } viewerCan { respond applyProposal }
}"""
DOCUMENT_VIEW = (
    """
query DocumentReader($slug: String!, $first: Int!) {
  document(slug: $slug) {
    id title summary
    viewerCan { edit comment }
    headings { id key }
    sections(first: $first) { id ...ReaderSection ...SectionProposals }
    consultation { ...ConsultationNotice }
    commenting { countsAsResponse snapshot { id number } }
    ...Commenting
    ...DocumentHeader
    ...TableOfContents
  }
}
fragment ConsultationNotice on Consultation {
  id state deadline openedAt closedAt snapshot { id number label }
  parties { status late noResponse organization { id shortName } }
}
fragment Commenting on Document { commenting { open message consultation { id } } }
fragment DocumentHeader on Document { id slug title kind phase viewerCan { manage edit } }
fragment TableOfContents on Document { headings { id key title } }
"""
    + READER_SECTION
)
READER_SECTIONS = (
    """
query ReaderSections($slug: String!, $after: ID!, $first: Int!) {
  document(slug: $slug) { id sections(after: $after, first: $first) { id ...ReaderSection ...SectionProposals } }
}"""
    + READER_SECTION
)

# The document view as issue 10 describes it: sections rendered, with open-comment counts only.
DOCUMENT_OUTLINE = """
query DocumentOutline($slug: String!) {
  document(slug: $slug) {
    id slug title kind phase summary
    viewerCan { edit comment }
    sections { id key title position version html updatedAt updatedBy { id name } openCommentCount }
  }
}"""

# SectionHistoryPage.tsx: the versions and, with from/to, the diff between two of them.
HISTORY = """
query SectionHistory($slug: String!, $id: ID!, $from: Int, $to: Int) {
  document(slug: $slug) { id viewerCan { edit } ...DocumentHeader }
  node(id: $id) {
    __typename
    ... on Section {
      id key title version
      versions(limit: 100) {
        id number title summary createdAt merged restoredFrom baseVersion
        author { id name } organization { id shortName }
      }
      diff(from: $from, to: $to) { fromVersion toVersion fromTitle toTitle html }
    }
  }
}
fragment DocumentHeader on Document { id slug title kind phase }
"""

# SectionThreads.tsx: one section's comment threads, when the reader opens them: the first page
# (20 threads with their replies; »Vis flere kommentarer« asks for the next one after endCursor).
COMMENTS_PANEL = (
    """
query SectionThreads($id: ID!, $after: String) {
  node(id: $id) {
    ... on Section {
      id
      commentThreads(first: 20, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { id ...CommentThread }
      }
    }
  }
}
"""
    + COMMENT_VIEW
)

# ReportPage.tsx
CONSULTATION_REPORT = """
query ConsultationReport($documentId: ID!, $snapshotId: ID!) {
  consultationReport(documentId: $documentId, snapshotId: $snapshotId) {
    total exportBase responseCount draftAnswers
    snapshot { id number label createdAt }
    consultation { id state deadline openedAt closedAt letterHtml }
    parties { organization { id name } status respondedAt late noResponse }
    generalRemarks { organization { id name } remarksHtml respondedAt late hasAttachment }
    changes { sectionTitle comment { ...ReportComment } }
    counts { total organization { id shortName } byStatus { status count } }
    sections {
      key title version
      entries { comment { ...ReportComment } replies { ...ReportComment } }
      questions { comment { ...ReportComment } replies { ...ReportComment } }
    }
  }
}
fragment ReportComment on Comment {
  id kind html proposedText status responseHtml response appliedVersion createdAt anchor { exact } passage
  organization { id name } author { id name }
}"""

SECTIONS_FOR_EDITING = """
query Sections($slug: String!) { document(slug: $slug) { sections { id version title body } } }"""

SAVE_SECTION = """
mutation SaveSection($input: SaveSectionInput!) {
  saveSection(input: $input) {
    __typename
    ... on SectionSaved { merged changed version { number } section { id title version body html updatedAt } }
    ... on VersionConflict { message base current yours baseVersion currentVersion }
    ... on UserError { message }
    ... on InvalidInput { field }
  }
}"""

ADD_COMMENT = """
mutation AddComment($input: AddCommentInput!) {
  addComment(input: $input) {
    __typename
    ... on CommentAdded { comment { id submitted section { id openCommentCount } } }
    ... on UserError { message }
    ... on InvalidInput { field }
  }
}"""

SIGN_IN = """
mutation SignIn($email: String!, $password: String!) {
  signIn(email: $email, password: $password) {
    __typename
    ... on SignedIn { user { id } }
    ... on UserError { message }
    ... on InvalidInput { field }
  }
}"""


Request = tuple[str, dict[str, Any]]


@dataclass
class Op:
    name: str
    title: str
    role: str  # whose sessions the clients use: reader, editor, commenter, approver, anonymous
    request: Callable[[int, int], Request]
    check: Callable[[dict[str, Any]], str | None]  # the reply's data → an error, or None
    floor: Callable[[int], str] | None = None
    after: Callable[[int, dict[str, Any]], None] | None = None  # client state from a good reply
    write: bool = False
    outcomes: dict[str, int] = field(default_factory=dict)  # e.g. merged, conflict

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _present(path: str) -> Callable[[dict[str, Any]], str | None]:
    def check(data: dict[str, Any]) -> str | None:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return None if value else f"no {path} in the reply"

    return check


def read_ops(targets: dict[str, Any]) -> list[Op]:
    slug = targets["slug"]
    hot = targets["hot_section"]
    busy = targets["busy_section"]
    diff = {"from": targets["diff_from"], "to": targets["diff_to"]}
    return [
        Op(
            "document_view",
            f"open the document in the reader, as the web UI does: the outline of its {targets['sections']} sections "
            f"and the first {READER_PAGE} rendered, with a margin marker counting the comment threads on each passage "
            f"(of {targets['document_comments']} comments on the document), their open proposals highlighted; the "
            "proposals in full come next (reader_suggestions), the rest of the sections as the reader scrolls",
            "reader",
            lambda i, n: (DOCUMENT_VIEW, {"slug": slug, "first": READER_PAGE}),
            _present("document.sections"),
            floor=lambda i: f"/floor/reader?slug={slug}",
        ),
        Op(
            "reader_suggestions",
            f"right after the reader's first page: the open change proposals of its {READER_PAGE} sections in full, "
            "shown as suggestions under the passages they would change",
            "reader",
            lambda i, n: (READER_SUGGESTIONS, {"slug": slug, "after": None, "first": READER_PAGE}),
            _present("document.sections"),
        ),
        Op(
            "document_outline",
            f"the document view as issue 10 puts it: {targets['sections']} sections rendered, with open-comment counts",
            "reader",
            lambda i, n: (DOCUMENT_OUTLINE, {"slug": slug}),
            _present("document.sections"),
            floor=lambda i: f"/floor/document?slug={slug}",
        ),
        Op(
            "section_history",
            f"a section's history page ({targets['hot_versions']} versions, the 100 newest listed, last change diffed)",
            "reader",
            lambda i, n: (HISTORY, {"slug": slug, "id": hot, "from": None, "to": None}),
            _present("node.versions"),
            floor=lambda i: f"/floor/history?slug={slug}&section={hot}",
        ),
        Op(
            "diff",
            f"the history page diffing version {diff['from']} (consultation draft) with {diff['to']}",
            "reader",
            lambda i, n: (HISTORY, {"slug": slug, "id": hot, **diff}),
            _present("node.diff.html"),
            floor=lambda i: f"/floor/history?slug={slug}&section={hot}&from={diff['from']}&to={diff['to']}",
        ),
        Op(
            "comments_panel",
            f"open the comments of the busiest section in the reader ({targets['busy_comments']} comments, "
            "threads and replies): its first page, 20 threads with their replies, as the web UI shows them",
            "reader",
            lambda i, n: (COMMENTS_PANEL, {"id": busy, "after": None}),
            _present("node.commentThreads.nodes"),
            floor=lambda i: f"/floor/comments?section={busy}",
        ),
        Op(
            "consultation_report",
            f"the consultation report of the consultation draft "
            f"({targets['document_comments']} comments on the document)",
            "reader",
            lambda i, n: (
                CONSULTATION_REPORT,
                {"documentId": targets["document_id"], "snapshotId": targets["snapshot_id"]},
            ),
            _present("consultationReport.sections"),
            floor=lambda i: f"/floor/report?snapshot={targets['snapshot_id']}",
        ),
    ]


def _typename(field_name: str, wanted: str) -> Callable[[dict[str, Any]], str | None]:
    def check(data: dict[str, Any]) -> str | None:
        got = (data.get(field_name) or {}).get("__typename")
        if got == wanted or (field_name == "saveSection" and got == "VersionConflict"):
            return None
        return f"{field_name}: {got} {(data.get(field_name) or {}).get('message', '')}".strip()

    return check


_MARK = re.compile(r" \(rev\. \d+\)$")


def save_op(sections: list[dict[str, Any]]) -> Op:
    """Editors each keep to a paragraph of their own; clients that share a section get merged."""
    state = [dict(s) for s in sections]

    def request(i: int, n: int) -> Request:
        section = state[i % len(state)]
        paragraphs = section["body"].rstrip("\n").split("\n\n")
        p = (i // len(state)) % len(paragraphs)
        paragraphs[p] = _MARK.sub("", paragraphs[p]) + f" (rev. {n})"
        variables = {
            "input": {
                "sectionId": section["id"],
                "baseVersion": section["version"],
                "title": section["title"],
                "body": "\n\n".join(paragraphs) + "\n",
                "summary": "Benchmark",
            }
        }
        return SAVE_SECTION, variables

    def after(i: int, data: dict[str, Any]) -> None:
        result = data["saveSection"]
        section = state[i % len(state)]
        if result["__typename"] == "SectionSaved":
            section["version"] = result["section"]["version"]
            section["body"] = result["section"]["body"]
            op.count("merged" if result["merged"] else "saved")
        elif result["__typename"] == "VersionConflict":
            section["version"] = result["currentVersion"]
            section["body"] = result["current"]
            op.count("conflict")

    op = Op(
        "save_section",
        f"save a section (each client its own paragraph, {len(state)} sections)",
        "editor",
        request,
        _typename("saveSection", "SectionSaved"),
        after=after,
        write=True,
    )
    return op


def comment_op(sections: list[dict[str, Any]]) -> Op:
    """Commenters comment on the head version; every other comment is anchored to a sentence."""
    sentence = re.compile(r"[^.!?\n]{40,200}[.!?]")
    anchors = []
    for s in sections:
        plain = markdown.plain_text(s["body"])
        anchors.append([selector_for(plain, m.start(), m.end()) for m in sentence.finditer(plain)])
    rng = random.Random(5)

    def request(i: int, n: int) -> Request:
        k = i % len(sections)
        section = sections[k]
        comment: dict[str, Any] = {
            "sectionId": section["id"],
            "version": section["version"],
            "body": text.remark(rng, "Vi"),
        }
        if n % 2 == 0 and anchors[k]:
            quote = anchors[k][n % len(anchors[k])]
            comment["anchor"] = {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix}
        return ADD_COMMENT, {"input": comment}

    return Op(
        "add_comment",
        "add a comment (half of them anchored to a passage)",
        "commenter",
        request,
        _typename("addComment", "CommentAdded"),
        write=True,
    )


def sign_in_op(emails: list[str], password: str) -> Op:
    return Op(
        "sign_in",
        "sign in (argon2id password check, new session)",
        "anonymous",
        lambda i, n: (SIGN_IN, {"email": emails[(i + n) % len(emails)], "password": password}),
        _typename("signIn", "SignedIn"),
        write=True,
    )


RECORD_DECISION = """
mutation RecordDecision($input: RecordDecisionInput!) {
  recordDecision(input: $input) {
    __typename
    ... on DecisionRecorded { round { id state } }
    ... on UserError { message }
  }
}"""


def decision_op(round_id: str, organization_ids: list[str]) -> Op:
    """Approvers change their organisation's decision on an open round; one party never decides,
    so the round stays open. Client ``i`` acts for ``organization_ids[i % len]`` (its session's)."""
    rng = random.Random(7)

    def request(i: int, n: int) -> Request:
        with_remarks = n % 2 == 0
        decision = {
            "roundId": round_id,
            "organizationId": organization_ids[i % len(organization_ids)],
            "decision": "APPROVE_WITH_REMARKS" if with_remarks else "APPROVE",
            "remarks": text.remark(rng, "Vi") if with_remarks else "",
            "internalNote": f"Behandlet i direktionen (benchmark {n})",
        }
        return RECORD_DECISION, {"input": decision}

    return Op(
        "record_decision",
        f"record a decision in a written process ({len(organization_ids)} approvers changing their decisions)",
        "approver",
        request,
        _typename("recordDecision", "DecisionRecorded"),
        write=True,
    )
