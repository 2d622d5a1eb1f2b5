"""The dual-write: order.* events of the new service copied into the legacy
tables while the migration runs.

Two halves, so that MariaDB being away never loses or reorders anything:
`on_event` (a consumer of the published order events, in-process bus or
RabbitMQ with the inbox) only records the order's newest state in PostgreSQL
(`legacy_sync`, ordered by the order's `updated_at`), and `run` writes the
pending states to legacy, oldest first, each order leased to one writer at a
time. A failed write stays pending and is retried after a back-off; a write
legacy can never accept is parked and counted (the lag shows it)."""

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

import structlog

from till.kernel.clock import Clock
from till.kernel.errors import DomainError
from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_orders import NewOrder
from till.migration.core.legacy_sync import SyncState, heard_order_event
from till.migration.core.sync_ports import Lag, LegacySyncStore
from till.migration.shell.orchestrators.legacy_writer import LegacyWriter
from till.platform.metrics import (
    LEGACY_SYNC_LAG,
    LEGACY_SYNC_PARKED,
    LEGACY_SYNC_PENDING,
)

log = structlog.get_logger("till.migration.dual_write")


class LegacyUnavailable(Exception):
    """A write to legacy failed for a reason that should pass (retried)."""


class DualWriteStatus:
    """What `GET /v1/admin/migration/status` shows of the dual-write; reading
    it also refreshes the Prometheus gauges."""

    def __init__(self, store: LegacySyncStore, clock: Clock, enabled: bool) -> None:
        self.store = store
        self.clock = clock
        self.enabled = enabled

    async def refresh(self) -> Lag:
        """Off (not dual-writing in this deployment): no lag to speak of."""
        lag = await self.store.lag(self.clock.now()) if self.enabled else Lag(0.0, 0)
        LEGACY_SYNC_LAG.set(lag.seconds)
        LEGACY_SYNC_PENDING.set(lag.pending)
        LEGACY_SYNC_PARKED.set(lag.parked)
        return lag

    async def lag_seconds(self) -> float:
        return (await self.refresh()).seconds

    async def pending(self) -> int:
        return (await self.refresh()).pending

    async def parked(self) -> int:
        return (await self.refresh()).parked


class DualWrite:
    def __init__(
        self,
        store: LegacySyncStore,
        writer: LegacyWriter,
        clock: Clock,
        *,
        batch: int = 50,
        lease_seconds: float = 120.0,
        idle_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
    ) -> None:
        self.store = store
        self.writer = writer
        self.clock = clock
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.idle_seconds = idle_seconds
        self.max_backoff = max_backoff_seconds
        self._wake = asyncio.Event()

    async def on_event(self, payload: Mapping[str, Any]) -> None:
        """The consumer: remember the order's state (nothing else can fail
        here but PostgreSQL, and then the event is delivered again)."""
        try:
            event = heard_order_event(payload)
        except UnmappableLegacyValue as error:
            log.warning("dual_write_unreadable_event", error=error.message)
            return
        await self.store.heard(event)
        self._wake.set()

    async def write_due(self) -> int:
        """Write one batch of due orders; how many were written. Raises
        `LegacyUnavailable` after recording the failure on the batch left."""
        claimed = await self.store.claim(
            self.clock.now(), self.batch, self.lease_seconds
        )
        written = 0
        for index, state in enumerate(claimed):
            try:
                await self._write(state)
            except DomainError as error:
                await self._failed(state, error.message, permanent=True)
            except Exception as error:
                reason = f"{type(error).__name__}: {error}"
                for left in claimed[index:]:
                    await self._failed(left, reason, permanent=False)
                raise LegacyUnavailable(reason) from error
            else:
                written += 1
        return written

    async def _write(self, state: SyncState) -> None:
        order = NewOrder.from_api(state.order)
        legacy_id = await self.writer.write(order)
        await self.store.written(
            state.order_id, order.updated_at, state.pending_events, legacy_id
        )

    async def _failed(self, state: SyncState, error: str, *, permanent: bool) -> None:
        log.warning("dual_write_failed", order_id=state.order_id, permanent=permanent)
        await self.store.failed(
            state.order_id, error, permanent=permanent, now=self.clock.now()
        )

    async def run(self, status: DualWriteStatus | None = None) -> None:
        backoff = self.idle_seconds
        while True:
            try:
                written = await self.write_due()
                if status is not None:
                    await status.refresh()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # legacy or PostgreSQL away: later
                log.warning("dual_write_paused", error_type=type(error).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = self.idle_seconds
            if written < self.batch:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_seconds)
