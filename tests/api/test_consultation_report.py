"""The høringsnotat as its readers get it: web data, Markdown, HTML, Word and PDF, read back as printed."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx

from server import ids
from server.comments.anchoring import selector_for
from server.markdown import plain_text
from server.store import Store, stamp_older_comments
from tests.api.drafting_support import _n, org_ids
from tests.api.printed import ARTIFACTS, keep_pages, pdf_pages, word_to_pdf, words
from tests.support import KL_COMMENTER, PLO_COMMENTER, REGIONS_COMMENTER, SDS, SECRETARIAT, Api, ManualClock

AsUser = Callable[[str], Awaitable[Api]]

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id } } ... on UserError { message } } }"""
RESPOND = """mutation($input: RespondToCommentInput!) { respondToComment(input: $input) {
  __typename ... on UserError { message } } }"""
APPLY = """mutation($input: ApplyProposalInput!) { applyProposal(input: $input) {
  __typename ... on UserError { message } } }"""
SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  ... on SnapshotCreated { snapshot { id } } } }"""
REPORT = """query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) {
  total exportBase counts { organization { slug } total }
  sections { title entries {
      comment { id status response appliedVersion } replies { id organization { slug } } }
    questions { comment { id organization { slug } } replies { id organization { slug } } } } } }"""

KL_PROPOSAL = "Data fra hjemmemålinger skal kunne indgå i behandlingen, når borgeren ønsker det."
REGIONS_REMARK = (
    "Danske Regioner foreslår, at ansvarsfordelingen mellem sygehuse, kommuner og almen praksis "
    "beskrives nærmere, så borgerne ved, hvem de skal henvende sig til."
)
REGIONS_ANSWER = "Styregruppen præciserer ansvarsfordelingen i afsnittets indledning."
PLO_REMARK = "PLO bemærker, at de praktiserende læger skal inddrages tidligt i arbejdet med fælles løsninger."
SDS_QUESTION = "Hvordan forestiller KL sig, at kommunerne bidrager til den fælles infrastruktur?"
KL_REPLY = "Kommunerne bidrager gennem den fælleskommunale rammearkitektur og de lokale implementeringer."


async def _strategy_copy(sec: Api, *, direct_submission: bool = True) -> dict[str, Any]:
    """A fresh strategy with the seeded strategy's first four sections, KL, Danske Regioner and PLO taking part.

    With ``direct_submission`` commenters' comments are sent at once (no drafts to submit).
    """
    seeded = await sec.execute('{ document(slug: "strategi-digital-sundhed-2018-2022") { sections { title body } } }')
    created = await sec.execute(
        """mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
             ... on DocumentCreated { document { id } } } }""",
        {
            "input": {
                "title": "Strategi for digital sundhed 2018-2022",
                "kind": "STRATEGY",
                "slug": f"strategi-hoering-{next(_n)}-{id(sec)}",
                "participantIds": await org_ids(sec, "kl", "danske-regioner", "plo"),
            }
        },
    )
    document = created["createDocument"]["document"]["id"]
    if direct_submission:
        await sec.execute(
            """mutation($input: UpdateDocumentSettingsInput!) { updateDocumentSettings(input: $input) {
                 __typename } }""",
            {"input": {"documentId": document, "directSubmission": True}},
        )
    sections = []
    for section in seeded["document"]["sections"][:4]:
        added = await sec.execute(
            """mutation($input: AddSectionInput!) { addSection(input: $input) {
                 ... on SectionAdded { section { id title body } } } }""",
            {"input": {"documentId": document, **section}},
        )
        sections.append(added["addSection"]["section"])
    return {"id": document, "sections": sections}


def _anchor(body: str, passage: str) -> dict[str, str]:
    text = plain_text(body)
    start = text.index(passage)
    quote = selector_for(text, start, start + len(passage))
    return {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix}


async def _add(api: Api, section: dict[str, Any], body: str, **extra: Any) -> str:
    data = await api.execute(ADD, {"input": {"sectionId": section["id"], "version": 1, "body": body, **extra}})
    assert data["addComment"]["__typename"] == "CommentAdded", data
    return data["addComment"]["comment"]["id"]  # type: ignore[no-any-return]


async def _consulted(as_user: AsUser) -> dict[str, Any]:
    """Udgave 1 commented on by KL, Danske Regioner and PLO, with the steering group's question and answers."""
    sec, sds = await as_user(SECRETARIAT), await as_user(SDS)
    kl, regions, plo = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER), await as_user(PLO_COMMENTER)
    doc = await _strategy_copy(sec)
    intro, citizen, data, screening = doc["sections"]
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]["id"]
    passage = "være en vigtig støtte"
    anchor = _anchor(citizen["body"], passage)
    proposal = await _add(kl, citizen, "Hjemmemålinger bør nævnes.", anchor=anchor, proposedText=KL_PROPOSAL)
    regions_remark = await _add(regions, intro, REGIONS_REMARK)
    plo_remark = await _add(plo, data, PLO_REMARK)
    question = await _add(sds, screening, SDS_QUESTION)
    await _add(kl, screening, KL_REPLY, parentId=question)
    assert (await sds.execute(APPLY, {"input": {"commentId": proposal}}))["applyProposal"]["__typename"] == (
        "ProposalApplied"
    )
    answer = {"commentId": regions_remark, "status": "PARTLY_ACCEPTED", "response": REGIONS_ANSWER}
    assert (await sds.execute(RESPOND, {"input": answer}))["respondToComment"]["__typename"] == "CommentAnswered"
    noted = {"commentId": plo_remark, "status": "NOTED", "response": ""}
    assert (await sds.execute(RESPOND, {"input": noted}))["respondToComment"]["__typename"] == "CommentAnswered"
    # The next snapshot freezes the text after the consultation; the report of Udgave 1 is unchanged by it.
    await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Efter høring"}})
    return {"document": doc["id"], "snapshot": snapshot, "question": question}


async def test_the_report_words_every_answer_one_way_and_keeps_replies_in_every_format(as_user: AsUser) -> None:
    sec = await as_user(SECRETARIAT)
    case = await _consulted(as_user)
    data = (await sec.execute(REPORT, {"d": case["document"], "s": case["snapshot"]}))["consultationReport"]
    assert data["total"] == 3  # the steering group's own question is not a response
    assert sorted(c["organization"]["slug"] for c in data["counts"]) == ["danske-regioner", "kl", "plo"]
    [questions] = [s["questions"] for s in data["sections"] if s["questions"]]
    [question] = questions
    assert question["comment"]["id"] == case["question"]
    assert [r["organization"]["slug"] for r in question["replies"]] == ["kl"]
    applied = [e["comment"]["appliedVersion"] for s in data["sections"] for e in s["entries"]]
    assert 2 in applied

    base = data["exportBase"]
    markdown = (await sec.http.get(f"{base}.md")).text
    printable = (await sec.http.get(f"{base}.html")).text
    for rendered in (markdown, printable):
        assert "Indarbejdet i version 2" in rendered
        assert "Behandlet uden yderligere bemærkninger." in rendered  # PLO's, noted without text
        assert "Endnu ikke besvaret" not in rendered
        assert KL_REPLY in rendered and SDS_QUESTION in rendered
        assert "KL – Kommunernes Landsforening" in rendered
        assert "Kasper Kommentar" not in rendered  # attributed to the organisation, not the employee
    assert "Rikke Regionskommentar" in (await sec.http.get(f"{base}.md?names=1")).text  # the secretariat's choice
    for label in ("Tekststykke:", "Bemærkning:", "Behandling:", "Styregruppens svar:"):
        assert f"**{label}**" in markdown and label in printable


async def test_the_word_report_prints_fit_to_send(as_user: AsUser, tmp_path: Path) -> None:
    """Rendered by LibreOffice and read back by pdftotext: whole words, no near-empty page, numbered pages."""
    sec = await as_user(SECRETARIAT)
    case = await _consulted(as_user)
    base = f"/exports/consultation-reports/{case['snapshot']}"
    word = await sec.http.get(f"{base}.docx")
    assert word.status_code == 200
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hoeringsnotat.docx").write_bytes(word.content)
    assert docx.Document(io.BytesIO(word.content)).tables[1:] == []  # only the facts atop page 1 are a table
    pdf = word_to_pdf(word.content, tmp_path, "hoeringsnotat")
    keep_pages(pdf, "hoeringsnotat")
    pages = pdf_pages(pdf)
    sizes = [len("".join(page.split())) for page in pages]
    assert len(pages) >= 2 and all(size >= 600 for size in sizes[:-1]) and sizes[-1] >= 100, sizes
    assert "Side 1 af" in pages[0] and "Høringsnotat: Strategi for digital sundhed 2018-2022 –" in pages[0]
    printed = words("\n".join(pages))
    expected = [
        *"KL Kommunernes Landsforening Danske Regioner PLO Praktiserende Lægers Organisation".split(),
        *"Sundhedsdatastyrelsen Imødekommet Delvist imødekommet Taget til efterretning".split(),
        *"Indarbejdet Behandlet uden yderligere bemærkninger Tekststykke Bemærkning Behandling".split(),
        *"Styregruppens svar Ændringsforslag ansvarsfordelingen".split(),
    ]
    assert [w for w in expected if w not in printed] == []

    filed = await sec.http.get(f"{base}.pdf")
    assert filed.status_code == 200 and filed.headers["content-type"] == "application/pdf"
    assert filed.content.startswith(b"%PDF") and b"pdfaid:part" in filed.content  # PDF/A for filing
    (ARTIFACTS / "hoeringsnotat.pdf").write_bytes(filed.content)


# The report of a consultation


OPEN = """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }"""
CONSULTATION_REPORT = """query($id: ID!) { consultation(id: $id) { report {
  responseCount total draftAnswers exportBase
  consultation { id state }
  parties { organization { slug name } status noResponse late }
  sections { entries { comment { id body status response appliedVersion } } }
  changes { sectionTitle comment { id } } } } }"""
LETTER = "Sundhedsdatastyrelsen sender hermed udkastet i høring. Formålet er at få parternes bemærkninger."
CONSULTED = ("kl", "danske-regioner", "plo", "region-hovedstaden")


def _plain(text: str) -> str:
    """What a format says, without its markup: for comparing what the formats say."""
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags
    text = html.unescape(re.sub(r"[*_>#\\]", "", text))  # Markdown emphasis, quotes, headings, escapes
    return " ".join(text.replace(":", " ").split())  # a label's colon, or the cell that stands for it


async def _consultation(as_user: AsUser, clock: ManualClock) -> dict[str, Any]:
    """Udgave 1 in consultation with KL, Danske Regioner, PLO and Region Hovedstaden; the responses and answers."""
    sec, sds = await as_user(SECRETARIAT), await as_user(SDS)
    kl, regions, plo = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER), await as_user(PLO_COMMENTER)
    doc = await _strategy_copy(sec)
    intro, citizen, _, screening = doc["sections"]
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]["id"]
    deadline = clock.now() + timedelta(days=14)
    opened = await sec.execute(
        OPEN,
        {
            "input": {
                "snapshotId": snapshot,
                "deadline": deadline.isoformat(),
                "organizationIds": await org_ids(sec, *CONSULTED),
                "letter": LETTER,
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    consultation = opened["openConsultation"]["consultation"]["id"]
    anchor = _anchor(citizen["body"], "være en vigtig støtte")
    proposal = await _add(kl, citizen, "Hjemmemålinger bør nævnes.", anchor=anchor, proposedText=KL_PROPOSAL)
    remark = await _add(regions, intro, REGIONS_REMARK)
    question = await _add(sds, screening, SDS_QUESTION)
    await _add(kl, screening, KL_REPLY, parentId=question)
    [plo_id] = await org_ids(plo, "plo")
    answered = await plo.execute(
        """mutation($input: ConsultationPartyInput!) { respondNoRemarks(input: $input) { __typename } }""",
        {"input": {"consultationId": consultation, "organizationId": plo_id}},
    )
    assert answered["respondNoRemarks"]["__typename"] == "ConsultationAnswered"
    assert (await sds.execute(APPLY, {"input": {"commentId": proposal}}))["applyProposal"]["__typename"] == (
        "ProposalApplied"
    )
    answer = {"commentId": remark, "status": "PARTLY_ACCEPTED", "response": REGIONS_ANSWER}
    assert (await sds.execute(RESPOND, {"input": answer}))["respondToComment"]["__typename"] == "CommentAnswered"
    return {
        "document": doc["id"],
        "snapshot": snapshot,
        "consultation": consultation,
        "proposal": proposal,
        "remark": remark,
    }


async def test_answers_reach_the_parties_report_only_once_published(as_user: AsUser, clock: ManualClock) -> None:
    sec, kl = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    case = await _consultation(as_user, clock)
    base = f"/exports/consultations/{case['consultation']}"

    steering = (await sec.http.get(f"{base}.md")).text
    assert "Indarbejdet i version 2 (udkast, ikke offentliggjort)" in steering
    assert REGIONS_ANSWER in steering
    party = (await kl.http.get(f"{base}.md")).text
    assert "Indarbejdet" not in party and REGIONS_ANSWER not in party and "Delvist imødekommet" not in party
    assert "Endnu ikke behandlet." in party and KL_PROPOSAL in party
    data = (await kl.execute(CONSULTATION_REPORT, {"id": case["consultation"]}))["consultation"]["report"]
    statuses = {e["comment"]["status"] for s in data["sections"] for e in s["entries"]}
    assert statuses == {"OPEN"} and data["draftAnswers"] is False and data["changes"] == []

    published = await sec.execute(
        """mutation($input: PublishAnswersInput!) { publishAnswers(input: $input) { __typename } }""",
        {"input": {"consultationId": case["consultation"]}},
    )
    assert published["publishAnswers"]["__typename"] == "AnswersPublished"
    party = (await kl.http.get(f"{base}.md")).text
    assert "Imødekommet – Indarbejdet i version 2" in party and REGIONS_ANSWER in party
    assert "ikke offentliggjort" not in (await sec.http.get(f"{base}.md")).text


async def test_the_report_of_a_consultation_survives_a_newer_snapshot_and_agrees_across_formats(
    as_user: AsUser, clock: ManualClock, tmp_path: Path
) -> None:
    sec = await as_user(SECRETARIAT)
    case = await _consultation(as_user, clock)
    await sec.execute(
        """mutation($input: PublishAnswersInput!) { publishAnswers(input: $input) { __typename } }""",
        {"input": {"consultationId": case["consultation"]}},
    )
    closed = await sec.execute(
        """mutation($input: CloseConsultationInput!) { closeConsultation(input: $input) { __typename } }""",
        {"input": {"consultationId": case["consultation"]}},
    )
    assert closed["closeConsultation"]["__typename"] == "ConsultationClosed"
    await sec.execute(SNAPSHOT, {"input": {"documentId": case["document"], "label": "Efter høring"}})

    data = (await sec.execute(CONSULTATION_REPORT, {"id": case["consultation"]}))["consultation"]["report"]
    by_snapshot = (await sec.execute(REPORT, {"d": case["document"], "s": case["snapshot"]}))["consultationReport"]
    assert by_snapshot["exportBase"] == data["exportBase"] == f"/exports/consultations/{case['consultation']}"
    assert [p["organization"]["slug"] for p in data["parties"]] == list(CONSULTED)
    parties = {p["organization"]["slug"]: p for p in data["parties"]}
    assert parties["plo"]["status"] == "NO_REMARKS" and parties["region-hovedstaden"]["noResponse"] is True
    # KL and Danske Regioner commented on a document with direct submission: their comments went
    # in as written, without a recorded response — they responded all the same.
    assert parties["kl"]["status"] == parties["danske-regioner"]["status"] == "RESPONDED"
    assert data["total"] == 2 and data["responseCount"] == 3
    # What changed the text, in the snapshot's order: the regions' remark (partly) and KL's proposal.
    assert [c["comment"]["id"] for c in data["changes"]] == [case["remark"], case["proposal"]]

    base = data["exportBase"]
    formats = {
        "md": _plain((await sec.http.get(f"{base}.md")).text),
        "html": _plain((await sec.http.get(f"{base}.html")).text),
    }
    word = await sec.http.get(f"{base}.docx")
    pdf = word_to_pdf(word.content, tmp_path, "hoeringsnotat-hoering")
    keep_pages(pdf, "hoeringsnotat-hoering")
    pages = pdf_pages(pdf)
    formats["docx"] = _plain(
        "\n".join(re.sub(r"(?m)^.*(Side \d+ af \d+|Høringsnotat: .* – \d\d\.\d\d\.\d{4}).*$", "", p) for p in pages)
    )
    filed = await sec.http.get(f"{base}.pdf")
    assert filed.status_code == 200 and b"pdfaid:part" in filed.content
    names = {p["organization"]["slug"]: p["organization"]["name"] for p in data["parties"]}
    said = [
        f"{names['plo']}: Ingen bemærkninger den",
        f"{names['region-hovedstaden']}: Intet svar",
        f"{names['kl']}:",
        f"{names['danske-regioner']}:",
        "Høringssvar: 3 af 4 hørte parter",
        "Høringsperiode:",
        LETTER,
        KL_PROPOSAL,
        REGIONS_REMARK,
        REGIONS_ANSWER,
        KL_REPLY,
        "Imødekommet – Indarbejdet i version 2",
        "Ændringer som følge af høringen",
        f"Borgeren som aktiv partner: {names['kl']} – Imødekommet – Indarbejdet i version 2",
    ]
    missing = {kind: [s for s in map(_plain, said) if s not in text] for kind, text in formats.items()}
    assert missing == {"md": [], "html": [], "docx": []}


REPORT_OF = """query($d: ID!, $s: ID!, $c: ID) { consultationReport(documentId: $d, snapshotId: $s, consultationId: $c) {
  total consultation { id number } snapshotConsultations { id number }
  parties { organization { slug } }
  sections { entries { comment { body organization { slug } } } } } }"""


async def test_each_consultation_held_on_one_snapshot_has_its_report(as_user: AsUser, clock: ManualClock) -> None:
    """The same text consulted on twice: the report page lists both and reaches each."""
    sec = await as_user(SECRETARIAT)
    kl, regions = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER)
    doc = await _strategy_copy(sec, direct_submission=False)
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]["id"]
    held = []
    for party, slug, body in ((kl, "kl", "KL's svar i første høring."), (regions, "danske-regioner", REGIONS_REMARK)):
        opened = await sec.execute(
            OPEN,
            {
                "input": {
                    "snapshotId": snapshot,
                    "deadline": (clock.now() + timedelta(days=14)).isoformat(),
                    "organizationIds": await org_ids(sec, slug),
                    "letter": LETTER,
                }
            },
        )
        consultation = opened["openConsultation"]["consultation"]["id"]
        await _add(party, doc["sections"][0], body)
        submitted = await party.execute(
            """mutation($d: ID!) { submitOrganisationComments(documentId: $d, expectedCount: 1) { __typename } }""",
            {"d": doc["id"]},
        )
        assert submitted["submitOrganisationComments"]["__typename"] == "CommentsSubmitted", submitted
        await sec.execute(
            """mutation($input: CloseConsultationInput!) { closeConsultation(input: $input) { __typename } }""",
            {"input": {"consultationId": consultation}},
        )
        held.append(consultation)
    first, second = held

    newest = (await sec.execute(REPORT_OF, {"d": doc["id"], "s": snapshot}))["consultationReport"]
    assert newest["consultation"] == {"id": second, "number": 2}
    assert newest["snapshotConsultations"] == [{"id": second, "number": 2}, {"id": first, "number": 1}]
    older = (await sec.execute(REPORT_OF, {"d": doc["id"], "s": snapshot, "c": first}))["consultationReport"]
    assert older["consultation"] == {"id": first, "number": 1}
    assert [p["organization"]["slug"] for p in older["parties"]] == ["kl"]
    bodies = [e["comment"]["body"] for s in older["sections"] for e in s["entries"]]
    assert bodies == ["KL's svar i første høring."] and older["total"] == 1
    # A consultation on another snapshot (or a malformed id) is no report of this snapshot.
    other = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Efter høring"}}))[
        "createSnapshot"
    ]["snapshot"]["id"]
    assert (await sec.execute(REPORT_OF, {"d": doc["id"], "s": other, "c": first}))["consultationReport"] is None
    assert (await sec.execute(REPORT_OF, {"d": doc["id"], "s": snapshot, "c": "nonsense"}))[
        "consultationReport"
    ] is None


async def test_comments_from_before_the_stamp_are_stamped_once_at_start_up(
    as_user: AsUser, clock: ManualClock, store: Store
) -> None:
    """Comments stored before comments carried their consultation get it at start-up, once: the
    report then has one rule (the stamp) and no time window."""
    sec, sds = await as_user(SECRETARIAT), await as_user(SDS)
    kl, regions = await as_user(KL_COMMENTER), await as_user(REGIONS_COMMENTER)
    doc = await _strategy_copy(sec)
    snapshot = (await sec.execute(SNAPSHOT, {"input": {"documentId": doc["id"], "label": "Høringsudkast"}}))[
        "createSnapshot"
    ]["snapshot"]["id"]
    before = await _add(kl, doc["sections"][1], "KL før høringen.")  # not consulted yet: in no consultation
    clock.advance(timedelta(minutes=5))
    opened = await sec.execute(
        OPEN,
        {
            "input": {
                "snapshotId": snapshot,
                "deadline": (clock.now() + timedelta(days=14)).isoformat(),
                "organizationIds": await org_ids(sec, "kl", "danske-regioner"),
                "letter": LETTER,
            }
        },
    )
    consultation = opened["openConsultation"]["consultation"]["id"]
    written = {
        "kl": await _add(kl, doc["sections"][0], "KL's høringssvar."),
        "regions": await _add(regions, doc["sections"][0], REGIONS_REMARK),
        "steering": await _add(sds, doc["sections"][0], SDS_QUESTION),  # the steering group's: never a response
    }
    await sec.execute(
        """mutation($input: CloseConsultationInput!) { closeConsultation(input: $input) { __typename } }""",
        {"input": {"consultationId": consultation}},
    )
    report = (await sec.execute(CONSULTATION_REPORT, {"id": consultation}))["consultation"]["report"]
    assert report["total"] == 2

    # The store as the code before the stamp left it: no comment of the document names a consultation.
    document_id = ids.parse(doc["id"], "Document")
    await store.db["comments"].update_many({"document_id": document_id}, {"$unset": {"consultation_id": ""}})
    await store.db["comment_migrations"].delete_many({})
    unstamped = (await sec.execute(CONSULTATION_REPORT, {"id": consultation}))["consultation"]["report"]
    assert unstamped["total"] == 0  # no time window: the stamp is the rule

    assert await stamp_older_comments(store.db) >= 2
    stamped = {key: await store.comments.comment(ids.parse(c, "Comment")) for key, c in written.items()}  # type: ignore[arg-type]
    consultation_id = ids.parse(consultation, "Consultation")
    assert {key: c.consultation_id if c else "gone" for key, c in stamped.items()} == {
        "kl": consultation_id,
        "regions": consultation_id,
        "steering": None,
    }
    earlier = await store.comments.comment(ids.parse(before, "Comment"))  # type: ignore[arg-type]
    assert earlier is not None and earlier.consultation_id is None
    assert (await sec.execute(CONSULTATION_REPORT, {"id": consultation}))["consultation"]["report"] == report
    assert await stamp_older_comments(store.db) == 0  # once: the next start-up reads no comment
    assert await store.comments.unstamped() is None
