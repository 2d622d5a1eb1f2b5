"""Session revocation marks, checked on every authenticated request without a
network round trip.

Each API process keeps the set of sessions revoked in the last access-token
lifetime in memory. Revocations reach every process through Redis pub/sub; a
process that (re)subscribes first reloads the set from PostgreSQL, so nothing
committed before the subscription is missed and nothing after it is missed
either (marks are published after the commit). While the subscription is down,
checks fall back to a Redis key per revoked session, and to PostgreSQL when
Redis itself is unreachable: slower, still correct.
"""

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from till.platform.redis_fanout import RedisFanout

log = structlog.get_logger("till.identity.revocations")


class RedisSessionRevocations:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        ttl_seconds: int,
        is_revoked_in_database: Callable[[str], Awaitable[bool]],
        recently_revoked: Callable[[int], Awaitable[list[str]]],
    ) -> None:
        self._redis = redis
        self._keys = prefix + "revoked:"
        self._channel = prefix + "revocations"
        self._ttl = ttl_seconds
        self._in_database = is_revoked_in_database
        self._recently_revoked = recently_revoked
        # session id -> when the mark expires; the TTL is constant, so insertion
        # order is expiry order and expired marks are popped from the front.
        self._local: OrderedDict[str, float] = OrderedDict()
        self._fanout = RedisFanout(
            redis,
            self._channel,
            lambda data: self._remember(data.decode()),
            self._reload,
        )

    @property
    def in_sync(self) -> bool:
        return self._fanout.in_sync

    async def start(self, wait_seconds: float = 2.0) -> None:
        """Subscribe in the background; wait (a little) for the first sync so the
        process serves its first requests without a round trip per check."""
        await self._fanout.start(wait_seconds)

    async def stop(self) -> None:
        await self._fanout.stop()

    async def is_revoked(self, session_id: str) -> bool:
        expires = self._local.get(session_id)
        if expires is not None and expires > time.time():
            return True
        if self._fanout.in_sync:
            return False
        try:
            return bool(await self._redis.exists(self._keys + session_id))
        except RedisError:
            log.warning("revocations_unavailable_checking_database")
            return await self._in_database(session_id)

    async def mark_revoked(self, session_id: str) -> None:
        """Call after the revocation committed: this tells the other processes."""
        self._remember(session_id)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.set(self._keys + session_id, b"1", ex=self._ttl)
                pipe.publish(self._channel, session_id)
                await pipe.execute()
        except RedisError:
            # Refresh stops at once anyway (the database says revoked); other
            # processes may accept the access tokens until they expire.
            log.warning("revocation_not_broadcast", session_id=session_id)

    def _remember(self, session_id: str) -> None:
        now = time.time()
        while self._local and next(iter(self._local.values())) <= now:
            self._local.popitem(last=False)
        self._local.pop(session_id, None)
        self._local[session_id] = now + self._ttl

    async def _reload(self) -> None:
        """On (re)subscription: a revocation published before it is in the
        database by the time we read it."""
        for session_id in await self._recently_revoked(self._ttl):
            self._remember(session_id)
