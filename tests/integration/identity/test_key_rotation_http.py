"""Signing-key rotation across processes (`till keys rotate-signing` /
`retire-signing`): publish first, sign later, verify everywhere, retire."""

from datetime import UTC, datetime, timedelta

import httpx
import jwt
from sqlalchemy.ext.asyncio import create_async_engine

from tests.integration.identity.flows import bearer, login, register
from till.app import create_app, retire_signing_keys, rotate_signing_key
from till.app.identity import data_keyring
from till.identity.shell.adapters.postgres_signing_keys import add_signing_key
from till.platform.settings import InfraSettings


async def _backdated_key(database_url: str, minutes: int) -> str:
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        kid = await add_signing_key(
            conn,
            data_keyring(InfraSettings()),
            at=datetime.now(UTC) - timedelta(minutes=minutes),
        )
    await engine.dispose()
    return kid


def _kid(tokens: dict) -> str:
    return str(jwt.get_unverified_header(tokens["access_token"])["kid"])


async def _in_a_new_process(infra, auth_settings, steps):
    app = create_app(infra, auth_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://n") as http:
            return await steps(http)


async def test_a_new_key_is_published_at_once_but_does_not_sign_yet(
    client, infra, auth_settings, database_url
):
    user = await register(client)
    new_kid = await rotate_signing_key(database_url, InfraSettings())

    async def steps(http):
        jwks = (await http.get("/.well-known/jwks.json")).json()
        return {k["kid"] for k in jwks["keys"]}, await login(http, user["email"])

    published, tokens = await _in_a_new_process(infra, auth_settings, steps)
    assert new_kid in published
    assert _kid(tokens) != new_kid


async def test_a_token_signed_by_an_activated_key_verifies_in_an_older_process(
    client, infra, auth_settings, database_url
):
    user = await register(client)
    old_tokens = await login(client, user["email"])
    active_kid = await _backdated_key(database_url, minutes=10)

    async def steps(http):
        tokens = await login(http, user["email"])
        me_with_old = await http.get("/v1/auth/me", headers=bearer(old_tokens))
        return tokens, me_with_old.status_code

    new_tokens, old_status = await _in_a_new_process(infra, auth_settings, steps)
    assert _kid(new_tokens) == active_kid and old_status == 200
    # the first process meets an unknown kid, reloads its keyring and accepts it
    me = await client.get("/v1/auth/me", headers=bearer(new_tokens))
    assert me.status_code == 200 and me.json()["id"] == user["id"]


async def test_retired_keys_stop_verifying(client, infra, auth_settings, database_url):
    user = await register(client)
    tokens = await login(client, user["email"])
    newest = await rotate_signing_key(
        database_url, InfraSettings()
    )  # younger than every other key
    assert await retire_signing_keys(database_url, keep=1) >= 1

    async def steps(http):
        jwks = (await http.get("/.well-known/jwks.json")).json()
        me = await http.get("/v1/auth/me", headers=bearer(tokens))
        return {k["kid"] for k in jwks["keys"]}, me.status_code

    published, status = await _in_a_new_process(infra, auth_settings, steps)
    assert published == {newest} and status == 401
