"""Permission matrix cases for accounts: sign-in, sign-out, invitations, user activity."""

from __future__ import annotations

from typing import Any

from tests.api.matrix import Case, World


async def _none(world: World, actor: str) -> dict[str, Any]:
    return {}


async def _unknown_email(world: World, actor: str) -> dict[str, Any]:
    return {"email": f"ingen-{actor}-{id(world)}@matrix.example"}


async def _invite(world: World, actor: str) -> dict[str, Any]:
    org = await world.organization_id("plo")
    return {
        "input": {
            "email": f"ny-{actor}-{id(world)}@plo.example",
            "name": "Ny Bruger",
            "organizationId": org,
            "roles": ["COMMENTER"],
        }
    }


async def _accept(world: World, actor: str) -> dict[str, Any]:
    return {"input": {"token": "not-a-real-token", "password": "en-lang-og-god-adgangssaetning"}}


async def _set_active(world: World, actor: str) -> dict[str, Any]:
    data = await world.secretariat.execute("{ users { id email } }")
    target = next(u["id"] for u in data["users"] if u["email"] == "kommentar@plo.example")
    return {"input": {"userId": target, "active": True}}


CASES = [
    Case(
        "signIn",
        'mutation($email: String!) { signIn(email: $email, password: "forkert-adgangskode") { __typename } }',
        _unknown_email,
        "anon:C secretariat:C kl_editor:C kl_commenter:C kl_reader:C digst_editor:C digst_commenter:C",
        success="SignedIn",
    ),
    Case(
        "signOut",
        "mutation { signOut { __typename } }",
        _none,
        "anon:N secretariat:O kl_editor:O kl_commenter:O kl_reader:O digst_editor:O digst_commenter:O",
        success="SignedOut",
    ),
    Case(
        "inviteUser",
        "mutation($input: InviteUserInput!) { inviteUser(input: $input) { __typename } }",
        _invite,
        "anon:N secretariat:O kl_editor:F kl_commenter:F kl_reader:F digst_editor:F digst_commenter:F",
        success="UserInvited",
    ),
    Case(
        "acceptInvitation",
        "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { __typename } }",
        _accept,
        "anon:I secretariat:I kl_editor:I kl_commenter:I kl_reader:I digst_editor:I digst_commenter:I",
        success="InvitationAccepted",
    ),
    Case(
        "setUserActive",
        "mutation($input: SetUserActiveInput!) { setUserActive(input: $input) { __typename } }",
        _set_active,
        "anon:N secretariat:O kl_editor:F kl_commenter:F kl_reader:F digst_editor:F digst_commenter:F",
        success="UserActivityChanged",
    ),
]
