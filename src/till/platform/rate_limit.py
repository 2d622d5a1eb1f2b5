"""Rate limits with GCRA (the generic cell rate algorithm): one timestamp per key,
smooth refill, bursts up to the limit. Redis holds the state when configured, so
every API process shares it; in process otherwise. Redis holds only what can be
lost: if it is down, requests are let through (and a warning is logged)."""

import math
import time
from dataclasses import dataclass
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("till.rate_limit")


@dataclass(frozen=True, slots=True)
class RateRule:
    name: str
    limit: int  # requests allowed per period, and the largest burst
    period_seconds: float


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the bucket is full again
    retry_after_seconds: int  # 0 when allowed


def gcra(tat: float, now: float, rule: RateRule) -> tuple[float, Decision]:
    """One request at `now` against the theoretical arrival time `tat`; returns the
    new tat (unchanged when refused) and the decision."""
    interval = rule.period_seconds / rule.limit
    tat = max(tat, now)
    new_tat = tat + interval
    allow_at = new_tat - rule.period_seconds
    if now < allow_at:
        reset = math.ceil(tat - now)
        retry = max(1, math.ceil(allow_at - now))
        return tat, Decision(False, rule.limit, 0, reset, retry)
    remaining = int((now - allow_at) / interval)
    return new_tat, Decision(True, rule.limit, remaining, math.ceil(new_tat - now), 0)


class RateLimiter(Protocol):
    async def hit(self, key: str, rule: RateRule) -> Decision: ...


class InMemoryRateLimiter:
    def __init__(self, max_keys: int = 100_000) -> None:
        self._tats: dict[str, float] = {}
        self._max_keys = max_keys

    async def hit(self, key: str, rule: RateRule) -> Decision:
        now = time.monotonic()
        if len(self._tats) > self._max_keys:  # bound memory: drop settled keys
            self._tats = {k: t for k, t in self._tats.items() if t > now}
        full_key = f"{rule.name}:{key}"
        tat, decision = gcra(self._tats.get(full_key, 0.0), now, rule)
        self._tats[full_key] = tat
        return decision


# The same arithmetic as gcra(), atomically in Redis, on Redis's clock.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local period = tonumber(ARGV[1])
local interval = period / tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now)
local new_tat = tat + interval
if now < new_tat - period then
  return {0, tostring(tat - now), tostring(new_tat - period - now)}
end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000))
return {1, tostring(new_tat - now), tostring(now - (new_tat - period))}
"""


class RedisRateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._prefix = prefix + "rate:"
        self._script = redis.register_script(_GCRA)

    async def hit(self, key: str, rule: RateRule) -> Decision:
        try:
            allowed, until_full, slack = await self._script(
                keys=[f"{self._prefix}{rule.name}:{key}"],
                args=[rule.period_seconds, rule.limit],
            )
        except RedisError:
            log.warning("rate_limiter_unavailable", rule=rule.name)
            return Decision(True, rule.limit, rule.limit, 0, 0)
        reset = math.ceil(float(until_full))
        if int(allowed):
            interval = rule.period_seconds / rule.limit
            remaining = int(float(slack) / interval)
            return Decision(True, rule.limit, remaining, reset, 0)
        retry = max(1, math.ceil(float(slack)))
        return Decision(False, rule.limit, 0, reset, retry)
