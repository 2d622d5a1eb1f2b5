"""Login throttle counters in Redis, shared by every API process. Redis holds only
what can be lost: if it is down, throttling fails open (and says so in the log)."""

import math
import time

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
