"""The expected failures of a workflow, as plain data.

Services return a success value or one of these; the API maps each to its typed GraphQL error
(``NotFound``, ``InvalidInput``, ``Forbidden``/``NotSignedIn``, ``VersionConflict``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from bson import ObjectId

from server.ids import Kind
from server.validation import InputProblem


@dataclass(frozen=True)
class Refusal:
    signed_in: bool  # False → NotSignedIn, True → Forbidden
    key: str
    params: dict[str, str] = dataclasses.field(default_factory=dict)
    # Refused for the state of what this input names (a comment already sent), not for who asks:
    # answered as ``InvalidInput`` on that field.
    field: str | None = None


@dataclass(frozen=True)
class Missing:
    what: Kind


@dataclass(frozen=True)
class Invalid:
    field: str
    key: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, problem: InputProblem) -> Invalid:
        return cls(problem.field, problem.key, problem.params)


@dataclass(frozen=True)
class Denied:
    refusal: Refusal


@dataclass(frozen=True)
class Conflict:
    base: str
    current: str
    yours: str
    base_version: int
    current_version: int
    # Who saved the current version, for whom, and when: the conflict screen names the colleague.
    current_author_id: ObjectId | None = None
    current_organization_id: ObjectId | None = None
    current_saved_at: datetime | None = None


Failure = Missing | Invalid | Denied  # what any workflow may answer instead of its result
Problem = Failure | Conflict  # what a save may answer
