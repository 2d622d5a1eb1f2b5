"""Per-IP limits on the credential endpoints, counted in Redis."""

import pytest

from tests.integration.identity.flows import unique_email
from till.platform.rate_limit import RateRule, RedisRateLimiter


@pytest.fixture
def auth_settings(auth_settings):
    return auth_settings.model_copy(update={"rate_limit_per_minute": 3})


async def test_credential_endpoints_carry_rate_limit_headers_and_answer_429(client):
    body = {"email": unique_email(), "password": "x" * 14}
    seen = [await client.post("/v1/auth/login", json=body) for _ in range(4)]
    assert [r.status_code for r in seen] == [401, 401, 401, 429]
    ok_register = await client.post(
        "/v1/auth/register", json={"email": unique_email(), "password": "y" * 3}
    )
    assert ok_register.status_code == 429  # the same per-IP budget
    limited = seen[-1]
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["ratelimit-limit"] == "3"
    assert limited.headers["ratelimit-remaining"] == "0"


async def test_error_responses_carry_the_rate_limit_headers_too(client):
    body = {"email": unique_email(), "password": "x" * 14}
    response = await client.post("/v1/auth/login", json=body)
    assert response.status_code == 401
    assert response.headers["ratelimit-limit"] == "3"
    assert response.headers["ratelimit-remaining"] == "2"


async def test_successful_responses_show_the_remaining_budget(client):
    response = await client.post(
        "/v1/auth/register",
        json={"email": unique_email(), "password": "correct horse battery"},
    )
    assert response.status_code == 201
    assert response.headers["ratelimit-limit"] == "3"
    assert response.headers["ratelimit-remaining"] == "2"
    assert 0 < int(response.headers["ratelimit-reset"]) <= 60


async def test_redis_limiter_is_shared_by_every_process(client, redis_prefix):
    import redis.asyncio as aioredis

    from tests.integration.conftest import REDIS_URL

    rule = RateRule("shared", limit=2, period_seconds=60.0)
    one = aioredis.Redis.from_url(REDIS_URL)
    two = aioredis.Redis.from_url(REDIS_URL)
    try:
        first = RedisRateLimiter(one, redis_prefix)
        second = RedisRateLimiter(two, redis_prefix)
        results = [
            (await first.hit("ip:9", rule)).allowed,
            (await second.hit("ip:9", rule)).allowed,
            (await first.hit("ip:9", rule)).allowed,
        ]
    finally:
        await one.aclose()
        await two.aclose()
    assert results == [True, True, False]


async def test_redis_down_lets_requests_through(redis_prefix):
    import redis.asyncio as aioredis

    dead = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RedisRateLimiter(dead, redis_prefix)
    decision = await limiter.hit("ip:1", RateRule("x", 1, 60.0))
    await dead.aclose()
    assert decision.allowed
