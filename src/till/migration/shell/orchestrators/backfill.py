"""`till legacy backfill`: historic legacy orders into the event store, in
batches by legacy id. After each batch is fully imported its last legacy id is
saved as the checkpoint (PostgreSQL): a killed run resumes after it, redoing
at most the batch it was killed in, which the import's idempotency (one order
per legacy id, and rows already present are skipped) makes harmless."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from till.kernel.clock import Clock
from till.kernel.errors import ValidationFailed
from till.migration.core.legacy_backfill import BackfillPlan, plan_batch
from till.migration.core.legacy_mapping import ImportedLegacyOrder
from till.migration.core.legacy_orders import LegacyOrder
from till.migration.core.ports import LegacyCustomerMap, LegacyOrderStore
from till.migration.core.sync_ports import (
    BackfillCheckpoints,
    Checkpoint,
    MigrationOrders,
)

SAMPLE = 50


@dataclass
class BackfillReport:
    start_id: int = 0
    last_id: int = 0
    finish_id: int = 0  # the highest legacy id when the run started
    batches: int = 0
    imported: int = 0
    present: int = 0
    deleted: int = 0
    unmappable: list[tuple[int, str]] = field(default_factory=list)
    unmappable_count: int = 0
    seconds: float = 0.0

    @property
    def scanned(self) -> int:
        return self.imported + self.present + self.deleted + self.unmappable_count

    @property
    def orders_per_second(self) -> float:
        return self.scanned / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[BackfillReport], None]


class Backfill:
    def __init__(
        self,
        legacy: LegacyOrderStore,
        customers: LegacyCustomerMap,
        orders: MigrationOrders,
        checkpoints: BackfillCheckpoints,
        clock: Clock,
        tz: ZoneInfo,
        *,
        batch_size: int = 500,
        concurrency: int = 8,
    ) -> None:
        self.legacy = legacy
        self.customers = customers
        self.orders = orders
        self.checkpoints = checkpoints
        self.clock = clock
        self.tz = tz
        self.batch_size = batch_size
        self.concurrency = concurrency

    async def run(
        self, name: str = "default", on_batch: Progress | None = None
    ) -> BackfillReport:
        checkpoint = await self.checkpoints.load(name) or Checkpoint(name, 0)
        report = BackfillReport(
            start_id=checkpoint.last_legacy_id,
            last_id=checkpoint.last_legacy_id,
            finish_id=await self.legacy.max_id(),
        )
        started = time.perf_counter()
        while rows := await self.legacy.scan(report.last_id, self.batch_size):
            plan = await self._plan(rows)
            imported, refused = await self._import(plan.to_import)
            _count(report, plan, imported, refused)
            checkpoint = replace(
                checkpoint,
                last_legacy_id=plan.last_id,
                imported=checkpoint.imported + imported,
                skipped=checkpoint.skipped
                + len(plan.deleted)
                + len(plan.unmappable)
                + len(refused),
            )
            await self.checkpoints.save(checkpoint, self.clock.now())
            report.seconds = time.perf_counter() - started
            if on_batch is not None:
                on_batch(report)
        report.seconds = time.perf_counter() - started
        return report

    async def _plan(self, rows: list[LegacyOrder]) -> BackfillPlan:
        ids = [row.id for row in rows if row.id is not None]
        present = await self.orders.orders_by_legacy_ids(ids)
        customers = await self.customers.customers_for_legacy(
            sorted({row.customer_id for row in rows})
        )
        return plan_batch(rows, customers=customers, present=present, tz=self.tz)

    async def _import(
        self, orders: tuple[ImportedLegacyOrder, ...]
    ) -> tuple[int, list[tuple[int, str]]]:
        """Imported count and the orders the orders service refused; any
        other failure ends the run (the checkpoint stays before this batch)."""
        gate = asyncio.Semaphore(self.concurrency)
        refused: list[tuple[int, str]] = []

        async def one(order: ImportedLegacyOrder) -> None:
            async with gate:
                try:
                    await self.orders.import_legacy(order)
                except ValidationFailed as error:
                    refused.append((order.legacy_id, error.message))

        async with asyncio.TaskGroup() as group:
            for order in orders:
                group.create_task(one(order))
        return len(orders) - len(refused), refused


def _count(
    report: BackfillReport,
    plan: BackfillPlan,
    imported: int,
    refused: list[tuple[int, str]],
) -> None:
    skipped = [*plan.unmappable, *refused]
    report.batches += 1
    report.last_id = plan.last_id
    report.imported += imported
    report.present += len(plan.present)
    report.deleted += len(plan.deleted)
    report.unmappable_count += len(skipped)
    report.unmappable += skipped[: max(SAMPLE - len(report.unmappable), 0)]
