"""GraphQL for the glossary page: Udkast's words (``server/glossary.json``) in the reader's language."""

from __future__ import annotations

from typing import Any

import strawberry

from server import glossary
from server.api.context import Info
from server.messages import Language


@strawberry.type(description="One word of Udkast's vocabulary, as the glossary defines it.")
class GlossaryTerm:
    term: str = strawberry.field(description="The word, in the request's language.")
    definition: str
    in_other_language: str = strawberry.field(description="The same word in the other language (Danish or English).")
    avoid: list[str] = strawberry.field(description="Words not to use for it, in the request's language.")


def _term(entry: dict[str, Any], language: Language) -> GlossaryTerm:
    other: Language = "en" if language == "da" else "da"
    return GlossaryTerm(
        term=entry[language],
        definition=entry["definition"][language],
        in_other_language=entry[other],
        avoid=list(entry["avoid"][language]),
    )


@strawberry.type
class GlossaryQuery:
    @strawberry.field(
        description="The glossary, in the order it is written, in the request's language. Public: the words of "
        "the product are no secret, and the sign-in page links to them too."
    )
    def glossary(self, info: Info) -> list[GlossaryTerm]:
        return [_term(entry, info.context.language) for entry in glossary.glossary()["terms"]]
