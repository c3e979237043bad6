"""A party's response in the making: its general remarks and its response letter, as plain data.

Before a consulted organisation submits, its people draft *general remarks* (organisation-level,
not anchored to a section) and may attach a *response letter* (a PDF or Word file). Both belong
to the organisation: nobody outside it sees them before submission. Submitting puts them into the
party's ``Response`` (``server.consultations``), after which they no longer change.

Every change is a new entry (who, when, the new text or letter); the newest entry is the draft.
Nothing is overwritten, so two colleagues saving at once never lose an entry, and the history is
kept.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bson import ObjectId

from server.validation import InputProblem, first_problem, text_problem

MAX_REMARKS = 50_000
MAX_LETTER_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 200


class LetterType(StrEnum):
    PDF = "PDF"
    DOCX = "DOCX"


MEDIA_TYPES = {
    LetterType.PDF: "application/pdf",
    LetterType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {LetterType.PDF: "pdf", LetterType.DOCX: "docx"}


@dataclass(frozen=True)
class Letter:
    """A response letter as stored: the file (in GridFS) and what is known of it."""

    file_id: ObjectId
    filename: str
    type: LetterType
    size: int
    uploaded_at: datetime
    uploaded_by: ObjectId | None

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.type]


@dataclass(frozen=True)
class ResponseDraft:
    """The organisation's general remarks and letter for a consultation, as last saved."""

    consultation_id: ObjectId
    organization_id: ObjectId
    general_remarks: str
    remarks_at: datetime | None
    remarks_by: ObjectId | None
    letter: Letter | None

    @property
    def empty(self) -> bool:
        return not self.general_remarks.strip() and self.letter is None


def letter_type(data: bytes) -> LetterType | None:
    """What the file is by its content (never by its name): PDF or Word (.docx). Word 97–2003 files
    (.doc) are not taken: they are a container other programs use too, and Word saves .docx."""
    if data.startswith(b"%PDF-"):
        return LetterType.PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return LetterType.DOCX if {"[Content_Types].xml", "word/document.xml"} <= names else None
    return None


def letter_problem(filename: str, data: bytes) -> InputProblem | None:
    """Why ``data`` cannot be a response letter named ``filename``; None when it can."""
    if len(data) > MAX_LETTER_BYTES:
        return InputProblem("file", "letter_too_large", {"megabytes": MAX_LETTER_BYTES // (1024 * 1024)})
    if not data:
        return InputProblem("file", "letter_empty", {})
    problem = filename_problem(filename)
    if problem:
        return problem
    found = letter_type(data)
    if found is None:
        return InputProblem("file", "letter_type", {})
    if not filename.lower().endswith(f".{EXTENSIONS[found]}"):
        return InputProblem("filename", "letter_name_mismatch", {"extension": f".{EXTENSIONS[found]}"})
    return None


def filename_problem(filename: str) -> InputProblem | None:
    problem = text_problem("filename", filename, MAX_FILENAME)
    if problem:
        return problem
    if any(ord(ch) < 32 or ch in '/\\"' for ch in filename):
        return InputProblem("filename", "letter_filename", {})
    return None


def remarks_problem(text: str) -> InputProblem | None:
    return first_problem(text_problem("generalRemarks", text, MAX_REMARKS, required=False))
