"""Shadow reads (issue 5): a sampled share of the GETs legacy answers is also
read from the new store and compared (`core/shadow_compare`); the client has
already been answered with legacy's. Comparisons run as background tasks, at
most `max_in_flight` at once (beyond that a sample is skipped and counted):
they add no latency to the answer and cannot pile up. Writes are never
shadowed."""

import asyncio
import random
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import structlog

from till.kernel.clock import Clock
from till.migration.core.router_ports import NewOrderSnapshots, OrderObject, ShadowLog
from till.migration.core.shadow_compare import shadow_differences
from till.platform.metrics import SHADOW_READS

log = structlog.get_logger("till.migration.shadow")


class ShadowReads:
    def __init__(
        self,
        orders: NewOrderSnapshots,
        verdicts: ShadowLog,
        clock: Clock,
        *,
        sample: float,
        draw: Callable[[], float] = random.random,  # nosec B311
        max_in_flight: int = 8,
    ) -> None:
        self.orders = orders
        self.verdicts = verdicts
        self.clock = clock
        self.sample = sample
        self.draw = draw
        self.max_in_flight = max_in_flight
        self._running: set[asyncio.Task[None]] = set()

    def after_get(self, route: str, answered: OrderObject) -> None:
        """Legacy answered one order: maybe compare it."""
        if self._sampled(route):
            self._spawn(route, self._one(route, answered))

    def after_list(self, route: str, answered: Sequence[OrderObject]) -> None:
        """Legacy answered a list page: maybe compare every order on it."""
        if answered and self._sampled(route):
            self._spawn(route, self._many(route, list(answered)))

    async def drain(self) -> None:
        """Wait for the comparisons running (shutdown, tests)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    def _sampled(self, route: str) -> bool:
        return self.sample > 0 and self.draw() < self.sample

    def _spawn(self, route: str, work: Coroutine[Any, Any, None]) -> None:
        if len(self._running) >= self.max_in_flight:
            work.close()
            SHADOW_READS.labels(route, "skipped").inc()
            return
        task = asyncio.get_running_loop().create_task(self._guarded(route, work))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _guarded(self, route: str, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception as error:  # a shadow must never hurt the answer
            SHADOW_READS.labels(route, "error").inc()
            log.warning("shadow_read_failed", route=route, error=type(error).__name__)

    async def _one(self, route: str, answered: OrderObject) -> None:
        await self._verdict(route, answered, await self.orders.snapshot(answered["id"]))

    async def _many(self, route: str, answered: list[OrderObject]) -> None:
        ids = [o["legacy_id"] for o in answered if o.get("legacy_id") is not None]
        found = await self.orders.orders_by_legacy_ids(ids) if ids else {}
        for order in answered:
            await self._verdict(route, order, found.get(order.get("legacy_id") or 0))

    async def _verdict(
        self, route: str, answered: OrderObject, new: OrderObject | None
    ) -> None:
        differences = shadow_differences(answered, new)
        await self.verdicts.record(
            route, str(answered.get("id")), differences, self.clock.now()
        )
        SHADOW_READS.labels(route, "mismatch" if differences else "match").inc()
