"""The permission matrix harness: every mutation × every kind of user, with the exact answer.

Each feature lists its cases in a module ``tests/api/matrix_<feature>.py`` exposing ``CASES``;
``test_permission_matrix`` finds them all and fails when a mutation of the schema has no case.

Actors: anonymous; the secretariat (SDS); and users of a participating organisation (KL) and of
a non-participating one (Digitaliseringsstyrelsen) in each role. Expected answers:
O = the success type, N = NotSignedIn, F = Forbidden, M = NotFound, I = InvalidInput,
C = InvalidCredentials.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.support import DEMO_PASSWORD, KL, KL_COMMENTER, SECRETARIAT, Api

ACTORS: dict[str, str | None] = {
    "anon": None,
    "secretariat": SECRETARIAT,
    "kl_editor": KL,  # EDITOR, APPROVER of KL (participates)
    "kl_commenter": KL_COMMENTER,
    "kl_reader": "laeser@kl.example",
    "digst_editor": "styregruppe@digst.example",  # EDITOR, APPROVER of a non-participant
    "digst_commenter": "kommentar@digst.example",
}
EXTRA_USERS = [
    ("laeser@kl.example", "Lars Læser", "kl", ["READER"]),
    ("styregruppe@digst.example", "Dorthe Digital", "digitaliseringsstyrelsen", ["EDITOR", "APPROVER"]),
    ("kommentar@digst.example", "Dennis Digital", "digitaliseringsstyrelsen", ["COMMENTER"]),
]
LETTERS = {"N": "NotSignedIn", "F": "Forbidden", "M": "NotFound", "I": "InvalidInput", "C": "InvalidCredentials"}

# What only the secretariat may do on a document.
SECRETARIAT_ONLY = "anon:N secretariat:O kl_editor:F kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"
# Nobody may act for another organisation — not even a user of a party to the same round or consultation.
NOBODY = "anon:N secretariat:F kl_editor:F kl_commenter:F kl_reader:F digst_editor:M digst_commenter:M"

_SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id } } } }"""
_NOW = "query($id: ID!) { node(id: $id) { ... on Document { createdAt } } }"


def op(name: str, input_type: str) -> str:
    """A case's operation: the mutation ``name`` with its ``input``, selecting only the answer's type."""
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}"


@dataclass(frozen=True)
class Case:
    """One mutation: how to prepare fresh targets, the operation, and who gets what."""

    mutation: str
    operation: str  # a GraphQL document whose top-level field is `mutation`, selecting __typename
    prepare: Callable[[World, str], Awaitable[dict[str, Any]]]  # (world, actor) → variables
    expect: str  # "anon:N secretariat:O kl_editor:O …" (every actor named)
    success: str
    name: str = ""

    def expected(self, actor: str) -> str:
        table = dict(pair.split(":") for pair in self.expect.split())
        assert set(table) == set(ACTORS), f"{self.mutation}: the matrix must name every actor"
        letter = table[actor]
        return self.success if letter == "O" else LETTERS[letter]

    @property
    def id(self) -> str:
        return self.name or self.mutation


@dataclass
class World:
    """Fresh targets for a case, made through the API by the secretariat."""

    url: str
    secretariat: Api
    ids: dict[str, str] = field(default_factory=dict)

    async def organization_id(self, slug: str) -> str:
        if slug not in self.ids:
            data = await self.secretariat.execute("{ organizations { id slug } }")
            self.ids.update({o["slug"]: o["id"] for o in data["organizations"]})
        return self.ids[slug]

    async def new_document(self, participants: tuple[str, ...] = ("kl",)) -> dict[str, str]:
        """A document with one section, in which SDS and the given organisations participate."""
        org_ids = [await self.organization_id(slug) for slug in participants]
        data = await self.secretariat.execute(
            """mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
                 __typename ... on DocumentCreated { document { id } } ... on UserError { message } } }""",
            {
                "input": {
                    "title": "Matrixdokument",
                    "kind": "STRATEGY",
                    "participantIds": org_ids,
                    "slug": f"matrix-{len(self.ids)}-{id(self)}-{_counter()}",
                }
            },
        )
        document_id = data["createDocument"]["document"]["id"]
        added = await self.secretariat.execute(
            """mutation($input: AddSectionInput!) { addSection(input: $input) {
                 __typename ... on SectionAdded { section { id version } } } }""",
            {"input": {"documentId": document_id, "title": "Formål", "body": "Første afsnit.\n\nAndet afsnit."}},
        )
        return {"document": document_id, "section": added["addSection"]["section"]["id"]}

    async def snapshot(self) -> tuple[str, datetime]:
        """A fresh snapshot of a document in which KL and Danske Regioner take part, and the server's time."""
        doc = await self.new_document(participants=("kl", "danske-regioner"))
        data = await self.secretariat.execute(_SNAPSHOT, {"input": {"documentId": doc["document"]}})
        now = await self.secretariat.execute(_NOW, {"id": doc["document"]})
        return data["createSnapshot"]["snapshot"]["id"], datetime.fromisoformat(now["node"]["createdAt"])

    async def opened(self, operation: str, variables: dict[str, Any], success: str) -> dict[str, Any]:
        """What the secretariat's ``operation`` (a single mutation) answers, which must be ``success``."""
        data = await self.secretariat.execute(operation, variables)
        [result] = data.values()
        assert result["__typename"] == success, result
        return dict(result)

    async def client(self, actor: str) -> Api:
        email = ACTORS[actor]
        api = Api(self.url)
        if email is not None:
            await api.sign_in(email, DEMO_PASSWORD)
        return api


_count = 0


def _counter() -> int:
    global _count
    _count += 1
    return _count
