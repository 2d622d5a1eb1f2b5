"""Each process's copy of every flag, kept at most `ttl` seconds old.

Flags are read on every routed orders request, so they are read from memory:
the whole table (a handful of rows) is reloaded when the copy is older than
the TTL. A change made in this process is applied at once; one made in another
process arrives through the fan-out (when Redis is there) and is applied on
receipt, or is read at the latest when the TTL runs out. Flags carry a
version, and the copy keeps the highest it has seen of each, so a reload that
began before a change can never bring the old flag back."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

import structlog

from till.migration.core.flags import FeatureFlag

log = structlog.get_logger("till.flags")


class FlagCache:
    """FlagSnapshot over a loader of every flag (the store's `all`)."""

    def __init__(
        self,
        load: Callable[[], Awaitable[list[FeatureFlag]]],
        ttl_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self.ttl = ttl_seconds
        self._now = monotonic
        self._flags: dict[str, FeatureFlag] = {}
        self._fresh_until = float("-inf")
        self._generation = 0  # bumped by expire(): reloads begun before are stale
        self._lock = asyncio.Lock()
        self._refresh: asyncio.Task[None] | None = None

    def apply(self, flag: FeatureFlag) -> None:
        known = self._flags.get(flag.key)
        if known is None or flag.version > known.version:
            # Copy on write: a mapping handed out earlier never changes under
            # its reader.
            self._flags = {**self._flags, flag.key: flag}

    def expire(self) -> None:
        """Reload before the next answer (changes may have been missed)."""
        self._generation += 1
        self._fresh_until = float("-inf")

    def cached(self) -> Mapping[str, FeatureFlag]:
        if self._expired() and (self._refresh is None or self._refresh.done()):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return self._flags
            self._refresh = loop.create_task(self._reload_quietly())
        return self._flags

    async def current(self) -> Mapping[str, FeatureFlag]:
        if self._expired():
            async with self._lock:  # one reload at a time; the others wait
                if self._expired():
                    await self.reload()
        return self._flags

    async def reload(self) -> None:
        started, generation = self._now(), self._generation
        for flag in await self._load():
            self.apply(flag)
        if generation == self._generation:
            self._fresh_until = started + self.ttl

    def _expired(self) -> bool:
        return self._now() >= self._fresh_until

    async def _reload_quietly(self) -> None:
        try:
            await self.current()
        except Exception as error:  # the next read tries again
            log.warning("flag_reload_failed", error_type=type(error).__name__)
