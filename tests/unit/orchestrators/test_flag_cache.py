"""Each process reads flags from memory, at most `ttl` seconds old; changes
applied to it are seen at once and never undone by an older reload."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from tests.fakes.feature_flags import InMemoryFlagStore
from till.migration.core.flags import FeatureFlag
from till.migration.shell.orchestrators.flag_cache import FlagCache

T0 = datetime(2026, 3, 1, tzinfo=UTC)
FLAG = FeatureFlag("orders.create", True, 10, frozenset(), T0, "usr_admin")


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def cache_over(store: InMemoryFlagStore, ttl: float = 2.0) -> tuple[FlagCache, Ticks]:
    ticks = Ticks()
    return FlagCache(store.all, ttl, ticks), ticks


async def test_reads_within_the_ttl_are_answered_from_memory():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, ticks = cache_over(store)
    assert (await cache.current())[FLAG.key] == FLAG
    ticks.now += 1.9
    await cache.current()
    assert store.loads == 1


async def test_a_change_elsewhere_is_read_once_the_ttl_runs_out():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, ticks = cache_over(store)
    await cache.current()
    store.flags[FLAG.key] = replace(FLAG, enabled=False, version=2)
    ticks.now += 2.0
    assert (await cache.current())[FLAG.key].enabled is False
    assert store.loads == 2


async def test_an_applied_change_is_seen_at_once_and_an_older_copy_is_ignored():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, _ = cache_over(store)
    await cache.current()
    cache.apply(replace(FLAG, enabled=False, version=2))
    assert (await cache.current())[FLAG.key].enabled is False
    cache.apply(FLAG)  # a reload or a message that started before the change
    assert (await cache.current())[FLAG.key].version == 2


async def test_a_reload_that_returns_an_older_flag_does_not_undo_a_change():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, _ = cache_over(store)
    cache.apply(replace(FLAG, percentage=50, version=2))
    await cache.current()  # the store still has version 1 (a lagging read)
    assert (await cache.current())[FLAG.key].percentage == 50


async def test_expire_forces_a_reload_even_within_the_ttl():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, _ = cache_over(store)
    await cache.current()
    cache.expire()
    await cache.current()
    assert store.loads == 2


async def test_concurrent_readers_of_an_expired_copy_share_one_reload():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, _ = cache_over(store)
    await asyncio.gather(*(cache.current() for _ in range(20)))
    assert store.loads == 1


async def test_a_sync_read_of_an_expired_copy_answers_now_and_refreshes_behind():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, _ = cache_over(store)
    assert cache.cached() == {}  # nothing loaded yet: answered without waiting
    await asyncio.sleep(0)  # the scheduled refresh runs
    assert cache.cached()[FLAG.key] == FLAG
    assert store.loads == 1


async def test_a_failed_background_refresh_keeps_the_last_copy():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, ticks = cache_over(store)
    await cache.current()

    async def broken() -> list[FeatureFlag]:
        raise ConnectionError("database gone")

    cache._load = broken
    ticks.now += 5
    assert cache.cached()[FLAG.key] == FLAG
    await asyncio.sleep(0)
    assert cache.cached()[FLAG.key] == FLAG


async def test_a_zero_ttl_reads_the_store_every_time():
    store = InMemoryFlagStore({FLAG.key: FLAG})
    cache, _ = cache_over(store, ttl=0)
    await cache.current()
    await cache.current()
    assert store.loads == 2


def test_a_sync_read_outside_an_event_loop_answers_what_it_has():
    cache, _ = cache_over(InMemoryFlagStore({FLAG.key: FLAG}))
    cache.apply(FLAG)
    assert cache.cached() == {FLAG.key: FLAG}
