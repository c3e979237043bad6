"""Every mutation × every kind of user: allowed, or exactly which refusal (DESIGN.md §4.4)."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.accounts import passwords
from server.accounts.model import Role
from server.api.schema import build_schema
from server.store import Store
from tests.api.matrix import ACTORS, EXTRA_USERS, Case, World
from tests.support import DEMO_PASSWORD, SECRETARIAT, Api, RunningApp


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(Path(__file__).parent.glob("matrix_*.py")):
        cases.extend(importlib.import_module(f"tests.api.{path.stem}").CASES)
    return cases


CASES = _all_cases()


@pytest.fixture(scope="session")
async def world(app: RunningApp, store: Store) -> AsyncIterator[World]:
    password_hash = await passwords.hash_password(DEMO_PASSWORD)
    for email, name, org_slug, roles in EXTRA_USERS:
        if await store.accounts.credentials(email) is None:
            org = await store.accounts.organization_by_slug(org_slug)
            assert org is not None
            await store.accounts.create_user(
                email=email,
                name=name,
                organization_id=org.id,
                roles=[Role(r) for r in roles],
                password_hash=password_hash,
                at=app.clock.now(),
            )
    secretariat = Api(app.url)
    await secretariat.sign_in(SECRETARIAT)
    yield World(app.url, secretariat)
    await secretariat.close()


def test_every_mutation_has_a_matrix_case() -> None:
    mutation_type = build_schema()._schema.mutation_type
    assert mutation_type is not None
    covered = {case.mutation for case in CASES}
    assert set(mutation_type.fields) - covered == set()


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
async def test_permission_matrix(world: World, case: Case, actor: str) -> None:
    variables = await case.prepare(world, actor)
    client = await world.client(actor)
    try:
        response = await client.raw(case.operation, variables)
        payload = response.json()
        assert "errors" not in payload, payload
        assert payload["data"][case.mutation]["__typename"] == case.expected(actor)
    finally:
        await client.close()
