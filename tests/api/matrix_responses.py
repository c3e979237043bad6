"""Permission matrix cases for a party's response in the making: general remarks, the letter."""

from __future__ import annotations

from typing import Any

from tests.api.matrix import Case, World, op
from tests.api.matrix_consultations import KL_ANSWERS, _consultation

PDF = b"%PDF-1.7\n%%EOF\n"


async def _remarks(world: World, actor: str) -> dict[str, Any]:
    consultation_id, _ = await _consultation(world)
    return {"input": {"consultationId": consultation_id, "generalRemarks": "Overordnet støtter vi udkastet."}}


async def _with_letter(world: World, actor: str) -> dict[str, Any]:
    """KL has attached a letter to its response in the making."""
    consultation_id, _ = await _consultation(world)
    client = await world.client("kl_commenter")
    try:
        uploaded = await client.http.post(
            "/responses/letter", params={"consultationId": consultation_id, "filename": "brev.pdf"}, content=PDF
        )
    finally:
        await client.close()
    assert uploaded.status_code == 200, uploaded.text
    return {"input": {"consultationId": consultation_id}}


CASES = [
    Case(
        "saveGeneralRemarks",
        op("saveGeneralRemarks", "SaveGeneralRemarksInput"),
        _remarks,
        KL_ANSWERS,
        success="GeneralRemarksSaved",
    ),
    Case(
        "removeResponseLetter",
        op("removeResponseLetter", "RemoveResponseLetterInput"),
        _with_letter,
        KL_ANSWERS,
        success="ResponseLetterRemoved",
    ),
]
