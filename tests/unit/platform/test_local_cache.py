"""L1: TTL, bounded size, and no stale value stored after an invalidation."""

from redis.exceptions import RedisError

from till.platform.cache import LocalCache, TwoLevelCache


def test_entries_expire_after_the_ttl():
    cache = LocalCache(ttl_seconds=30)
    cache.put("k", b"v", token=0.0, now=100.0)
    assert cache.get("k", 129.9) == b"v" and cache.get("k", 130.0) is None


def test_a_read_that_began_before_an_invalidation_is_not_stored():
    cache = LocalCache(ttl_seconds=30)
    token = 10.0  # the read began
    cache.drop("k", now=11.0)  # a command changed the data meanwhile
    cache.put("k", b"old", token=token, now=12.0)
    assert cache.get("k", 12.0) is None
    cache.put("k", b"new", token=13.0, now=13.0)  # a read begun after it is kept
    assert cache.get("k", 13.0) == b"new"


def test_the_cache_keeps_at_most_its_bound():
    cache = LocalCache(ttl_seconds=30, max_entries=2)
    for key in "abc":
        cache.put(key, b"v", token=0.0, now=1.0)
    assert cache.get("a", 1.0) is None and cache.get("c", 1.0) == b"v"


async def test_without_redis_the_process_cache_is_the_only_level():
    cache = TwoLevelCache(LocalCache(30))
    assert await cache.get("k") is None
    await cache.put("k", b"v", cache.token(), l2_seconds=60)
    assert await cache.get("k") == b"v"
    await cache.invalidate(["k"])
    assert await cache.get("k") is None


class _RedisDown:
    """Every call fails as an unreachable Redis does."""

    def pipeline(self, transaction=False):
        raise RedisError("down")

    async def get(self, key):
        raise RedisError("down")

    async def set(self, *args, **kwargs):
        raise RedisError("down")


async def test_a_key_whose_invalidation_is_pending_is_never_served():
    cache = TwoLevelCache(LocalCache(30), _RedisDown(), "t:")  # type: ignore[arg-type]
    await cache.invalidate(["payment:1"])  # Redis did not take it
    cache.local.put("payment:1", b"old", token=-1.0, now=0.0)  # as if kept
    assert await cache.get("payment:1") is None
    assert "payment:1" in cache._pending


def test_after_a_clear_no_read_begun_before_it_is_stored():
    cache = LocalCache(ttl_seconds=30)
    cache.put("a", b"v", token=1.0, now=1.0)
    cache.clear(now=5.0)  # resubscribed: invalidations may have been missed
    cache.put("b", b"old", token=4.0, now=6.0)
    cache.put("c", b"new", token=6.0, now=6.0)
    assert cache.get("a", 6.0) is None and cache.get("b", 6.0) is None
    assert cache.get("c", 6.0) == b"new"
