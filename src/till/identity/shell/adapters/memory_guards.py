"""In-process login throttle and session revocations, for the embedded default
(one process, no Redis). Same contracts as the Redis adapters."""

import time

from till.identity.core.throttle import ThrottlePolicy

MAX_KEYS = 100_000


class InMemoryLoginThrottle:
    def __init__(self) -> None:
        self._counters: dict[str, tuple[int, float]] = {}

    async def retry_after(self, key: str, policy: ThrottlePolicy) -> int | None:
        failures, last = self._live(key, policy)
        return policy.retry_after(failures, last, time.time())

    async def reserve(self, key: str, policy: ThrottlePolicy) -> int | None:
        # No await between the check and the count: atomic on the event loop.
        wait = policy.retry_after(*self._live(key, policy), time.time())
        if wait is None:
            self._count(key, policy)
        return wait

    async def record_failure(self, key: str, policy: ThrottlePolicy) -> None:
        self._count(key, policy)

    def _count(self, key: str, policy: ThrottlePolicy) -> None:
        failures, _ = self._live(key, policy)
        now = time.time()
        if len(self._counters) >= MAX_KEYS:  # bound memory: forget quiet keys
            self._counters = {
                k: v
                for k, v in self._counters.items()
                if now - v[1] <= policy.max_delay_seconds
            }
        self._counters[key] = (failures + 1, now)

    async def reset(self, key: str) -> None:
        self._counters.pop(key, None)

    def _live(self, key: str, policy: ThrottlePolicy) -> tuple[int, float]:
        failures, last = self._counters.get(key, (0, 0.0))
        if time.time() - last > policy.window_seconds:
            return 0, 0.0
        return failures, last


class InMemorySessionRevocations:
    def __init__(self, ttl_seconds: int) -> None:
        self._ttl = ttl_seconds
        self._revoked: dict[str, float] = {}

    async def is_revoked(self, session_id: str) -> bool:
        expires = self._revoked.get(session_id)
        return expires is not None and expires > time.time()

    async def mark_revoked(self, session_id: str) -> None:
        now = time.time()
        if len(self._revoked) >= MAX_KEYS:  # bound memory: forget expired marks
            self._revoked = {k: v for k, v in self._revoked.items() if v > now}
        self._revoked[session_id] = now + self._ttl
