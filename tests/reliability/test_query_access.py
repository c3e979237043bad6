"""Every query field that exposes data, for every kind of user: who may see it gets it, nobody else.

The permission matrix in tests/api covers the mutations; this covers the reads — a non-participant's
view of a document, another organisation's draft comments (and their events), restricted comment
visibility, users' e-mail addresses, the downloads — with a positive control for each probe, so
an empty answer can never pass by accident.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from server.store import Store
from tests.api.drafting_support import new_document, org_ids
from tests.reliability.corpus import SCHEMA
from tests.reliability.support import FIGURES, oid
from tests.support import (
    KL,
    KL_COMMENTER,
    PLO_COMMENTER,
    REGIONS,
    REGIONS_COMMENTER,
    SECRETARIAT,
    SUM,
    Api,
    RunningApp,
    drafts_to_send,
)

USERS = {
    "sec": SECRETARIAT,
    "kl_e": KL,
    "kl_c": KL_COMMENTER,
    "reg_e": REGIONS,
    "reg_c": REGIONS_COMMENTER,
    "sum_e": SUM,
    "plo_c": PLO_COMMENTER,
}
READERS = {"sec", "kl_e", "kl_c", "reg_e", "reg_c"}  # document A: KL and the regions take part
OUTSIDERS = {"anon", "sum_e", "plo_c"}
KL_ORG = {"kl_e", "kl_c"}
STEERING = {"sec", "kl_e", "reg_e"}  # editors and the secretariat: they see the steering group's unpublished answers
UNPUBLISHED = "Styregruppens upublicerede svar."


@dataclass
class Scene:
    apis: dict[str, Api]
    ids: dict[str, str]


async def _add_comment(api: Api, section: str, body: str, anchor: dict[str, str] | None = None) -> str:
    data = await api.execute(
        """mutation($i: AddCommentInput!) { addComment(input: $i) {
             __typename ... on CommentAdded { comment { id } } ... on UserError { message } } }""",
        {"i": {"sectionId": section, "version": 1, "body": body, "anchor": anchor}},
    )
    return str(data["addComment"]["comment"]["id"])


async def _submit(api: Api, document: str) -> None:
    await api.execute(
        "mutation($d: ID!, $n: Int!) { submitOrganisationComments(documentId: $d, expectedCount: $n) { __typename } }",
        {"d": document, "n": await drafts_to_send(api, document)},
    )


async def _snapshot(api: Api, document: str) -> str:
    data = await api.execute(
        "mutation($i: CreateSnapshotInput!) { createSnapshot(input: $i) { ... on SnapshotCreated { snapshot { id } } } }",
        {"i": {"documentId": document}},
    )
    return str(data["createSnapshot"]["snapshot"]["id"])


@pytest.fixture(scope="module")
async def scene(app: RunningApp, store: Store) -> AsyncIterator[Scene]:
    apis = {"anon": Api(app.url)}
    for key, email in USERS.items():
        apis[key] = Api(app.url)
        await apis[key].sign_in(email)
    sec = apis["sec"]
    ids: dict[str, str] = {}
    a = await new_document(sec, [("Synlighed", "Et afsnit om hvem der ser hvad.")], ("kl", "danske-regioner"))
    ids |= {"doc": a["id"], "slug": a["slug"], "section": a["sections"][0]}
    versions = await sec.execute(
        "query($id: ID!) { node(id: $id) { ... on Section { versions { id } } } }", {"id": ids["section"]}
    )
    ids["version"] = versions["node"]["versions"][0]["id"]
    ids["draft"] = await _add_comment(apis["kl_c"], ids["section"], "KL's interne udkast — hemmeligt.")
    ids["regions"] = await _add_comment(apis["reg_c"], ids["section"], "Regionernes høringssvar.")
    await _submit(apis["reg_c"], ids["doc"])
    ids["steering"] = await _add_comment(sec, ids["section"], "Sekretariatets bemærkning.")
    ids["snapshot"] = await _snapshot(sec, ids["doc"])
    parties = await org_ids(sec, "kl", "danske-regioner")
    opened = await sec.execute(
        """mutation($i: OpenApprovalRoundInput!) { openApprovalRound(input: $i) {
             __typename ... on ApprovalRoundOpened { round { id } } ... on UserError { message } } }""",
        {
            "i": {
                "snapshotId": ids["snapshot"],
                "title": "Godkendelse",
                "deadline": (app.clock.now() + timedelta(days=30)).isoformat(),
                "organizationIds": parties,
                "silenceIsConsent": False,
            }
        },
    )
    ids["round"] = opened["openApprovalRound"]["round"]["id"]
    await apis["kl_e"].execute(
        """mutation($i: RecordDecisionInput!) { recordDecision(input: $i) { __typename } }""",
        {
            "i": {
                "roundId": ids["round"],
                "organizationId": parties[0],
                "decision": "APPROVE_WITH_REMARKS",
                "remarks": "KL's forbehold.",
                "internalNote": "Behandlet i KL's direktion.",
                "sectionIds": [],
            }
        },
    )
    await apis["kl_e"].execute(
        "mutation($i: ReportPresenceInput!) { reportPresence(input: $i) { __typename } }",
        {"i": {"documentId": ids["doc"], "activity": "EDITING"}},
    )
    [draft_event] = await store.events.for_entity(oid(ids["draft"]), kinds=["comment.added"], limit=1)
    ids["draft_event"] = f"evt_{draft_event.id}"
    # Document C restricts submitted comments to the steering group and the author's organisation.
    c = await new_document(sec, [("Begrænset", "Tekst.")], ("kl", "danske-regioner"))
    await sec.execute(
        """mutation($i: UpdateDocumentSettingsInput!) { updateDocumentSettings(input: $i) { __typename } }""",
        {"i": {"documentId": c["id"], "restrictCommentVisibility": True}},
    )
    ids["restricted_doc"] = c["id"]
    ids["restricted"] = await _add_comment(apis["kl_c"], c["sections"][0], "KL's svar, kun for styregruppen.")
    await _submit(apis["kl_c"], c["id"])
    # Document Z: only the ministry takes part (and the secretariat's organisation).
    z = await new_document(sec, [("Andet", "Tekst som KL ikke må se.")], ("sum",))
    ids["other_snapshot"] = await _snapshot(sec, z["id"])
    invited = await sec.execute(
        """mutation($i: InviteUserInput!) { inviteUser(input: $i) { __typename } }""",
        {
            "i": {
                "email": f"adgang-{oid(ids['doc'])}@kl.example",
                "name": "Ny",
                "organizationId": parties[0],
                "roles": ["READER"],
            }
        },
    )
    assert invited["inviteUser"]["__typename"] == "UserInvited", invited
    viewer = await sec.execute("{ viewer { id } }")
    ids["sec_user"] = viewer["viewer"]["id"]
    ids["kl_org"] = parties[0]
    # A section of A deleted by the secretariat: its text is for the steering group.
    gone = await sec.execute(
        """mutation($i: AddSectionInput!) { addSection(input: $i) { ... on SectionAdded { section { id } } } }""",
        {"i": {"documentId": ids["doc"], "title": "Slettet", "body": "Slettet tekst."}},
    )
    ids["deleted_section"] = gone["addSection"]["section"]["id"]
    await sec.execute(
        "mutation($i: DeleteSectionInput!) { deleteSection(input: $i) { __typename } }",
        {"i": {"sectionId": ids["deleted_section"]}},
    )
    # Document E: the ministry's alone; the secretariat's own organisation has left it.
    e = await new_document(sec, [("Ministeriets", "Tekst.")], ("sum",))
    [sds] = await org_ids(sec, "sundhedsdatastyrelsen")
    left = await sec.execute(
        "mutation($i: ChangeParticipantInput!) { removeParticipant(input: $i) { __typename } }",
        {"i": {"documentId": e["id"], "organizationId": sds}},
    )
    assert left["removeParticipant"]["__typename"] == "ParticipantsChanged", left
    ids["ministry_doc"] = e["id"]
    # Document D: a KL comment drafted, reworded, then submitted (its draft wording stays KL's).
    d = await new_document(sec, [("Ordlyd", "Tekst.")], ("kl", "danske-regioner"))
    ids["reworded"] = await _add_comment(apis["kl_c"], d["sections"][0], "KL's kladdeordlyd.")
    await apis["kl_c"].execute(
        "mutation($i: EditCommentInput!) { editComment(input: $i) { __typename } }",
        {"i": {"commentId": ids["reworded"], "body": "KL's indsendte ordlyd."}},
    )
    await _submit(apis["kl_c"], d["id"])
    # Document F: sent for consultation to KL and Danske Regioner.
    f = await new_document(
        sec, [("Høring", "Tekst i høring."), ("Udgår", "Slettet efter udsendelsen.")], ("kl", "danske-regioner")
    )
    ids["consulted_snapshot"] = await _snapshot(sec, f["id"])
    consulted = await sec.execute(
        """mutation($i: OpenConsultationInput!) { openConsultation(input: $i) {
             __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }""",
        {
            "i": {
                "snapshotId": ids["consulted_snapshot"],
                "deadline": (app.clock.now() + timedelta(days=30)).isoformat(),
                "organizationIds": parties,
                "letter": "Høringsbrev til parterne.",
            }
        },
    )
    ids["consultation"] = consulted["openConsultation"]["consultation"]["id"]
    ids["consulted_doc"] = f["id"]
    ids["consultation_draft"] = await _add_comment(
        apis["kl_c"],
        f["sections"][0],
        "KL's kladde til høringen.",
        {"exact": "i høring", "prefix": "Tekst ", "suffix": "."},
    )
    # Deleted by the steering group after it was sent: the consulted parties still read it.
    ids["consulted_first"] = f["sections"][0]
    ids["deleted_since_sent"] = f["sections"][1]
    await sec.execute(
        "mutation($i: DeleteSectionInput!) { deleteSection(input: $i) { __typename } }",
        {"i": {"sectionId": f["sections"][1]}},
    )
    # The regions' response, answered by the steering group and not yet published: no party may see the answer.
    ids["response"] = await _add_comment(apis["reg_c"], f["sections"][0], "Regionernes høringssvar.")
    await _submit(apis["reg_c"], f["id"])
    await apis["kl_e"].execute(
        "mutation($i: RespondToCommentInput!) { respondToComment(input: $i) { __typename } }",
        {"i": {"commentId": ids["response"], "status": "REJECTED", "response": UNPUBLISHED}},
    )
    await _responses(apis, ids, app)
    yield Scene(apis, ids)
    for api in apis.values():
        await api.close()


PDF = b"%PDF-1.7\n%%EOF\n"
ANSWER = "Styregruppens svar, endnu ikke offentliggjort."


async def _responses(apis: dict[str, Api], ids: dict[str, str], app: RunningApp) -> None:
    """Document G, in consultation with KL and Danske Regioner: KL drafts general remarks and a
    letter; the regions send a comment, remarks and a letter, and the steering group answers the
    comment without publishing the answer."""
    sec = apis["sec"]
    g = await new_document(sec, [("Svar", "Tekst til høringssvar.")], ("kl", "danske-regioner"))
    snapshot = await _snapshot(sec, g["id"])
    opened = await sec.execute(
        """mutation($i: OpenConsultationInput!) { openConsultation(input: $i) {
             __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }""",
        {
            "i": {
                "snapshotId": snapshot,
                "deadline": (app.clock.now() + timedelta(days=30)).isoformat(),
                "organizationIds": await org_ids(sec, "kl", "danske-regioner"),
                "letter": "Høringsbrev om svar.",
            }
        },
    )
    consultation = opened["openConsultation"]["consultation"]["id"]
    ids |= {"g_doc": g["id"], "g_doc_section": g["sections"][0], "g_snapshot": snapshot, "g_consultation": consultation}
    remarks = """mutation($i: SaveGeneralRemarksInput!) { saveGeneralRemarks(input: $i) { __typename } }"""
    for party, text in (("kl_c", "KL's generelle bemærkninger, interne."), ("reg_c", "Regionernes bemærkninger.")):
        saved = await apis[party].execute(remarks, {"i": {"consultationId": consultation, "generalRemarks": text}})
        assert saved["saveGeneralRemarks"]["__typename"] == "GeneralRemarksSaved", saved
        uploaded = await apis[party].http.post(
            "/responses/letter", params={"consultationId": consultation, "filename": f"{party}.pdf"}, content=PDF
        )
        assert uploaded.status_code == 200, uploaded.text
        ids[f"{party}_letter"] = uploaded.json()["letter"]["url"]
    ids["g_comment"] = await _add_comment(apis["reg_c"], g["sections"][0], "Regionernes kommentar i høringen.")
    await _submit(apis["reg_c"], g["id"])
    answered = await sec.execute(
        """mutation($i: RespondToCommentInput!) { respondToComment(input: $i) { __typename } }""",
        {"i": {"commentId": ids["g_comment"], "status": "ACCEPTED", "response": ANSWER}},
    )
    assert answered["respondToComment"]["__typename"] == "CommentAnswered", answered


STEERING_GROUP = {"sec", "kl_e", "reg_e"}


def _ids(items: list[dict[str, Any]] | None) -> set[str]:
    return {item["id"] for item in items or []}


@dataclass(frozen=True)
class Probe:
    fields: tuple[str, ...]  # the Query fields it reads
    query: str
    variables: Callable[[dict[str, str]], dict[str, Any]]
    sees: Callable[[dict[str, Any], dict[str, str]], bool]  # whether the answer exposes the data
    allowed: frozenset[str]
    denied: frozenset[str]


def _probe(
    fields: tuple[str, ...],
    query: str,
    variables: Callable[[dict[str, str]], dict[str, Any]],
    sees: Callable[[dict[str, Any], dict[str, str]], bool],
    allowed: set[str],
    denied: set[str],
) -> Probe:
    return Probe(fields, query, variables, sees, frozenset(allowed), frozenset(denied))


def _node(key: str) -> Probe:
    return _probe(
        ("node",),
        "query($id: ID!) { node(id: $id) { id } }",
        lambda ids: {"id": ids[key]},
        lambda data, ids: data["node"] is not None,
        READERS,
        OUTSIDERS,
    )


SECTION_COMMENTS = (
    "query($id: ID!) { document(id: $id) { sections { comments { id replies { id } } openCommentCount } } }"
)
SECTION_THREADS = """query($id: ID!) { document(id: $id) { sections {
  commentThreads(first: 1) { totalCount nodes { id replies { id } } } } } }"""
SECTION_MARKERS = (
    "query($id: ID!) { document(id: $id) { sections { commentMarkers { id passage anchor { exact } } } } }"
)

PROBES: dict[str, Probe] = {
    "documents lists A": _probe(
        ("documents",), "{ documents { id } }", lambda ids: {}, lambda d, ids: ids["doc"] in _ids(d["documents"]),
        READERS, OUTSIDERS,
    ),
    "document by id": _probe(
        ("document",), "query($id: ID) { document(id: $id) { id title } }", lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None, READERS, OUTSIDERS,
    ),
    "document by slug": _probe(
        ("document",), "query($s: String) { document(slug: $s) { id } }", lambda ids: {"s": ids["slug"]},
        lambda d, ids: d["document"] is not None, READERS, OUTSIDERS,
    ),
    "node: document": _node("doc"),
    "node: section": _node("section"),
    "node: section version": _node("version"),
    "node: snapshot": _node("snapshot"),
    "node: approval round": _node("round"),
    "node: submitted comment": _node("regions"),
    "node: steering group's comment": _node("steering"),
    "node: consultation": _node("consultation"),
    "consultation with its letter and høringsliste": _probe(
        ("consultation",),
        "query($id: ID!) { consultation(id: $id) { letter parties { status organization { slug } } } }",
        lambda ids: {"id": ids["consultation"]},
        lambda d, ids: bool(d["consultation"] and d["consultation"]["letter"] and d["consultation"]["parties"]),
        READERS, OUTSIDERS,
    ),
    "consultation: its report": _probe(
        ("consultation",),
        "query($id: ID!) { consultation(id: $id) { report { responseCount parties { status } total } } }",
        lambda ids: {"id": ids["consultation"]},
        lambda d, ids: bool(d["consultation"] and d["consultation"]["report"]["parties"]),
        READERS, OUTSIDERS,
    ),
    "consultation report: the steering group's unpublished answer": _probe(
        ("consultation",),
        """query($id: ID!) { consultation(id: $id) { report { sections { entries { comment {
             id status response } } } changes { comment { id } } } } }""",
        lambda ids: {"id": ids["consultation"]},
        lambda d, ids: bool(d["consultation"])
        and any(
            e["comment"]["response"] == UNPUBLISHED and e["comment"]["status"] == "REJECTED"
            for s in d["consultation"]["report"]["sections"]
            for e in s["entries"]
        ),
        STEERING, OUTSIDERS | (READERS - STEERING),
    ),
    "document: its consultations": _probe(
        ("document",), "query($id: ID) { document(id: $id) { consultation { id } consultations { letter } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and d["document"]["consultation"] and d["document"]["consultations"]),
        READERS, OUTSIDERS,
    ),
    "document: the viewer's commenting window": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { commenting { open message consultation { id } } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and d["document"]["commenting"]["consultation"]),
        READERS, OUTSIDERS,
    ),
    "sections: the version sent for consultation, for a consulted party": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { sections { consultedVersion { number body } } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and any(s["consultedVersion"] for s in d["document"]["sections"])),
        {"kl_c", "reg_c"}, STEERING | OUTSIDERS,
    ),
    "sections: one deleted since it was sent for consultation, for a consulted party": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { sections { id deleted consultedVersion { body } } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and any(s["id"] == ids["deleted_since_sent"] and s["deleted"]
                                                  and s["consultedVersion"] for s in d["document"]["sections"])),
        {"kl_c", "reg_c"}, STEERING | OUTSIDERS,
    ),
    "sections in pages: the one deleted since it was sent comes next, for a consulted party": _probe(
        ("document",),
        "query($id: ID, $a: ID) { document(id: $id) { sections(first: 1, after: $a) { id deleted } } }",
        lambda ids: {"id": ids["consulted_doc"], "a": ids["consulted_first"]},
        lambda d, ids: bool(d["document"] and d["document"]["sections"] == [{"id": ids["deleted_since_sent"],
                                                                              "deleted": True}]),
        {"kl_c", "reg_c"}, STEERING | OUTSIDERS,
    ),
    "headings: the section deleted since it was sent, for a consulted party": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { headings { id title } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and ids["deleted_since_sent"] in _ids(d["document"]["headings"])),
        {"kl_c", "reg_c"}, STEERING | OUTSIDERS,
    ),
    "readerMarkers: KL's draft on a passage placed in the text, for KL's organisation": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { sections { readerMarkers { passages { start end ids } } } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and any(
            ids["consultation_draft"] in p["ids"] for s in d["document"]["sections"]
            for p in s["readerMarkers"]["passages"])),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "readerMarkers: KL's draft counted on its passage, opened at it, for KL's organisation": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { sections { readerMarkers { passages { count firstId } } } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and any(
            p["firstId"] == ids["consultation_draft"] and p["count"] >= 1 for s in d["document"]["sections"]
            for p in s["readerMarkers"]["passages"])),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "commentMarkers: where KL's passage is in the text sent, for KL": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { sections { commentMarkers { id consultedLocation { exact } } } } }",
        lambda ids: {"id": ids["consulted_doc"]},
        lambda d, ids: bool(d["document"] and any(
            m["id"] == ids["consultation_draft"] and m["consultedLocation"] == {"exact": "i høring"}
            for s in d["document"]["sections"] for m in s["commentMarkers"])),
        {"kl_c"}, READERS - {"kl_c"} | OUTSIDERS,
    ),
    "approvalRound with remarks and internal notes": _probe(
        ("approvalRound",),
        "query($id: ID!) { approvalRound(id: $id) { id parties { remarks internalNote } } }",
        lambda ids: {"id": ids["round"]},
        lambda d, ids: d["approvalRound"] is not None
        and "KL's forbehold." in [p["remarks"] for p in d["approvalRound"]["parties"]],
        READERS, OUTSIDERS,
    ),
    "approvalRound: KL's internal note": _probe(
        ("approvalRound",),
        "query($id: ID!) { approvalRound(id: $id) { parties { internalNote } history { internalNote } } }",
        lambda ids: {"id": ids["round"]},
        lambda d, ids: d["approvalRound"] is not None
        and "Behandlet i KL's direktion." in [p["internalNote"] for p in d["approvalRound"]["parties"]]
        and "Behandlet i KL's direktion." in [h["internalNote"] for h in d["approvalRound"]["history"]],
        {"kl_e", "kl_c"}, READERS - KL_ORG | OUTSIDERS,  # not the secretariat, not the other party
    ),
    "node: approval round's internal note": _probe(
        ("node",),
        "query($id: ID!) { node(id: $id) { ... on ApprovalRound { parties { decisions { internalNote } } } } }",
        lambda ids: {"id": ids["round"]},
        lambda d, ids: bool(d["node"]) and "Behandlet i KL's direktion." in [
            x["internalNote"] for p in d["node"]["parties"] for x in p["decisions"]],
        {"kl_e", "kl_c"}, READERS - KL_ORG | OUTSIDERS,
    ),
    "document: who has an approver (for opening a round)": _probe(
        ("document",), "query($id: ID) { document(id: $id) { approverOrganizations { id } } }",
        lambda ids: {"id": ids["doc"]},
        lambda d, ids: bool(d["document"] and d["document"]["approverOrganizations"]),
        {"sec"}, READERS - {"sec"} | OUTSIDERS,
    ),
    "consultationReport": _probe(
        ("consultationReport",),
        "query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) { total } }",
        lambda ids: {"d": ids["doc"], "s": ids["snapshot"]},
        lambda d, ids: d["consultationReport"] is not None, READERS, OUTSIDERS,
    ),
    "events": _probe(
        ("events",), "query($d: ID!) { events(documentId: $d) { items { id } } }", lambda ids: {"d": ids["doc"]},
        lambda d, ids: bool(d["events"] and d["events"]["items"]), READERS, OUTSIDERS,
    ),
    "presence": _probe(
        ("presence",), "query($d: ID!) { presence(documentId: $d) { activity } }", lambda ids: {"d": ids["doc"]},
        lambda d, ids: bool(d["presence"]), READERS - {"kl_e"}, OUTSIDERS,
    ),
    "users": _probe(
        ("users",), "{ users { id } }", lambda ids: {}, lambda d, ids: bool(d["users"]),
        {"sec"}, set(USERS) - {"sec"} | {"anon"},
    ),
    "pending invitations": _probe(
        ("invitations",), "{ invitations { id email } }", lambda ids: {}, lambda d, ids: bool(d["invitations"]),
        {"sec"}, set(USERS) - {"sec"} | {"anon"},
    ),
    "server time (public: it tells nothing)": _probe(
        ("serverTime",), "{ serverTime }", lambda ids: {}, lambda d, ids: bool(d["serverTime"]),
        set(USERS) | {"anon"}, set(),
    ),
    "glossary (public: the product's words)": _probe(
        ("glossary",), "{ glossary { term definition } }", lambda ids: {}, lambda d, ids: len(d["glossary"]) >= 12,
        set(USERS) | {"anon"}, set(),
    ),
    "organizations": _probe(
        ("organizations",), "{ organizations { id } }", lambda ids: {}, lambda d, ids: bool(d["organizations"]),
        set(USERS), {"anon"},
    ),
    "viewer": _probe(("viewer",), "{ viewer { id } }", lambda ids: {}, lambda d, ids: d["viewer"] is not None,
        set(USERS), {"anon"}),
    "another user's e-mail": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on User { email } } }", lambda ids: {"id": ids["sec_user"]},
        lambda d, ids: bool(d["node"] and d["node"]["email"]), {"sec"}, set(USERS) - {"sec"} | {"anon"},
    ),
    "another user's name and roles (any signed-in user)": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on User { name roles organization { slug } } } }",
        lambda ids: {"id": ids["sec_user"]},
        lambda d, ids: bool(d["node"] and d["node"]["name"] and d["node"]["roles"]), set(USERS), {"anon"},
    ),
    "the secretariat reads a document its organisation left": _probe(
        ("document",), "query($id: ID) { document(id: $id) { id } }", lambda ids: {"id": ids["ministry_doc"]},
        lambda d, ids: d["document"] is not None, {"sec", "sum_e"}, set(USERS) - {"sec", "sum_e"} | {"anon"},
    ),
    # Another organisation's draft comment, and everything that could show it.
    "node: KL's draft comment": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { id } }", lambda ids: {"id": ids["draft"]},
        lambda d, ids: d["node"] is not None, KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "the plain text of KL's draft comment (Comment.plainText)": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on Comment { plainText } } }", lambda ids: {"id": ids["draft"]},
        lambda d, ids: bool(d["node"] and d["node"]["plainText"] == "KL's interne udkast — hemmeligt."),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "the passage of KL's draft comment (Comment.passage, from the version commented on)": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on Comment { id passage } } }", lambda ids: {"id": ids["draft"]},
        lambda d, ids: d["node"] is not None and "passage" in d["node"], KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "section comments show KL's draft": _probe(
        ("document",), SECTION_COMMENTS, lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None
        and ids["draft"] in {c["id"] for s in d["document"]["sections"] for c in s["comments"]},
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "a page of section comment threads shows KL's draft (the first of three)": _probe(
        ("document",), SECTION_THREADS, lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None
        and ids["draft"] in {c["id"] for s in d["document"]["sections"] for c in s["commentThreads"]["nodes"]},
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "the section's comment threads count KL's draft": _probe(
        ("document",), SECTION_THREADS, lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None and d["document"]["sections"][0]["commentThreads"]["totalCount"] == 3,
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "the reader's comment markers show KL's draft": _probe(
        ("document",), SECTION_MARKERS, lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None
        and ids["draft"] in {m["id"] for s in d["document"]["sections"] for m in s["commentMarkers"]},
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "the reader's lean markers count KL's draft": _probe(
        ("document",),
        "query($id: ID!) { document(id: $id) { sections { readerMarkers { count passages { ids } } } } }",
        lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None and d["document"]["sections"][0]["readerMarkers"]["count"] == 3,
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "open comment count includes KL's draft": _probe(
        ("document",), SECTION_COMMENTS, lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None and d["document"]["sections"][0]["openCommentCount"] == 3,
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "consultation report shows KL's draft": _probe(
        ("consultationReport",),
        """query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) {
             sections { organizations { comments { id } } } } }""",
        lambda ids: {"d": ids["doc"], "s": ids["snapshot"]},
        lambda d, ids: d["consultationReport"] is not None
        and ids["draft"]
        in {c["id"] for s in d["consultationReport"]["sections"] for o in s["organizations"] for c in o["comments"]},
        set(), READERS | OUTSIDERS,  # the høringsnotat holds submitted comments only, for everyone

    ),
    "consultation report shows the regions' submitted comment": _probe(
        ("consultationReport",),
        """query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) {
             sections { organizations { comments { id } } } } }""",
        lambda ids: {"d": ids["doc"], "s": ids["snapshot"]},
        lambda d, ids: d["consultationReport"] is not None
        and ids["regions"]
        in {c["id"] for s in d["consultationReport"]["sections"] for o in s["organizations"] for c in o["comments"]},
        READERS, OUTSIDERS,
    ),
    "events show KL's draft": _probe(
        ("events",), "query($d: ID!) { events(documentId: $d, limit: 200) { items { id } } }",
        lambda ids: {"d": ids["doc"]},
        lambda d, ids: d["events"] is not None and ids["draft_event"] in _ids(d["events"]["items"]),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "node: the event of KL's draft": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { id } }", lambda ids: {"id": ids["draft_event"]},
        lambda d, ids: d["node"] is not None, KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "events: a filtered page's cursor past KL's draft": _probe(
        ("events",),
        """query($d: ID!, $o: ID) { events(documentId: $d, organizationId: $o, kinds: ["comment.added"], limit: 1) {
             items { id } nextBefore } }""",
        lambda ids: {"d": ids["doc"], "o": ids["kl_org"]},
        lambda d, ids: d["events"] is not None and (bool(d["events"]["items"]) or d["events"]["nextBefore"] is not None),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "comment edits: KL's draft wording": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on Comment { body edits { body } } } }",
        lambda ids: {"id": ids["reworded"]},
        lambda d, ids: bool(d["node"] and "KL's kladdeordlyd." in [e["body"] for e in d["node"]["edits"]]),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "comment edits: the submitted comment itself (control)": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on Comment { body } } }", lambda ids: {"id": ids["reworded"]},
        lambda d, ids: bool(d["node"] and d["node"]["body"] == "KL's indsendte ordlyd."), READERS, OUTSIDERS,
    ),
    "sections(includeDeleted: true): the steering group's": _probe(
        ("document",), "query($id: ID) { document(id: $id) { sections(includeDeleted: true) { id } } }",
        lambda ids: {"id": ids["doc"]},
        lambda d, ids: d["document"] is not None and ids["deleted_section"] in _ids(d["document"]["sections"]),
        {"sec", "kl_e", "reg_e"}, {"kl_c", "reg_c"} | OUTSIDERS,
    ),
    "restricted visibility: KL's submitted comment": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { id } }", lambda ids: {"id": ids["restricted"]},
        lambda d, ids: d["node"] is not None, KL_ORG | {"sec", "reg_e"}, {"reg_c"} | OUTSIDERS,
    ),
    "restricted visibility: the reader's marker of KL's submitted comment": _probe(
        ("document",), SECTION_MARKERS, lambda ids: {"id": ids["restricted_doc"]},
        lambda d, ids: d["document"] is not None
        and ids["restricted"] in {m["id"] for s in d["document"]["sections"] for m in s["commentMarkers"]},
        KL_ORG | {"sec", "reg_e"}, {"reg_c"} | OUTSIDERS,
    ),
    # Notifications: the outbox holds every address and subject; tasks say what an organisation owes.
    "outbox": _probe(
        ("outbox",), "{ outbox { items { id address subject } } }", lambda ids: {},
        lambda d, ids: d["outbox"] is not None and bool(d["outbox"]["items"]), {"sec"}, set(USERS) - {"sec"} | {"anon"},
    ),
    "outbox: the undeliverable, a page further on": _probe(
        ("outbox",), "{ outbox(states: [UNDELIVERABLE, PENDING, SENT], before: 1000000, limit: 5) { items { id } } }",
        lambda ids: {}, lambda d, ids: d["outbox"] is not None and bool(d["outbox"]["items"]),
        {"sec"}, set(USERS) - {"sec"} | {"anon"},
    ),
    "myTasks: the regions' decision due": _probe(
        ("myTasks",), "{ myTasks { kind round { id } } }", lambda ids: {},
        lambda d, ids: ids["round"] in {t["round"]["id"] for t in d["myTasks"] if t["round"]},
        {"reg_e"}, set(USERS) - {"reg_e"} | {"anon"},  # KL has decided; commenters do not decide
    ),
    "myTasks: KL's unsent draft": _probe(
        ("myTasks",), "{ myTasks { kind document { id } } }", lambda ids: {},
        lambda d, ids: any(t["kind"] == "DRAFT_COMMENTS" and t["document"] and t["document"]["id"] == ids["doc"]
                           for t in d["myTasks"]),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "myTasks: the consultation response owed": _probe(
        ("myTasks",), "{ myTasks { kind consultation { id } } }", lambda ids: {},
        lambda d, ids: any(t["consultation"] and t["consultation"]["id"] == ids["consultation"] for t in d["myTasks"]),
        # The consulted parties' answerers, while they owe it: the regions' submission was their response.
        {"kl_e", "kl_c"}, {"reg_e", "reg_c", "sec", "sum_e", "plo_c", "anon"},
    ),
    "myTasks: KL's drafts on the consultation, counted for KL only": _probe(
        ("myTasks",), "{ myTasks { kind count consultation { id } } }", lambda ids: {},
        lambda d, ids: any(t["consultation"] and t["consultation"]["id"] == ids["consultation"] and t["count"] > 0
                           for t in d["myTasks"]),
        KL_ORG, {"sec", "reg_e", "reg_c", "sum_e", "plo_c", "anon"},
    ),
    "notificationPreferences": _probe(
        ("notificationPreferences",), "{ notificationPreferences { language kinds { kind delivery } } }",
        lambda ids: {}, lambda d, ids: d["notificationPreferences"] is not None, set(USERS), {"anon"},
    ),
    # A party's response in the making, and the steering group's answers before they are published.
    "responseDraft: KL's general remarks and letter": _probe(
        ("responseDraft",),
        "query($id: ID!) { responseDraft(consultationId: $id) { generalRemarks letter { url } } }",
        lambda ids: {"id": ids["g_consultation"]},
        lambda d, ids: bool(d["responseDraft"] and d["responseDraft"]["generalRemarks"].startswith("KL's")
                            and d["responseDraft"]["letter"]),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "submission preview: KL's general remarks": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { submissionPreview { generalRemarks letter { url } } } }",
        lambda ids: {"id": ids["g_doc"]},
        lambda d, ids: bool(d["document"] and d["document"]["submissionPreview"]
                            and (d["document"]["submissionPreview"]["generalRemarks"] or "").startswith("KL's")),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "submission preview: KL's general remarks rendered": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { submissionPreview { generalRemarksHtml } } }",
        lambda ids: {"id": ids["g_doc"]},
        lambda d, ids: bool(d["document"] and d["document"]["submissionPreview"]
                            and "KL's" in (d["document"]["submissionPreview"]["generalRemarksHtml"] or "")),
        KL_ORG, READERS - KL_ORG | OUTSIDERS,
    ),
    "the steering group's unpublished answer to the regions' comment": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on Comment { status response } } }",
        lambda ids: {"id": ids["g_comment"]},
        lambda d, ids: bool(d["node"] and d["node"]["response"] == ANSWER and d["node"]["status"] == "ACCEPTED"),
        STEERING_GROUP, {"kl_c", "reg_c"} | OUTSIDERS,
    ),
    "the regions' comment, its answer left out (control)": _probe(
        ("node",), "query($id: ID!) { node(id: $id) { ... on Comment { status response } } }",
        lambda ids: {"id": ids["g_comment"]},
        lambda d, ids: bool(d["node"] and d["node"]["status"] == "OPEN" and d["node"]["response"] == ""),
        {"kl_c", "reg_c"}, STEERING_GROUP | OUTSIDERS,
    ),
    "the reader's markers: the unpublished disposition": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { sections { commentMarkers { id status } } } }",
        lambda ids: {"id": ids["g_doc"]},
        lambda d, ids: bool(d["document"] and any(m["id"] == ids["g_comment"] and m["status"] == "ACCEPTED"
                                                  for s in d["document"]["sections"] for m in s["commentMarkers"])),
        STEERING_GROUP, {"kl_c", "reg_c"} | OUTSIDERS,
    ),
    "section comments: the unpublished answer": _probe(
        ("document",),
        "query($id: ID) { document(id: $id) { sections { openCommentCount comments(status: ACCEPTED) { response } } } }",
        lambda ids: {"id": ids["g_doc"]},
        lambda d, ids: bool(d["document"] and any(c["response"] == ANSWER for s in d["document"]["sections"]
                                                  for c in s["comments"])),
        STEERING_GROUP, {"kl_c", "reg_c"} | OUTSIDERS,
    ),
    "section comment threads: the unpublished answer": _probe(
        ("document",),
        """query($id: ID) { document(id: $id) { sections {
             commentThreads(first: 50, status: ACCEPTED) { nodes { response } } } } }""",
        lambda ids: {"id": ids["g_doc"]},
        lambda d, ids: bool(d["document"] and any(c["response"] == ANSWER for s in d["document"]["sections"]
                                                  for c in s["commentThreads"]["nodes"])),
        STEERING_GROUP, {"kl_c", "reg_c"} | OUTSIDERS,
    ),
    "the consultation report: the unpublished answer": _probe(
        ("consultationReport",),
        """query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) {
             sections { organizations { comments { response status } } } } }""",
        lambda ids: {"d": ids["g_doc"], "s": ids["g_snapshot"]},
        lambda d, ids: d["consultationReport"] is not None and ANSWER in {
            c["response"] for s in d["consultationReport"]["sections"] for o in s["organizations"] for c in o["comments"]},
        STEERING_GROUP, {"kl_c", "reg_c"} | OUTSIDERS,
    ),
    "the report of a consultation chosen among those on its snapshot": _probe(
        ("consultationReport",),
        """query($d: ID!, $s: ID!, $c: ID) { consultationReport(documentId: $d, snapshotId: $s, consultationId: $c) {
             consultation { id } snapshotConsultations { id } } }""",
        lambda ids: {"d": ids["consulted_doc"], "s": ids["consulted_snapshot"], "c": ids["consultation"]},
        lambda d, ids: d["consultationReport"] is not None
        and d["consultationReport"]["consultation"]["id"] == ids["consultation"]
        and [c["id"] for c in d["consultationReport"]["snapshotConsultations"]] == [ids["consultation"]],
        READERS, OUTSIDERS,
    ),
    "the consultation report: the regions' general remarks and letter, sent": _probe(
        ("consultationReport",),
        """query($d: ID!, $s: ID!) { consultationReport(documentId: $d, snapshotId: $s) {
             generalRemarks { remarks letter { url } } } }""",
        lambda ids: {"d": ids["g_doc"], "s": ids["g_snapshot"]},
        lambda d, ids: d["consultationReport"] is not None and any(
            r["letter"] and r["letter"]["url"] == ids["reg_c_letter"] for r in d["consultationReport"]["generalRemarks"]),
        READERS, OUTSIDERS,
    ),
    "events: the unpublished answer": _probe(
        ("events",), "query($d: ID!) { events(documentId: $d, limit: 200) { items { kind } } }",
        lambda ids: {"d": ids["g_doc"]},
        lambda d, ids: d["events"] is not None and "comment.answered" in {e["kind"] for e in d["events"]["items"]},
        STEERING_GROUP, {"kl_c", "reg_c"} | OUTSIDERS,
    ),
    "changes since another document's snapshot": _probe(
        ("node",),
        "query($id: ID!, $o: ID!) { node(id: $id) { ... on Snapshot { changesSince(snapshotId: $o) { old { body } } } } }",
        lambda ids: {"id": ids["snapshot"], "o": ids["other_snapshot"]},
        lambda d, ids: bool(d["node"] and d["node"]["changesSince"] and any(
            c["old"] and "KL ikke må se" in c["old"]["body"] for c in d["node"]["changesSince"])),
        set(), READERS - {"sec"},
    ),
}  # fmt: skip


def test_every_query_field_has_a_probe() -> None:
    covered = {f for probe in PROBES.values() for f in probe.fields}
    assert set(SCHEMA.query_type.fields) - covered == set(), "add a probe for it"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", list(PROBES))
async def test_query_shows_data_only_to_those_who_may_see_it(name: str, scene: Scene) -> None:
    probe = PROBES[name]
    wrong = {}
    for user in sorted(probe.allowed | probe.denied):
        response = await scene.apis[user].raw(probe.query, probe.variables(scene.ids))
        payload = response.json()
        assert response.status_code == 200 and not payload.get("errors"), (user, payload)
        if probe.sees(payload["data"], scene.ids) != (user in probe.allowed):
            wrong[user] = payload["data"]
    assert wrong == {}, f"{name}: wrong answers for {sorted(wrong)}"
    FIGURES["access: query probes × users"] += len(probe.allowed | probe.denied)


DOWNLOADS: dict[str, tuple[Callable[[dict[str, str]], str], set[str]]] = {
    "consultation report": (lambda ids: f"/exports/consultation-reports/{ids['snapshot']}.md", READERS),
    "consultation report (Word)": (lambda ids: f"/exports/consultation-reports/{ids['snapshot']}.docx", READERS),
    "consultation's report": (lambda ids: f"/exports/consultations/{ids['consultation']}.md", READERS),
    "consultation's report (printable)": (lambda ids: f"/exports/consultations/{ids['consultation']}.html", READERS),
    "consultation report with names": (
        lambda ids: f"/exports/consultation-reports/{ids['snapshot']}.html?names=1",
        READERS,
    ),
    "approval record": (lambda ids: f"/exports/approval-rounds/{ids['round']}.html", READERS),
    "approval record (Markdown)": (lambda ids: f"/exports/approval-rounds/{ids['round']}.md", READERS),
    "audit log": (lambda ids: f"/exports/events/{ids['doc']}.json", {"sec"}),
    "KL's response letter, not yet sent": (lambda ids: ids["kl_c_letter"], KL_ORG),
    "the regions' response letter, sent": (lambda ids: ids["reg_c_letter"], READERS),
}


@pytest.mark.parametrize("path", ["md", "html", "docx"])
async def test_report_downloads_hold_no_unpublished_answer(path: str, scene: Scene) -> None:
    import io
    import zipfile

    for user in sorted(READERS):
        response = await scene.apis[user].http.get(f"/exports/consultation-reports/{scene.ids['g_snapshot']}.{path}")
        assert response.status_code == 200, user
        text = (
            zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
            if path == "docx"
            else response.text
        )
        assert "Regionernes kommentar i høringen." in text, user  # the comment is there (control)
        assert (ANSWER in text) == (user in STEERING_GROUP), user
    FIGURES["access: downloads × users"] += len(READERS)


@pytest.mark.parametrize("name", list(DOWNLOADS))
async def test_downloads_follow_the_same_rules(name: str, scene: Scene) -> None:
    path, allowed = DOWNLOADS[name]
    for user in sorted(set(USERS) | {"anon"}):
        response = await scene.apis[user].http.get(path(scene.ids))
        assert (response.status_code == 200) == (user in allowed), (user, response.status_code)
        if response.status_code == 200 and user not in KL_ORG:
            assert "KL's interne udkast" not in response.text, user
            assert scene.ids["draft"] not in response.text, user  # nor any trace of it (events)
        if response.status_code == 200:  # private to KL, and never in a download, not even KL's own
            assert "Behandlet i KL's direktion" not in response.text, user
        if response.status_code == 200 and user not in STEERING:  # the steering group's until published
            assert UNPUBLISHED not in response.text, user
    FIGURES["access: downloads × users"] += len(USERS) + 1


SUBSCRIBE = """subscription($d: ID!) { documentEvents(documentId: $d) { kind entityId } }"""


async def test_subscriptions_deliver_each_event_only_to_those_who_may_see_it(scene: Scene, app: RunningApp) -> None:
    """``documentEvents``: the readers of A get its public events, KL its own draft's too, outsiders nothing."""
    from tests.api.test_events import Subscription

    subscribers: dict[str, Subscription] = {}
    refused: dict[str, str] = {}
    for user in sorted(USERS):
        sub = Subscription(app.url, scene.apis[user].http.cookies["udkast_session"])
        await sub.__aenter__()
        await sub.ws.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"d": scene.ids["doc"]}}}
            )
        )
        subscribers[user] = sub
    await asyncio.sleep(0.5)
    draft = await _add_comment(scene.apis["kl_c"], scene.ids["section"], "Endnu et internt KL-udkast.")
    saved = await scene.apis["sec"].execute(
        """mutation($i: SaveSectionInput!) { saveSection(input: $i) { __typename } }""",
        {"i": {"sectionId": scene.ids["section"], "baseVersion": 1, "title": "Synlighed", "body": "Ny tekst."}},
    )
    assert saved["saveSection"]["__typename"] == "SectionSaved"
    got: dict[str, list[str]] = {}
    for user, sub in subscribers.items():
        kinds: list[str] = []
        while "section.saved" not in kinds:
            message = await sub.next(timeout=10)
            if message["type"] != "next" or message["payload"].get("errors"):
                refused[user] = str(message)
                break
            event = message["payload"]["data"]["documentEvents"]
            kinds.append(event["kind"] if event["entityId"] != draft else "draft")
        got[user] = kinds
        await sub.__aexit__()
    assert set(refused) == OUTSIDERS - {"anon"}
    for user in READERS:
        assert got[user][-1] == "section.saved", user
        assert ("draft" in got[user]) == (user in KL_ORG), (user, got[user])
    FIGURES["access: subscription probes × users"] += len(USERS)


PRESENCE = """subscription($d: ID!) { documentPresence(documentId: $d) { activity organization { slug } } }"""


async def test_presence_is_followed_only_by_those_who_may_read_the_document(scene: Scene, app: RunningApp) -> None:
    """``documentPresence``: the readers of A see KL's editor there, outsiders are refused."""
    from tests.api.test_events import Subscription

    await scene.apis["kl_e"].execute(
        "mutation($i: ReportPresenceInput!) { reportPresence(input: $i) { __typename } }",
        {"i": {"documentId": scene.ids["doc"], "activity": "EDITING"}},
    )
    got: dict[str, list[dict[str, Any]]] = {}
    refused: set[str] = set()
    for user in sorted(USERS):
        async with Subscription(app.url, scene.apis[user].http.cookies["udkast_session"]) as sub:
            await sub.subscribe({"d": scene.ids["doc"]}, PRESENCE)
            message = await sub.next(timeout=10)
        if message["type"] == "next" and not message["payload"].get("errors"):
            got[user] = message["payload"]["data"]["documentPresence"]
        else:
            refused.add(user)
    assert refused == OUTSIDERS - {"anon"}
    for user in READERS - {"kl_e"}:
        assert {"activity": "EDITING", "organization": {"slug": "kl"}} in got[user], user
    assert {"activity": "EDITING", "organization": {"slug": "kl"}} not in got["kl_e"]  # not yourself
    FIGURES["access: subscription probes × users"] += len(USERS)


async def test_live_updates_carry_no_unpublished_answer(scene: Scene, app: RunningApp) -> None:
    """``documentEvents`` of a document in consultation: the steering group's answer reaches the
    steering group, not the parties, until the secretariat publishes it."""
    from tests.api.test_events import Subscription

    watchers = {"sec": "steering", "reg_e": "steering", "reg_c": "party", "kl_c": "party"}
    subscribers: dict[str, Subscription] = {}
    for user in watchers:
        sub = Subscription(app.url, scene.apis[user].http.cookies["udkast_session"])
        await sub.__aenter__()
        await sub.ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIBE, "variables": {"d": scene.ids["g_doc"]}},
                }
            )
        )
        subscribers[user] = sub
    await asyncio.sleep(0.5)
    answered = await scene.apis["reg_e"].execute(
        """mutation($i: RespondToCommentInput!) { respondToComment(input: $i) { __typename } }""",
        {"i": {"commentId": scene.ids["g_comment"], "status": "PARTLY_ACCEPTED", "response": ANSWER}},
    )
    assert answered["respondToComment"]["__typename"] == "CommentAnswered"
    added = await _add_comment(scene.apis["sec"], scene.ids["g_doc_section"], "Sekretariatets bemærkning.")
    got: dict[str, list[str]] = {}
    for user, sub in subscribers.items():
        kinds: list[str] = []
        while "comment.added" not in kinds:
            message = await sub.next(timeout=10)
            assert message["type"] == "next" and not message["payload"].get("errors"), (user, message)
            event = message["payload"]["data"]["documentEvents"]
            kinds.append(event["kind"])
            assert event["kind"] != "comment.added" or event["entityId"] == added, (user, event)
        got[user] = kinds
        await sub.__aexit__()
    for user, kind in watchers.items():
        assert ("comment.answered" in got[user]) == (kind == "steering"), (user, got[user])
    FIGURES["access: subscription probes × users"] += len(watchers)
