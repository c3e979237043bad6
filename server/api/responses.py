"""GraphQL for a party's response in the making: general remarks and the response letter.

The letter itself goes up and down over plain HTTP (``server/responses/routes.py``): upload with
``POST /responses/letter?consultationId=…&filename=…``, download at ``ResponseLetter.url``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

import strawberry

from server import ids
from server.api.accounts import User, user_field
from server.api.context import Info
from server.api.errors import Errors, run_workflow
from server.api.node import from_model
from server.responses import model as domain
from server.responses import service
from server.responses.routes import LETTER_UPLOAD


@strawberry.type(description="A response letter (PDF or Word) attached to a party's response.")
class ResponseLetter:
    model: strawberry.Private[domain.Letter]
    id: strawberry.ID
    filename: str
    size: int = strawberry.field(description="In bytes.")
    media_type: str
    url: str = strawberry.field(description="Where to download it (the same permissions as the response).")
    uploaded_at: datetime

    @classmethod
    def of(cls, letter: domain.Letter) -> ResponseLetter:
        return from_model(
            cls, letter, id=strawberry.ID(ids.encode("ResponseLetter", letter.file_id)), url=service.letter_url(letter)
        )

    uploaded_by: User | None = user_field(lambda letter: letter.uploaded_by)


@strawberry.type(
    description="Your organisation's general remarks and response letter for a consultation, as last saved: "
    "seen only inside your organisation until your response is submitted."
)
class ResponseDraft:
    model: strawberry.Private[domain.ResponseDraft]
    general_remarks: str
    remarks_saved_at: datetime | None
    letter: ResponseLetter | None
    letter_upload_url: str = strawberry.field(
        description="POST the letter's bytes here (add &filename=…): PDF or Word, at most 10 MB."
    )
    max_letter_bytes: int

    @classmethod
    def of(cls, draft: domain.ResponseDraft) -> ResponseDraft:
        consultation = ids.encode("Consultation", draft.consultation_id)
        return cls(
            model=draft,
            general_remarks=draft.general_remarks,
            remarks_saved_at=draft.remarks_at,
            letter=ResponseLetter.of(draft.letter) if draft.letter else None,
            letter_upload_url=f"{LETTER_UPLOAD}?consultationId={consultation}",
            max_letter_bytes=domain.MAX_LETTER_BYTES,
        )

    remarks_saved_by: User | None = user_field(lambda draft: draft.remarks_by)


@strawberry.type
class ResponsesQuery:
    @strawberry.field(description="Your organisation's response in the making to a consultation it is consulted in.")
    async def response_draft(self, info: Info, consultation_id: strawberry.ID) -> ResponseDraft | None:
        ctx = info.context
        found = await service.response_draft(ctx.store, ctx.caller(), ids.parse(consultation_id, "Consultation"))
        return ResponseDraft.of(found) if isinstance(found, domain.ResponseDraft) else None


@strawberry.type
class GeneralRemarksSaved:
    draft: ResponseDraft


@strawberry.type
class ResponseLetterRemoved:
    draft: ResponseDraft


P = TypeVar("P")
SaveGeneralRemarksResult = Annotated[GeneralRemarksSaved | Errors, strawberry.union("SaveGeneralRemarksResult")]
RemoveResponseLetterResult = Annotated[ResponseLetterRemoved | Errors, strawberry.union("RemoveResponseLetterResult")]


@strawberry.input
class SaveGeneralRemarksInput:
    consultation_id: strawberry.ID
    general_remarks: str = strawberry.field(description="Markdown; empty clears them.")


@strawberry.input
class RemoveResponseLetterInput:
    consultation_id: strawberry.ID


def _with_draft(payload: Callable[..., P]) -> Callable[[domain.ResponseDraft], P]:
    """A mutation's success: ``payload`` holding the response draft as it is now."""
    return lambda draft: payload(draft=ResponseDraft.of(draft))


@strawberry.type
class ResponsesMutation:
    @strawberry.mutation(
        description="Save your organisation's general remarks on a consultation (not tied to a section); they are "
        "sent with its response."
    )
    async def save_general_remarks(self, info: Info, input: SaveGeneralRemarksInput) -> SaveGeneralRemarksResult:
        return await run_workflow(
            info,
            service.save_general_remarks,
            ids.parse(input.consultation_id, "Consultation"),
            input.general_remarks,
            then=_with_draft(GeneralRemarksSaved),
        )

    @strawberry.mutation(description="Remove the response letter attached to your organisation's response.")
    async def remove_response_letter(self, info: Info, input: RemoveResponseLetterInput) -> RemoveResponseLetterResult:
        return await run_workflow(
            info,
            service.remove_letter,
            ids.parse(input.consultation_id, "Consultation"),
            then=_with_draft(ResponseLetterRemoved),
        )
