"""Issue 18's "Done when", end to end over the API: a consultation on "Udgave 1 – Høringsudkast".

The secretariat sends the strategy for consultation to KL, Danske Regioner, PLO and the five
regions. KL drafts (a proposal, a remark and a reply to the steering group's question, general
remarks and a response letter), previews what it will send and submits it; Danske Regioner submits a remark; PLO answers "ingen
bemærkninger"; Region Hovedstaden (and the other regions) stay silent. The steering group answers
— unseen by the parties — and the secretariat publishes. The consultation closes at its deadline,
and the text moves on to a newer snapshot. The høringsnotat of the consultation still holds every
response, lists all eight parties with their status, and says the same on the web (GraphQL), in
Markdown, HTML, Word (printed by LibreOffice) and PDF.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.api.drafting_support import org_ids
from tests.api.printed import keep_pages, pdf_pages, word_to_pdf
from tests.api.test_consultation_report import APPLY, RESPOND, SNAPSHOT, _anchor, _plain, _strategy_copy
from tests.support import KL_COMMENTER, PLO_COMMENTER, REGIONS_COMMENTER, SDS, SECRETARIAT, Api, ManualClock

AsUser = Callable[[str], Awaitable[Api]]

CONSULTED = (
    "kl",
    "danske-regioner",
    "plo",
    "region-nordjylland",
    "region-midtjylland",
    "region-syddanmark",
    "region-sjaelland",
    "region-hovedstaden",
)
LETTER = (
    "Sundhedsdatastyrelsen sender på vegne af styregruppen **Udgave 1 – Høringsudkast** af strategien i høring. "
    "Formålet er at få parternes bemærkninger, før strategien forelægges bestyrelsen."
)
KL_PROPOSAL = "Data fra hjemmemålinger skal kunne indgå i behandlingen, når borgeren ønsker det."
KL_REMARK = "KL foreslår, at kommunernes sundhedstilbud nævnes eksplicit i afsnittet."
KL_REPLY = "Kommunerne bidrager gennem den fælleskommunale rammearkitektur."
QUESTION = "Hvordan forestiller KL sig, at kommunerne bidrager til den fælles infrastruktur?"
REGIONS_REMARK = "Danske Regioner ønsker ansvarsfordelingen mellem sektorerne beskrevet nærmere."
REGIONS_ANSWER = "Styregruppen præciserer ansvarsfordelingen i indledningen."
KL_GENERAL = "KL støtter strategiens retning og lægger vægt på, at kommunerne inddrages i implementeringen."
PDF = b"%PDF-1.7\n%%EOF\n"

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id submitted } } ... on UserError { message } } }"""
PREVIEW = """query($id: ID!) { document(id: $id) { submissionPreview { count canSubmit
  sections { title count comments { id body } } } } }"""
SUBMIT = """mutation($d: ID!, $n: Int!) { submitOrganisationComments(documentId: $d, expectedCount: $n) {
  __typename ... on CommentsSubmitted { comments { id } } ... on UserError { message } } }"""
REPORT = """query($id: ID!) { consultation(id: $id) { state report {
  responseCount total exportBase draftAnswers
  parties { organization { slug name } status noResponse late }
  sections { title entries { comment { id body status response appliedVersion organization { slug } }
    replies { id body organization { slug } } }
    questions { comment { id body } replies { id body organization { slug } } } }
  generalRemarks { organization { slug } remarks remarksHtml late hasAttachment }
  changes { sectionTitle comment { id } } } } }"""
PARTY_STATUS = {"RESPONDED": "Har svaret", "NO_REMARKS": "Ingen bemærkninger"}


async def _add(api: Api, section: dict[str, Any], body: str, **extra: Any) -> dict[str, Any]:
    data = await api.execute(ADD, {"input": {"sectionId": section["id"], "version": 1, "body": body, **extra}})
    assert data["addComment"]["__typename"] == "CommentAdded", data
    return data["addComment"]["comment"]  # type: ignore[no-any-return]


async def _submit_after_preview(api: Api, document: str, expected: list[str]) -> None:
    """Preview what the organisation sends, then send exactly that, confirmed by its count."""
    preview = (await api.execute(PREVIEW, {"id": document}))["document"]["submissionPreview"]
    previewed = [c["body"] for s in preview["sections"] for c in s["comments"]]
    assert sorted(previewed) == sorted(expected) and preview["count"] == len(expected), preview
    assert all(s["title"] for s in preview["sections"])
    sent = await api.execute(SUBMIT, {"d": document, "n": preview["count"]})
    assert sent["submitOrganisationComments"]["__typename"] == "CommentsSubmitted", sent
    assert len(sent["submitOrganisationComments"]["comments"]) == len(expected)


async def _report(api: Api, consultation: str) -> dict[str, Any]:
    return (await api.execute(REPORT, {"id": consultation}))["consultation"]  # type: ignore[no-any-return]


async def test_a_consultation_from_høringsudkast_to_høringsnotat(
    as_user: AsUser, clock: ManualClock, tmp_path: Path
) -> None:
    sec, sds = await as_user(SECRETARIAT), await as_user(SDS)
    kl, regions, plo = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER), await as_user(PLO_COMMENTER)
    doc = await _strategy_copy(sec, direct_submission=False)
    intro, citizen, _, screening = doc["sections"]
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]["id"]
    opened = await sec.execute(
        """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
             __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }""",
        {
            "input": {
                "snapshotId": snapshot,
                "deadline": (clock.now() + timedelta(days=21)).isoformat(),
                "organizationIds": await org_ids(sec, *CONSULTED),
                "letter": LETTER,
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    consultation = opened["openConsultation"]["consultation"]["id"]

    # The steering group asks; KL drafts two comments and a reply, previews and sends all three.
    question = await _add(sds, screening, QUESTION)
    anchor = _anchor(citizen["body"], "være en vigtig støtte")
    proposal = await _add(kl, citizen, "Hjemmemålinger bør nævnes.", anchor=anchor, proposedText=KL_PROPOSAL)
    remark = await _add(kl, intro, KL_REMARK)
    reply = await _add(kl, screening, KL_REPLY, parentId=question["id"])
    assert not (proposal["submitted"] or remark["submitted"] or reply["submitted"])  # KL's drafts, for now
    saved = await kl.execute(
        """mutation($i: SaveGeneralRemarksInput!) { saveGeneralRemarks(input: $i) { __typename } }""",
        {"i": {"consultationId": consultation, "generalRemarks": KL_GENERAL}},
    )
    assert saved["saveGeneralRemarks"]["__typename"] == "GeneralRemarksSaved", saved
    letter = await kl.http.post(
        "/responses/letter", params={"consultationId": consultation, "filename": "KL-hoeringssvar.pdf"}, content=PDF
    )
    assert letter.status_code == 200, letter.text
    await _submit_after_preview(kl, doc["id"], ["Hjemmemålinger bør nævnes.", KL_REMARK, KL_REPLY])
    regions_remark = await _add(regions, intro, REGIONS_REMARK)
    await _submit_after_preview(regions, doc["id"], [REGIONS_REMARK])
    [plo_id] = await org_ids(plo, "plo")
    answered = await plo.execute(
        """mutation($input: ConsultationPartyInput!) { respondNoRemarks(input: $input) { __typename } }""",
        {"input": {"consultationId": consultation, "organizationId": plo_id}},
    )
    assert answered["respondNoRemarks"]["__typename"] == "ConsultationAnswered"

    # The steering group answers; the parties do not see the answers until they are published.
    assert (await sds.execute(APPLY, {"input": {"commentId": proposal["id"]}}))["applyProposal"]["__typename"] == (
        "ProposalApplied"
    )
    answer = {"commentId": regions_remark["id"], "status": "PARTLY_ACCEPTED", "response": REGIONS_ANSWER}
    assert (await sds.execute(RESPOND, {"input": answer}))["respondToComment"]["__typename"] == "CommentAnswered"
    noted = {"commentId": remark["id"], "status": "NOTED", "response": ""}
    assert (await sds.execute(RESPOND, {"input": noted}))["respondToComment"]["__typename"] == "CommentAnswered"
    for party in (kl, regions):
        seen = (await _report(party, consultation))["report"]
        assert {e["comment"]["status"] for s in seen["sections"] for e in s["entries"]} == {"OPEN"}
        assert REGIONS_ANSWER not in (await party.http.get(f"{seen['exportBase']}.md")).text
    assert (await _report(sec, consultation))["report"]["draftAnswers"] is True
    published = await sec.execute(
        """mutation($input: PublishAnswersInput!) { publishAnswers(input: $input) { __typename } }""",
        {"input": {"consultationId": consultation}},
    )
    assert published["publishAnswers"]["__typename"] == "AnswersPublished"

    # The deadline passes, and the text moves on to a newer snapshot.
    clock.advance(timedelta(days=22))
    newer = await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Efter høring"}})
    assert newer["createSnapshot"]["snapshot"]["id"] != snapshot

    found = await _report(kl, consultation)
    assert found["state"] == "CLOSED"
    report = found["report"]
    assert [p["organization"]["slug"] for p in report["parties"]] == list(CONSULTED)
    status = {p["organization"]["slug"]: "NO_RESPONSE" if p["noResponse"] else p["status"] for p in report["parties"]}
    assert status == {
        "kl": "RESPONDED",
        "danske-regioner": "RESPONDED",
        "plo": "NO_REMARKS",
        **{slug: "NO_RESPONSE" for slug in CONSULTED[3:]},
    }
    assert report["responseCount"] == 3 and report["total"] == 3  # PLO's "ingen bemærkninger" is a response
    entries = {e["comment"]["id"]: e for s in report["sections"] for e in s["entries"]}
    assert set(entries) == {proposal["id"], remark["id"], regions_remark["id"]}
    assert entries[proposal["id"]]["comment"]["appliedVersion"] == 2
    assert entries[regions_remark["id"]]["comment"]["response"] == REGIONS_ANSWER
    assert report["generalRemarks"] == [
        {
            "organization": {"slug": "kl"},
            "remarks": KL_GENERAL,
            "remarksHtml": f"<p>{KL_GENERAL}</p>\n",
            "late": False,
            "hasAttachment": True,
        }
    ]
    [asked] = [q for s in report["sections"] for q in s["questions"]]
    assert asked["comment"]["id"] == question["id"] and [r["id"] for r in asked["replies"]] == [reply["id"]]

    # Every format says the same: the parties with their status, every response, the answers.
    base = report["exportBase"]
    assert base == f"/exports/consultations/{consultation}"
    by_snapshot = await kl.execute(
        "query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) { exportBase total } }",
        {"d": doc["id"], "s": snapshot},
    )
    assert by_snapshot["consultationReport"] == {"exportBase": base, "total": 3}
    formats = {
        "md": _plain((await kl.http.get(f"{base}.md")).text),
        "html": _plain((await kl.http.get(f"{base}.html")).text),
    }
    word = await kl.http.get(f"{base}.docx")
    printed = word_to_pdf(word.content, tmp_path, "hoeringsnotat-sag")
    keep_pages(printed, "hoeringsnotat-sag")
    pages = pdf_pages(printed)
    sizes = [len("".join(page.split())) for page in pages]
    assert all(size >= 600 for size in sizes[:-1]), sizes  # no near-empty page before the last
    formats["docx"] = _plain("\n".join(pages))
    filed = await kl.http.get(f"{base}.pdf")
    assert filed.status_code == 200 and filed.content.startswith(b"%PDF")
    names = {p["organization"]["slug"]: p["organization"]["name"] for p in report["parties"]}
    said = [
        *(f"{names[slug]}: {PARTY_STATUS.get(s, 'Intet svar')}" for slug, s in status.items()),
        "Høringssvar: 3 af 8 hørte parter",
        "Formålet er at få parternes bemærkninger",
        "Generelle bemærkninger",
        KL_GENERAL,
        "Organisationen har vedlagt et høringssvar som bilag.",
        KL_PROPOSAL,
        KL_REMARK,
        KL_REPLY,
        QUESTION,
        REGIONS_REMARK,
        REGIONS_ANSWER,
        "Imødekommet – Indarbejdet i version 2",
        "Taget til efterretning",
        "Behandlet uden yderligere bemærkninger.",
    ]
    missing = {kind: [s for s in map(_plain, said) if s not in text] for kind, text in formats.items()}
    assert missing == {"md": [], "html": [], "docx": []}
    assert "Kasper Kommentar" not in formats["md"]  # attributed to KL, not to the employee
