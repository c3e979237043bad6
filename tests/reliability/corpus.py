"""The bad-input corpus, the HTML safety check, and a valid baseline request for every mutation.

The corpus test takes each mutation's baseline, puts one corpus value into one text field (read
from schema/schema.graphql) and sends it; the id test does the same with malformed ids in every
ID field. A new mutation needs a baseline here: ``test_every_mutation_has_a_baseline`` says so.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
)

from tests.reliability.support import ROOT
from tests.support import Api, ManualClock

SCHEMA: GraphQLSchema = build_schema((ROOT / "schema" / "schema.graphql").read_text())

XSS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](jav&#x09;ascript:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1))',
    "{{constructor.constructor('alert(1)')()}} ${7*7} <%= 7*7 %>",
]
UNICODE = [
    "\u202etekst med retningsskift\u202c",
    "שלום עולם — مرحبا بالعالم — עברית",
    "e" + "\u0301\u0302\u0303\u0304\u0305" * 40,
    "Z̸̧̛̖a̴̡̛l̷̨̛g̵̢̛o̶̧̜",
    "👩‍👩‍👧‍👦 🇩🇰 🏳️‍🌈 ✍🏽 𝕌𝕕𝕜𝕒𝕤𝕥",
    "\u200b\u200c\u200d\ufeff usynlige tegn",
    "styretegn \x01\x07\x1b[31mrød\x1b[0m \x7f",
    "Ǆ ﬁ ẞ İ ı — Åå Ææ Øø",
    "   \n\t  ",
    "",
    "'; DROP TABLE sections; -- \" $where: 1",
    '{"$ne": null}',
]
NUL = "før\x00efter"
OVERSIZED = "x" * 200_001


def corpus(fast: bool, index: int) -> list[tuple[str, str]]:
    """The values tried in one field: all of them in soak; in fast runs NUL, oversize and a rotating share."""
    named = [(f"xss{i}", v) for i, v in enumerate(XSS)] + [(f"unicode{i}", v) for i, v in enumerate(UNICODE)]
    if fast:
        named = [named[(index * 5 + k) % len(named)] for k in range(5)]
    return [("nul", NUL), ("oversized", OVERSIZED), *named]


# HTML safety: what may appear in an `html` field or an HTML export.

FRAGMENT_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "s", "del",
    "ins", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6", "span", "div",
    "sup", "sub",
}  # fmt: skip
PAGE_TAGS = FRAGMENT_TAGS | {"html", "head", "meta", "title", "style", "body", "header", "footer", "section", "dl"} | {
    "dt", "dd", "small", "caption", "main", "article", "time", "abbr",
}  # fmt: skip
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:", "data:image/")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def unsafe_html(html: str, *, page: bool = False) -> list[str]:
    """Tags, event handlers and link schemes that must never come from user text."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    found = []
    allowed = PAGE_TAGS if page else FRAGMENT_TAGS
    styles = 0
    for tag, attrs in collector.tags:
        styles += tag == "style"
        if tag not in allowed:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (name == "style" and not page):
                found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value is not None:
                # As a browser reads it: tabs, newlines and leading controls dropped, then a scheme or not.
                url = "".join(ch for ch in value if ch > " ").lower()
                if _SCHEME.match(url) and not url.startswith(SAFE_SCHEMES):
                    found.append(f"<{tag} {name}={value!r}>")
    if page and styles > 1:
        found.append(f"{styles} <style> elements")
    return found


def html_strings(value: Any, key: str = "") -> Iterator[str]:
    """Every string under a key named like ``html`` in a GraphQL result."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from html_strings(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from html_strings(item, key)
    elif isinstance(value, str) and key.lower().endswith("html"):
        yield value


# The schema's fields: where the text and the ids go.

Path = tuple[str, ...]


def _named(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def leaf_paths(field_: GraphQLField, scalar: str) -> list[tuple[Path, bool]]:
    """(path, is_list) of every argument or input field of the scalar type ``scalar``."""
    found: list[tuple[Path, bool]] = []

    def walk(path: Path, type_: Any) -> None:
        named = _named(type_)
        if isinstance(named, GraphQLInputObjectType):
            for name, sub in named.fields.items():
                walk((*path, name), sub.type)
        elif isinstance(named, GraphQLScalarType) and named.name == scalar:
            found.append((path, _is_list(type_)))

    for name, arg in field_.args.items():
        walk((name,), arg.type)
    return found


def with_value(variables: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    out = dict(variables)
    if len(path) == 1:
        out[path[0]] = value
    else:
        out[path[0]] = with_value(dict(variables.get(path[0]) or {}), path[1:], value)
    return out


def operation(name: str, success: str) -> str:
    """The mutation text with one variable per argument, typed as the schema says."""
    field_ = SCHEMA.mutation_type.fields[name]  # type: ignore[union-attr]
    definitions = ", ".join(f"${a}: {arg.type}" for a, arg in field_.args.items())
    arguments = ", ".join(f"{a}: ${a}" for a in field_.args)
    head = f"mutation({definitions}) {{ {name}({arguments})" if field_.args else f"mutation {{ {name}"
    return f"""{head} {{
      __typename ... on UserError {{ message code }} ... on InvalidInput {{ field }} {success} }} }}"""


def members(name: str) -> set[str]:
    result = _named(SCHEMA.mutation_type.fields[name].type)  # type: ignore[union-attr]
    return {t.name for t in getattr(result, "types", [result])}


# A world to aim at, and a valid request for every mutation.


@dataclass
class World:
    clock: ManualClock
    apis: dict[str, Api]  # secretariat, sds (editor and approver), anonymous
    orgs: dict[str, str]
    document: str
    main: str  # a section everybody saves
    spare: str  # a section to move, delete, restore
    proposals: str  # a section proposals are applied to
    comment: str  # a submitted remark by SDS
    proposal: str  # an open proposal by SDS, edited again and again
    round: str  # an open approval round, required: SDS, KL, SUM; only SDS decides
    user: str  # an active user (KL's commenter)
    rounds: list[str] = field(default_factory=list)  # rounds opened with corpus titles (for the export check)
    consultation: str = ""  # an open consultation (made on first use) that is extended again and again
    snapshots: list[str] = field(default_factory=list)
    counter: Iterator[int] = field(default_factory=itertools.count)

    async def head(self, section: str) -> int:
        data = await self.apis["secretariat"].execute(
            "query($id: ID!) { node(id: $id) { ... on Section { version } } }", {"id": section}
        )
        return int(data["node"]["version"])

    async def snapshot(self) -> str:
        data = await self.apis["secretariat"].execute(
            """mutation($i: CreateSnapshotInput!) { createSnapshot(input: $i) {
                 ... on SnapshotCreated { snapshot { id } } } }""",
            {"i": {"documentId": self.document, "label": "Til proces"}},
        )
        snapshot: str = data["createSnapshot"]["snapshot"]["id"]
        self.snapshots.append(snapshot)
        return snapshot

    async def open_round(
        self, snapshot: str, required: tuple[str, ...] = ("sundhedsdatastyrelsen", "kl", "sum")
    ) -> str:
        data = await self.apis["secretariat"].execute(
            """mutation($i: OpenApprovalRoundInput!) { openApprovalRound(input: $i) {
                 __typename ... on ApprovalRoundOpened { round { id } } ... on UserError { message } } }""",
            {"i": self.round_input(snapshot, required)},
        )
        assert data["openApprovalRound"]["__typename"] == "ApprovalRoundOpened", data
        return str(data["openApprovalRound"]["round"]["id"])

    def round_input(
        self, snapshot: str, required: tuple[str, ...] = ("sundhedsdatastyrelsen", "kl", "sum")
    ) -> dict[str, Any]:
        return {
            "snapshotId": snapshot,
            "title": "Skriftlig proces",
            "deadline": (self.clock.now() + timedelta(days=30)).isoformat(),
            "organizationIds": [self.orgs[s] for s in required],
            "silenceIsConsent": False,
        }

    async def consultation_input(self) -> dict[str, Any]:
        """A valid openConsultation input: a fresh document of its own (one consultation per document
        is open at a time), consulting KL and SDS."""
        secretariat = self.apis["secretariat"]
        created = await secretariat.execute(
            """mutation($i: CreateDocumentInput!) { createDocument(input: $i) {
                 ... on DocumentCreated { document { id } } } }""",
            {
                "i": {
                    "title": "Høring",
                    "kind": "STRATEGY",
                    "slug": f"hoering-{next(self.counter)}-{id(self)}",
                    "participantIds": [self.orgs["kl"]],
                }
            },
        )
        document = created["createDocument"]["document"]["id"]
        await secretariat.execute(
            "mutation($i: AddSectionInput!) { addSection(input: $i) { __typename } }",
            {"i": {"documentId": document, "title": "Høring", "body": "Tekst i høring."}},
        )
        snapshot = await secretariat.execute(
            """mutation($i: CreateSnapshotInput!) { createSnapshot(input: $i) {
                 ... on SnapshotCreated { snapshot { id } } } }""",
            {"i": {"documentId": document, "label": "Høringsudkast"}},
        )
        return {
            "snapshotId": snapshot["createSnapshot"]["snapshot"]["id"],
            "deadline": (self.clock.now() + timedelta(days=30)).isoformat(),
            "organizationIds": [self.orgs["kl"], self.orgs["sundhedsdatastyrelsen"]],
            "letter": "Hermed i høring.",
            "acceptLate": False,
        }

    async def open_consultation(self) -> str:
        data = await self.apis["secretariat"].execute(
            """mutation($i: OpenConsultationInput!) { openConsultation(input: $i) {
                 __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }""",
            {"i": await self.consultation_input()},
        )
        assert data["openConsultation"]["__typename"] == "ConsultationOpened", data
        return str(data["openConsultation"]["consultation"]["id"])

    async def shared_consultation(self) -> str:
        if not self.consultation:
            self.consultation = await self.open_consultation()
        return self.consultation

    async def new_proposal(self) -> str:
        version = await self.head(self.proposals)
        data = await self.apis["sds"].execute(
            """mutation($i: AddCommentInput!) { addComment(input: $i) {
                 __typename ... on CommentAdded { comment { id } } ... on UserError { message } } }""",
            {"i": {"sectionId": self.proposals, "version": version, "body": "Forslag", "proposedText": "Ny tekst."}},
        )
        return str(data["addComment"]["comment"]["id"])


@dataclass(frozen=True)
class Baseline:
    actor: str
    prepare: Callable[[World, int], Awaitable[dict[str, Any]]]
    success: str = ""  # the selection on the success type: its html fields, and ids the test needs


async def _const(value: dict[str, Any]) -> dict[str, Any]:
    return value


def _in(**fields: Any) -> dict[str, Any]:
    return {"input": fields}


BASELINES: dict[str, Baseline] = {
    "signIn": Baseline(
        "anonymous", lambda w, n: _const({"email": f"ingen{n}@fuzz.example", "password": "Forkert kodeord 2026"})
    ),
    "signOut": Baseline("anonymous", lambda w, n: _const({})),
    "inviteUser": Baseline(
        "secretariat",
        lambda w, n: _const(
            _in(email=f"inviteret{n}@fuzz.example", name="Ny Person", organizationId=w.orgs["kl"], roles=["READER"])
        ),
    ),
    "acceptInvitation": Baseline(
        "anonymous", lambda w, n: _const(_in(token="ugyldig-invitation", password="Et langt nok kodeord 2026"))
    ),
    "setUserActive": Baseline("secretariat", lambda w, n: _const(_in(userId=w.user, active=True))),
    "createDocument": Baseline(
        "secretariat",
        lambda w, n: _const(
            _in(title=f"Fuzz {n}", kind="STRATEGY", slug=f"fuzz-{n}", summary="", participantIds=[w.orgs["kl"]])
        ),
    ),
    "addSection": Baseline(
        "secretariat",
        lambda w, n: _const(_in(documentId=w.document, title=f"Afsnit {n}", body="Tekst.", position=None)),
        "... on SectionAdded { section { html } }",
    ),
    "saveSection": Baseline(
        "secretariat",
        lambda w, n: _save(w, n),
        "... on SectionSaved { section { html } version { html } }",
    ),
    "moveSection": Baseline("secretariat", lambda w, n: _const(_in(sectionId=w.spare, position=1))),
    "deleteSection": Baseline("secretariat", lambda w, n: _const(_in(sectionId=w.spare))),
    "restoreSection": Baseline("secretariat", lambda w, n: _const(_in(sectionId=w.spare))),
    "restoreSectionVersion": Baseline("secretariat", lambda w, n: _const(_in(sectionId=w.main, version=1))),
    "createSnapshot": Baseline("secretariat", lambda w, n: _const(_in(documentId=w.document, label=f"Udkast {n}"))),
    "setDocumentPhase": Baseline("secretariat", lambda w, n: _const(_in(documentId=w.document, phase="DRAFTING"))),
    "addParticipant": Baseline(
        "secretariat", lambda w, n: _const(_in(documentId=w.document, organizationId=w.orgs["region-nordjylland"]))
    ),
    "removeParticipant": Baseline(
        "secretariat", lambda w, n: _const(_in(documentId=w.document, organizationId=w.orgs["region-nordjylland"]))
    ),
    "addComment": Baseline(
        "sds",
        lambda w, n: _const(
            _in(
                sectionId=w.main,
                version=1,
                body=f"Bemærkning {n}",
                anchor={"exact": "data", "prefix": "om ", "suffix": " og"},
                parentId=None,
                proposedText=None,
            )
        ),
        "... on CommentAdded { comment { html responseHtml } }",
    ),
    "editComment": Baseline(
        "sds",
        lambda w, n: _const(_in(commentId=w.proposal, body=f"Ændret {n}", proposedText=None)),
        "... on CommentEdited { comment { html } }",
    ),
    "deleteComment": Baseline("sds", lambda w, n: _const(_in(commentId=w.comment))),
    "submitOrganisationComments": Baseline("sds", lambda w, n: _const({"documentId": w.document, "expectedCount": 0})),
    "respondToComment": Baseline(
        "secretariat",
        lambda w, n: _const(_in(commentId=w.comment, status="NOTED", response=f"Svar {n}")),
        "... on CommentAnswered { comment { responseHtml } }",
    ),
    "applyProposal": Baseline(
        "secretariat",
        lambda w, n: _apply(w),
        "... on ProposalApplied { comment { responseHtml } version { html } }",
    ),
    "updateDocumentSettings": Baseline(
        "secretariat",
        lambda w, n: _const(_in(documentId=w.document, directSubmission=None, restrictCommentVisibility=None)),
    ),
    "openApprovalRound": Baseline(
        "secretariat", lambda w, n: _open(w), "... on ApprovalRoundOpened { round { id outcomeNote } }"
    ),
    "recordDecision": Baseline(
        "sds",
        lambda w, n: _const(
            _in(
                roundId=w.round,
                organizationId=w.orgs["sundhedsdatastyrelsen"],
                decision="APPROVE_WITH_REMARKS",
                remarks=f"Forbehold {n}",
                internalNote="",
                sectionIds=[],
            )
        ),
    ),
    "markAwaitingBoard": Baseline(
        "sds",
        lambda w, n: _const(
            _in(roundId=w.round, organizationId=w.orgs["sundhedsdatastyrelsen"], awaiting=True, note=f"Note {n}")
        ),
    ),
    "extendDeadline": Baseline(
        "secretariat",
        lambda w, n: _const(
            _in(
                roundId=w.round,
                deadline=(w.clock.now() + timedelta(days=40, minutes=n)).isoformat(),
                reason=f"Grund {n}",
            )
        ),
    ),
    "withdrawApprovalRound": Baseline("secretariat", lambda w, n: _withdraw(w, n)),
    "sendReminder": Baseline(
        "secretariat",
        lambda w, n: _const(_in(roundId=w.round, organizationIds=[w.orgs["kl"]])),
        "... on ReminderSent { messages }",
    ),
    "openConsultation": Baseline(
        "secretariat",
        lambda w, n: _consultation_input(w),
        "... on ConsultationOpened { consultation { id letterHtml } }",
    ),
    "extendConsultation": Baseline(
        "secretariat",
        lambda w, n: _extend_consultation(w, n),
    ),
    "closeConsultation": Baseline(
        "secretariat", lambda w, n: _fresh_consultation(w), "... on ConsultationClosed { consultation { id } }"
    ),
    "publishAnswers": Baseline("secretariat", lambda w, n: _fresh_consultation(w, organizationIds=[w.orgs["kl"]])),
    "respondNoRemarks": Baseline(
        "sds", lambda w, n: _fresh_consultation(w, organizationId=w.orgs["sundhedsdatastyrelsen"])
    ),
    "saveGeneralRemarks": Baseline(
        "sds",
        lambda w, n: _shared_consultation(w, generalRemarks=f"Generelle bemærkninger {n}"),
        "... on GeneralRemarksSaved { draft { generalRemarks } }",
    ),
    "removeResponseLetter": Baseline("sds", lambda w, n: _fresh_consultation(w)),
    "declineConsultation": Baseline(
        "sds", lambda w, n: _fresh_consultation(w, organizationId=w.orgs["sundhedsdatastyrelsen"])
    ),
    "setNotificationPreference": Baseline(
        "sds", lambda w, n: _const(_in(kind="DECISION_RECORDED", delivery="IMMEDIATE", language="da"))
    ),
    "reportPresence": Baseline(
        "sds", lambda w, n: _const(_in(documentId=w.document, sectionId=w.main, activity="READING"))
    ),
    "leavePresence": Baseline("sds", lambda w, n: _const({"documentId": w.document})),
}


async def _save(w: World, n: int) -> dict[str, Any]:
    return _in(sectionId=w.main, baseVersion=await w.head(w.main), title="Hoved", body=f"Tekst {n}.", summary="")


async def _apply(w: World) -> dict[str, Any]:
    return _in(commentId=await w.new_proposal(), response="Tak, indarbejdet.")


async def _open(w: World) -> dict[str, Any]:
    return {"input": w.round_input(await w.snapshot())}


async def _withdraw(w: World, n: int) -> dict[str, Any]:
    return _in(roundId=await w.open_round(await w.snapshot()), reason=f"Trukket {n}")


async def _consultation_input(w: World) -> dict[str, Any]:
    return {"input": await w.consultation_input()}


async def _extend_consultation(w: World, n: int) -> dict[str, Any]:
    deadline = (w.clock.now() + timedelta(days=40, minutes=n)).isoformat()
    return _in(consultationId=await w.shared_consultation(), deadline=deadline, reason=f"Grund {n}")


async def _shared_consultation(w: World, **fields: Any) -> dict[str, Any]:
    return _in(consultationId=await w.shared_consultation(), **fields)


async def _fresh_consultation(w: World, **fields: Any) -> dict[str, Any]:
    return _in(consultationId=await w.open_consultation(), **fields)
