"""Making fresh documents through the API for drafting tests."""

from __future__ import annotations

import itertools
from typing import Any

from tests.support import Api

_n = itertools.count()

SAVE = """mutation($input: SaveSectionInput!) { saveSection(input: $input) {
  __typename
  ... on SectionSaved { merged mergedFromColleague changed version { number body title } section { id version body } }
  ... on VersionConflict {
    base current yours baseVersion currentVersion message
    currentSavedAt currentAuthor { name } currentOrganization { shortName }
  }
  ... on InvalidInput { field message }
  ... on UserError { message }
} }"""


async def org_ids(api: Api, *slugs: str) -> list[str]:
    data = await api.execute("{ organizations { id slug } }")
    by_slug = {o["slug"]: o["id"] for o in data["organizations"]}
    return [by_slug[s] for s in slugs]


async def new_document(
    secretariat: Api, sections: list[tuple[str, str]], participants: tuple[str, ...] = ("kl", "danske-regioner")
) -> dict[str, Any]:
    """A fresh document with the given (title, body) sections; returns its id and section ids."""
    data = await secretariat.execute(
        """mutation($input: CreateDocumentInput!) { createDocument(input: $input) {
             __typename ... on DocumentCreated { document { id slug } } ... on UserError { message } } }""",
        {
            "input": {
                "title": "Testdokument",
                "kind": "STRATEGY",
                "slug": f"test-{next(_n)}-{id(secretariat)}",
                "participantIds": await org_ids(secretariat, *participants),
            }
        },
    )
    document = data["createDocument"]["document"]
    section_ids = []
    for title, body in sections:
        added = await secretariat.execute(
            """mutation($input: AddSectionInput!) { addSection(input: $input) {
                 __typename ... on SectionAdded { section { id } } ... on UserError { message } } }""",
            {"input": {"documentId": document["id"], "title": title, "body": body}},
        )
        section_ids.append(added["addSection"]["section"]["id"])
    return {"id": document["id"], "slug": document["slug"], "sections": section_ids}


async def save(
    api: Api, section_id: str, base: int, body: str, title: str = "Afsnit", summary: str = ""
) -> dict[str, Any]:
    data = await api.execute(
        SAVE,
        {"input": {"sectionId": section_id, "baseVersion": base, "title": title, "body": body, "summary": summary}},
    )
    return data["saveSection"]  # type: ignore[no-any-return]
