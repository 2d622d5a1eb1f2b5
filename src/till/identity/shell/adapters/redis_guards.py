"""Login throttle counters and session revocation marks in Redis, shared by every
API process. Redis holds only what can be lost: if it is down, revocation checks
fall back to PostgreSQL (slower, still correct) and throttling fails open."""

import math
import time
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from till.identity.core.throttle import ThrottlePolicy

log = structlog.get_logger("till.identity.redis")

# Mirrors ThrottlePolicy.retry_after: refuse while backing off, else count.
_RESERVE = """
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or 0)
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or 0)
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[3])
if n >= free then
  local lock = tonumber(ARGV[4]) * 2 ^ math.min(n - free, 16)
  lock = math.min(lock, tonumber(ARGV[5]))
  if last + lock > now then
    return tostring(last + lock - now)
  end
end
redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return false
"""

_RECORD_FAILURE = """
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n
"""


class RedisLoginThrottle:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix + "throttle:"
        self._record = redis.register_script(_RECORD_FAILURE)
        self._reserve = redis.register_script(_RESERVE)

    async def retry_after(self, key: str, policy: ThrottlePolicy) -> int | None:
        try:
            n, last = await self._redis.hmget(self._prefix + key, ["n", "last"])
        except RedisError:
            log.warning("throttle_unavailable")
            return None
        if n is None:
            return None
        return policy.retry_after(int(n), float(last or 0), time.time())

    async def reserve(self, key: str, policy: ThrottlePolicy) -> int | None:
        try:
            wait = await self._reserve(
                keys=[self._prefix + key],
                args=[
                    time.time(),
                    policy.window_seconds,
                    policy.free_failures,
                    policy.base_delay_seconds,
                    policy.max_delay_seconds,
                ],
            )
        except RedisError:
            log.warning("throttle_unavailable")
            return None
        return None if wait is None else max(1, math.ceil(float(wait)))

    async def record_failure(self, key: str, policy: ThrottlePolicy) -> None:
        try:
            await self._record(
                keys=[self._prefix + key], args=[time.time(), policy.window_seconds]
            )
        except RedisError:
            log.warning("throttle_unavailable")

    async def reset(self, key: str) -> None:
        try:
            await self._redis.delete(self._prefix + key)
        except RedisError:
            log.warning("throttle_unavailable")


class RedisSessionRevocations:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        ttl_seconds: int,
        fallback: Callable[[str], Awaitable[bool]],
    ) -> None:
        self._redis = redis
        self._prefix = prefix + "revoked:"
        self._ttl = ttl_seconds
        self._fallback = fallback

    async def is_revoked(self, session_id: str) -> bool:
        try:
            return bool(await self._redis.exists(self._prefix + session_id))
        except RedisError:
            log.warning("revocations_unavailable_checking_database")
            return await self._fallback(session_id)

    async def mark_revoked(self, session_id: str) -> None:
        try:
            await self._redis.set(self._prefix + session_id, b"1", ex=self._ttl)
        except RedisError:
            log.warning("revocations_unavailable")
