"""Signing-key rotation across processes: tokens from a process started after
`till keys rotate-signing` verify in a process started before it."""

import httpx
import jwt

from tests.integration.identity.flows import bearer, login, register
from till.app import create_app, rotate_signing_key


async def test_token_signed_with_a_rotated_key_verifies_in_an_older_process(
    client, infra, auth_settings, database_url
):
    user = await register(client)
    old_tokens = await login(client, user["email"])
    old_kid = jwt.get_unverified_header(old_tokens["access_token"])["kid"]

    new_kid = await rotate_signing_key(database_url)
    newer_app = create_app(infra, auth_settings)
    async with newer_app.router.lifespan_context(newer_app):
        transport = httpx.ASGITransport(app=newer_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://n") as new:
            new_tokens = await login(new, user["email"])
            assert (
                jwt.get_unverified_header(new_tokens["access_token"])["kid"] == new_kid
            )
            # the new process still accepts tokens signed with the old key
            assert (await new.get("/v1/auth/me", headers=bearer(old_tokens))).is_success
            jwks = (await new.get("/.well-known/jwks.json")).json()
            assert {old_kid, new_kid} <= {k["kid"] for k in jwks["keys"]}

    me = await client.get("/v1/auth/me", headers=bearer(new_tokens))
    assert me.status_code == 200 and me.json()["id"] == user["id"]
