"""GraphQL for the høringsnotat: ``consultationReport(documentId, snapshotId)`` and ``Consultation.report``.

Both are compiled by ``server.consultations.report`` for the signed-in reader, the same model
the downloads render, so the page and the files say the same.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from bson import ObjectId

from server import ids, markdown
from server.api.accounts import Organization
from server.api.comments import Comment, CommentStatus
from server.api.consultations import Consultation, ConsultationParty
from server.api.context import Info
from server.api.drafting import Document, Section, Snapshot, section_field
from server.api.responses import ResponseLetter
from server.clock import COPENHAGEN
from server.comments import model as comments
from server.consultations import report as compiled
from server.responses import service as responses


@strawberry.type(description="A thread in the report: its first comment and the submitted replies to it.")
class ReportEntry:
    comment: Comment
    replies: list[Comment]

    @classmethod
    def of(cls, entry: comments.ReportEntry) -> ReportEntry:
        return cls(comment=Comment.of(entry.comment), replies=[Comment.of(r) for r in entry.replies])


@strawberry.type
class CommentStatusCount:
    status: CommentStatus  # type: ignore[valid-type]
    count: int


@strawberry.type
class OrganizationCommentCount:
    organization: Organization | None
    total: int
    by_status: list[CommentStatusCount]


@strawberry.type
class ReportOrganization:
    organization: Organization | None
    comments: list[Comment] = strawberry.field(description="The organisation's threads' first comments.")


@strawberry.type
class ReportSection:
    model: strawberry.Private[comments.ReportSection]
    key: str
    title: str
    version: int = strawberry.field(description="The section version frozen in the snapshot.")
    organizations: list[ReportOrganization]
    entries: list[ReportEntry] = strawberry.field(
        description="The responses' threads, each with its replies, by organisation in the report's order "
        "(one list, so that a query need not nest four lists deep)."
    )
    questions: list[ReportEntry] = strawberry.field(
        description="The steering group's own questions that a party answered, with the answers (not counted)."
    )

    section: Section | None = section_field(lambda part: part.section_id)


@strawberry.type(description="A party's general remarks: its response as a whole, not tied to a section.")
class GeneralRemarks:
    attachment_id: strawberry.Private[ObjectId | None]
    organization: Organization | None
    remarks: str = strawberry.field(description="Markdown; empty when the party sent only an attached letter.")
    responded_at: datetime
    late: bool
    has_attachment: bool = strawberry.field(description="The party attached a response letter (PDF or Word).")

    @strawberry.field(description="The response letter the party sent, with where to download it.")
    async def letter(self, info: Info) -> ResponseLetter | None:
        found = await responses.letter(info.context.store, info.context.caller(), self.attachment_id)
        return ResponseLetter.of(found) if found else None

    @strawberry.field(description="The remarks rendered safely.")
    async def remarks_html(self, info: Info) -> str:
        # Rendering Markdown can be slow: in a worker, off the event loop (server/workers.py).
        return await info.context.store.workers.run(markdown.render, self.remarks) if self.remarks.strip() else ""


@strawberry.type(description="A response that changed the text: accepted in full or in part, or taken in.")
class ReportChange:
    section_title: str
    comment: Comment


@strawberry.type(description="The høringsnotat of a consultation (or of a snapshot's comments), as you may see it.")
class ConsultationReport:
    document: Document
    snapshot: Snapshot
    consultation: Consultation | None = strawberry.field(
        description="The consultation reported on; null for a snapshot that was never sent for consultation."
    )
    snapshot_consultations: list[Consultation] = strawberry.field(
        description="Every consultation held on the snapshot, newest first; each has its own report "
        "(`consultationReport(documentId, snapshotId, consultationId)`)."
    )
    parties: list[ConsultationParty] = strawberry.field(description="The høringsliste with each party's status.")
    response_count: int = strawberry.field(description='Responses received, "ingen bemærkninger" included.')
    general_remarks: list[GeneralRemarks]
    sections: list[ReportSection]
    counts: list[OrganizationCommentCount]
    total: int
    changes: list[ReportChange]
    draft_answers: bool = strawberry.field(
        description="Answers shown include the steering group's unpublished drafts (steering group readers only)."
    )
    markdown_url: str
    html_url: str
    export_base: str = strawberry.field(description="The downloads without their extension: .docx, .pdf, .html, .md.")

    @classmethod
    def of(cls, found: compiled.ConsultationReport) -> ConsultationReport:
        def org(oid: ObjectId) -> Organization | None:
            o = found.organizations.get(oid)
            return Organization.of(o) if o else None

        report = found.report
        consultation = found.consultation
        if consultation is not None:
            base = f"/exports/consultations/{ids.encode('Consultation', consultation.id)}"
        else:
            base = f"/exports/consultation-reports/{ids.encode('Snapshot', found.snapshot.id)}"
        return cls(
            document=Document.of(found.document),
            snapshot=Snapshot.of(found.snapshot),
            consultation=Consultation.of(consultation) if consultation else None,
            snapshot_consultations=[Consultation.of(c) for c in found.on_snapshot],
            parties=[ConsultationParty.of(p, p.organization_id in found.published) for p in found.parties],
            response_count=found.response_count,
            general_remarks=[
                GeneralRemarks(
                    attachment_id=r.attachment_id,
                    organization=org(r.organization_id),
                    remarks=r.general_remarks,
                    responded_at=r.at.astimezone(COPENHAGEN),
                    late=r.late,
                    has_attachment=r.attachment_id is not None,
                )
                for r in found.responses
                if r.general_remarks.strip() or r.attachment_id is not None
            ],
            sections=[
                ReportSection(
                    model=s,
                    key=s.key,
                    title=s.title,
                    version=s.version,
                    organizations=[
                        ReportOrganization(
                            organization=org(g.organization_id), comments=[Comment.of(c) for c in g.comments]
                        )
                        for g in s.organizations
                    ],
                    entries=[ReportEntry.of(e) for g in s.organizations for e in g.entries],
                    questions=[ReportEntry.of(e) for e in s.questions],
                )
                for s in report.sections
            ],
            counts=[
                OrganizationCommentCount(
                    organization=org(c.organization_id),
                    total=c.total,
                    by_status=[CommentStatusCount(status=s, count=n) for s, n in c.by_status.items()],
                )
                for c in report.counts
            ],
            total=report.total,
            changes=[ReportChange(section_title=s.title, comment=Comment.of(c)) for s, c in compiled.changes(report)],
            draft_answers=found.shows_drafts and any(p.organization_id not in found.published for p in found.parties),
            markdown_url=f"{base}.md",
            html_url=f"{base}.html",
            export_base=base,
        )


async def consultation_report_of(info: Info, consultation_id: ObjectId) -> ConsultationReport | None:
    """``Consultation.report``: the høringsnotat of that consultation, as the signed-in user may see it."""
    ctx = info.context
    found = await compiled.consultation_report(ctx.store, ctx.caller(), consultation_id=consultation_id)
    return ConsultationReport.of(found) if isinstance(found, compiled.ConsultationReport) else None


@strawberry.type
class ReportsQuery:
    @strawberry.field(
        description="The høringsnotat of a consultation on a snapshot: the one named by `consultationId`, else "
        "the newest (for a snapshot never sent for consultation, of the comments on its versions), as you may "
        "see it. `snapshotConsultations` lists the consultations to choose from."
    )
    async def consultation_report(
        self,
        info: Info,
        document_id: strawberry.ID,
        snapshot_id: strawberry.ID,
        consultation_id: strawberry.ID | None = None,
    ) -> ConsultationReport | None:
        ctx = info.context
        document_oid = ids.parse(document_id, "Document")
        snapshot_oid = ids.parse(snapshot_id, "Snapshot")
        consultation_oid = ids.parse(consultation_id, "Consultation") if consultation_id is not None else None
        if document_oid is None or snapshot_oid is None or (consultation_id is not None and consultation_oid is None):
            return None
        found = await compiled.consultation_report(
            ctx.store,
            ctx.caller(),
            snapshot_id=snapshot_oid,
            document_id=document_oid,
            consultation_id=consultation_oid,
        )
        return ConsultationReport.of(found) if isinstance(found, compiled.ConsultationReport) else None
