"""Revocations reach every API process without a Redis round trip per request:
pub/sub while subscribed, a reload from PostgreSQL when (re)subscribing, and a
Redis key (or PostgreSQL) while out of sync."""

import asyncio

import httpx
from redis.asyncio import Redis

from tests.integration.conftest import REDIS_URL
from tests.integration.identity.flows import bearer, signed_in
from till.app import create_app
from till.identity.shell.adapters.redis_revocations import RedisSessionRevocations


async def _other_process(infra, auth_settings):
    app = create_app(infra, auth_settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    transport = httpx.ASGITransport(app=app)
    return app, lifespan, httpx.AsyncClient(transport=transport, base_url="http://b")


async def _status_within(http, tokens, expected: int, seconds: float = 2.0) -> int:
    status = 0
    for _ in range(int(seconds / 0.02)):
        status = (await http.get("/v1/auth/me", headers=bearer(tokens))).status_code
        if status == expected:
            break
        await asyncio.sleep(0.02)
    return status


async def test_logout_in_one_process_stops_the_token_in_another(
    client, infra, auth_settings
):
    _, tokens = await signed_in(client)
    app, lifespan, other = await _other_process(infra, auth_settings)
    try:
        assert (await other.get("/v1/auth/me", headers=bearer(tokens))).is_success
        assert app.state.identity_queries.revocations.in_sync
        assert (await client.post("/v1/auth/logout", headers=bearer(tokens))).is_success
        assert await _status_within(other, tokens, 401) == 401
    finally:
        await other.aclose()
        await lifespan.__aexit__(None, None, None)


async def test_a_process_started_after_a_revocation_loads_it(
    client, infra, auth_settings, redis_prefix
):
    _, tokens = await signed_in(client)
    assert (await client.post("/v1/auth/logout", headers=bearer(tokens))).is_success
    redis = Redis.from_url(REDIS_URL)
    try:  # only the database still knows: the reload must find it there
        assert await redis.delete(f"{redis_prefix}revoked:{tokens['session_id']}")
    finally:
        await redis.aclose()
    app, lifespan, other = await _other_process(infra, auth_settings)
    try:
        assert app.state.identity_queries.revocations.in_sync
        me = await other.get("/v1/auth/me", headers=bearer(tokens))
        assert me.status_code == 401
    finally:
        await other.aclose()
        await lifespan.__aexit__(None, None, None)


async def test_out_of_sync_checks_fall_back_to_redis(redis_prefix):
    async def never(_: str) -> bool:
        return False

    async def nothing(_: int) -> list[str]:
        return []

    one, two = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    sender = RedisSessionRevocations(one, redis_prefix, 900, never, nothing)
    receiver = RedisSessionRevocations(two, redis_prefix, 900, never, nothing)
    try:
        assert not receiver.in_sync  # never started: no subscription
        await sender.mark_revoked("ses_gone")
        assert await receiver.is_revoked("ses_gone")
        assert not await receiver.is_revoked("ses_alive")
    finally:
        await one.aclose()
        await two.aclose()


async def test_redis_down_falls_back_to_the_database(redis_prefix):
    async def revoked_in_db(session_id: str) -> bool:
        return session_id == "ses_gone"

    async def nothing(_: int) -> list[str]:
        return []

    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    revocations = RedisSessionRevocations(
        dead, redis_prefix, 900, revoked_in_db, nothing
    )
    try:
        assert await revocations.is_revoked("ses_gone")
        assert not await revocations.is_revoked("ses_alive")
    finally:
        await dead.aclose()
