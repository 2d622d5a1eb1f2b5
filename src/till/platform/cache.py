"""A read-through cache in two levels: L1 in the process (short TTL), L2 in
Redis (longer), both dropped by the command that changes the data.

Read after write: the writing process drops its L1 entry and the L2 key before
it answers, and tells every other process over pub/sub to drop theirs, waiting
(briefly) until each has acknowledged, so no process serves the old entry after
the command has answered. A read
that started before an invalidation never stores what it read (its token is
older than the invalidation): in L1 by time, in L2 because invalidation leaves
a short tombstone that `SET NX` cannot overwrite. L1 is trusted only while the
invalidation channel is in sync; without Redis only L1 exists and every
invalidation is local (one process)."""

import asyncio
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

import structlog
from prometheus_client import Counter, Gauge
from redis.asyncio import Redis
from redis.exceptions import RedisError

from till.platform.redis_fanout import RedisFanout

log = structlog.get_logger("till.cache")
CACHE_LOOKUPS = Counter(
    "till_cache_lookups_total", "Cache lookups by level and result", ["level", "result"]
)
CACHE_HIT_RATIO = Gauge(
    "till_cache_hit_ratio", "Share of cache lookups answered by L1 or L2"
)
TOMBSTONE = b"\x00gone"
TOMBSTONE_SECONDS = 5
ACK_SECONDS = 0.2  # how long a writer waits for each other process's ack


class LocalCache:
    """L1: bounded, TTL'd, remembers recent invalidations per key."""

    def __init__(self, ttl_seconds: float, max_entries: int = 50_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._dropped: OrderedDict[str, float] = OrderedDict()
        self._cleared_at = float("-inf")

    def get(self, key: str, now: float) -> bytes | None:
        found = self._entries.get(key)
        if found is None or found[0] <= now:
            return None
        return found[1]

    def put(self, key: str, value: bytes, token: float, now: float) -> None:
        if max(self._dropped.get(key, self._cleared_at), self._cleared_at) >= token:
            return  # invalidated after the read began: the value may be stale
        self._entries[key] = (now + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def drop(self, key: str, now: float) -> None:
        self._entries.pop(key, None)
        self._dropped[key] = now
        self._dropped.move_to_end(key)
        while self._dropped and next(iter(self._dropped.values())) < now - self.ttl:
            self._dropped.popitem(last=False)

    def clear(self, now: float) -> None:
        """Drop everything, and refuse what reads begun before now bring back
        (invalidations may have been missed for any key)."""
        self._entries.clear()
        self._cleared_at = now


class TwoLevelCache:
    def __init__(
        self, local: LocalCache, redis: Redis | None = None, prefix: str = "till:"
    ) -> None:
        self.local = local
        self.redis = redis
        self.prefix = prefix + "cache:"
        self.fanout: RedisFanout | None = None
        self._hits = self._lookups = 0
        self._pending: set[str] = set()  # invalidations Redis did not take yet
        self._acks: set[asyncio.Task[None]] = set()
        # Messages carry their sender, so a process skips its own (it dropped
        # those entries before publishing).
        self._origin = f"{os.getpid()}-{secrets.token_hex(4)}"
        # Told of every key changed, here or in another process (live streams).
        self.listeners: list[Callable[[list[str]], None]] = []
        if redis is not None:
            self.fanout = RedisFanout(
                redis, prefix + "cache-invalidations", self._heard, self._resync
            )

    async def start(self) -> None:
        if self.fanout is not None:
            await self.fanout.start()

    async def stop(self) -> None:
        if self.fanout is not None:
            await self.fanout.stop()

    @staticmethod
    def token() -> float:
        """Take before reading the source; give to `put`."""
        return time.monotonic()

    async def get(self, key: str) -> bytes | None:
        if key in self._pending:
            return None  # its invalidation has not reached Redis yet: no cache
        if self._l1_trusted():
            found = self.local.get(key, time.monotonic())
            if found is not None:
                return self._count("l1", found)
        if self.redis is None:
            return self._count("l1", None)
        try:
            stored = await self.redis.get(self.prefix + key)
        except RedisError:
            stored = None
        found = stored if isinstance(stored, bytes) and stored != TOMBSTONE else None
        return self._count("l2", found)

    async def put(
        self, key: str, value: bytes, token: float, l2_seconds: int, l1: bool = True
    ) -> None:
        if l1 and self._l1_trusted():
            self.local.put(key, value, token, time.monotonic())
        if self.redis is not None:
            try:  # NX: never over an invalidation's tombstone
                await self.redis.set(self.prefix + key, value, ex=l2_seconds, nx=True)
            except RedisError:
                log.warning("cache_put_failed")

    async def invalidate(self, keys: list[str]) -> None:
        now = time.monotonic()
        for key in keys:
            self.local.drop(key, now)
        self._tell(keys)
        if self.redis is None or self.fanout is None:
            return
        wanted = sorted(self._pending.union(keys))
        message_id = secrets.token_hex(8)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in wanted:
                    pipe.set(self.prefix + key, TOMBSTONE, ex=TOMBSTONE_SECONDS)
                pipe.publish(
                    self.fanout.channel,
                    "\n".join([self._origin, message_id, *wanted]),
                )
                receivers = int((await pipe.execute())[-1])
            others = receivers - (1 if self.fanout.in_sync else 0)
            await self._await_acks(message_id, others)
        except RedisError:
            # Kept and sent with the next invalidation or on resync; meanwhile
            # Redis is unreachable for readers too, and every process out of
            # sync clears its L1 when it subscribes again.
            self._pending.update(keys)
            log.warning("cache_invalidation_deferred", keys=len(self._pending))
        else:
            self._pending.clear()

    def _l1_trusted(self) -> bool:
        return self.fanout is None or self.fanout.in_sync

    async def _await_acks(self, message_id: str, others: int) -> None:
        """Every other process dropped the keys before the command answers,
        so a read that follows the answer, anywhere, misses its L1. A process
        that does not ack in time is logged (it resyncs when it can)."""
        assert self.redis is not None  # noqa: S101 (only called with Redis)
        key = f"{self.prefix}ack:{message_id}"
        for _ in range(max(others, 0)):
            if await self.redis.blpop([key], timeout=ACK_SECONDS) is None:
                log.warning("cache_invalidation_unacknowledged", missing=others)
                return

    def _heard(self, data: bytes) -> None:
        origin, message_id, *keys = data.decode().split("\n")
        if origin == self._origin:
            return
        now = time.monotonic()
        for key in keys:
            self.local.drop(key, now)
        self._tell(keys)
        task = asyncio.get_running_loop().create_task(self._ack(message_id))
        self._acks.add(task)
        task.add_done_callback(self._acks.discard)

    async def _ack(self, message_id: str) -> None:
        assert self.redis is not None  # noqa: S101 (only called with Redis)
        key = f"{self.prefix}ack:{message_id}"
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.lpush(key, b"1")
                pipe.expire(key, 10)
                await pipe.execute()
        except RedisError:
            log.warning("cache_ack_failed")

    def _tell(self, keys: list[str]) -> None:
        for listener in self.listeners:
            listener(keys)

    async def _resync(self) -> None:
        self.local.clear(time.monotonic())  # missed invalidations: start over
        if self._pending:
            await self.invalidate([])

    def _count(self, level: str, found: bytes | None) -> bytes | None:
        """One count per lookup, at the level that answered it (or missed
        last)."""
        CACHE_LOOKUPS.labels(level, "miss" if found is None else "hit").inc()
        self._lookups += 1
        self._hits += found is not None
        CACHE_HIT_RATIO.set(self._hits / self._lookups)
        return found
