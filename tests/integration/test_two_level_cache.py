"""The two-level cache over the real Redis, with two caches standing for two
API processes: an invalidation in one reaches the other's L1 and L2."""

import pytest
from redis.asyncio import Redis

from tests.integration.conftest import REDIS_URL
from till.platform.cache import LocalCache, TwoLevelCache


@pytest.fixture
async def pair(redis_prefix):
    redis_a, redis_b = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    a = TwoLevelCache(LocalCache(30), redis_a, redis_prefix)
    b = TwoLevelCache(LocalCache(30), redis_b, redis_prefix)
    await a.start()
    await b.start()
    yield a, b
    for cache, redis in ((a, redis_a), (b, redis_b)):
        await cache.stop()
        await redis.aclose()


async def test_a_value_put_by_one_process_is_served_to_another_from_l2(pair):
    a, b = pair
    await a.put("payment:1", b"v1", a.token(), l2_seconds=60)
    assert await b.get("payment:1") == b"v1"


async def test_an_invalidation_clears_the_other_processes_l1(pair):
    a, b = pair
    await b.put("payment:1", b"old", b.token(), l2_seconds=60)
    assert b.local.get("payment:1", b.token()) == b"old"
    await a.invalidate(["payment:1"])
    # a waited for b's acknowledgement: dropped already, not eventually
    assert b.local.get("payment:1", b.token()) is None
    assert await b.get("payment:1") is None


async def test_a_read_begun_before_an_invalidation_cannot_refill_l2(pair):
    a, b = pair
    token = b.token()  # b reads the database (old value)...
    await a.invalidate(["payment:1"])  # ...a commits a change meanwhile
    await b.put("payment:1", b"old", token, l2_seconds=60)
    assert await a.get("payment:1") is None
    assert await b.get("payment:1") is None
