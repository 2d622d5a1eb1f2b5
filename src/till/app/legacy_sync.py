"""Composition root, legacy-migration part: `MigrationOrdersBridge` (the
migration's view of orders over orders' `OrderImportPort`; migration never
imports orders) and the dual-write's wiring: its status on `app.state`
always, its consumer and writer when TILL_MIGRATION_DUAL_WRITE is on and
LEGACY_DATABASE_URL is set."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson
import structlog
from fastapi import FastAPI

from till.migration.core.legacy_mapping import ImportedLegacyOrder
from till.migration.shell.adapters.mariadb_reconnecting import (
    ReconnectingLegacyOrders,
)
from till.migration.shell.adapters.postgres_backfill_checkpoints import (
    PostgresBackfillCheckpoints,
)
from till.migration.shell.adapters.postgres_legacy_customers import (
    PostgresLegacyCustomers,
)
from till.migration.shell.adapters.postgres_legacy_reconciliations import (
    PostgresLegacyReconciliations,
)
from till.migration.shell.adapters.postgres_legacy_sync import PostgresLegacySync
from till.migration.shell.orchestrators.dual_write import DualWrite, DualWriteStatus
from till.migration.shell.orchestrators.legacy_writer import LegacyWriter
from till.orders.core.commands import ImportedItem, ImportedOrder
from till.orders.core.ports import OrderImportPort
from till.platform.rabbit_worker import Delivery
from till.platform.settings import DualWriteSettings, InfraSettings, LegacySettings

if TYPE_CHECKING:
    from till.app.factory import SharedInfra

log = structlog.get_logger("till.migration.dual_write")


class MigrationOrdersBridge:
    """MigrationOrders over orders' OrderImportPort (in process)."""

    def __init__(self, imports: OrderImportPort) -> None:
        self.imports = imports

    async def import_legacy(self, order: ImportedLegacyOrder) -> str:
        return await self.imports.import_legacy(
            ImportedOrder(
                legacy_id=order.legacy_id,
                increment_id=order.increment_id or str(order.legacy_id),
                customer_id=order.customer_id or "",
                currency=order.currency,
                items=tuple(
                    ImportedItem(i.sku, i.name, i.quantity, i.unit_amount)
                    for i in order.items
                ),
                status=order.status,
                created_at=order.created_at,
                updated_at=order.updated_at,
            )
        )

    async def link_legacy(self, order_id: str, legacy_id: int) -> None:
        await self.imports.link_legacy(order_id, legacy_id)

    async def snapshot(self, order_id: str) -> dict[str, Any] | None:
        return await self.imports.snapshot(order_id)

    async def scan(self, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        return await self.imports.scan(after_id, limit)

    async def orders_by_legacy_ids(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]:
        return await self.imports.orders_by_legacy_ids(legacy_ids)


def dual_write_handler(
    dual_write: DualWrite,
) -> Callable[[Delivery], Awaitable[None]]:
    """Order events (a delivery from either bus) to the dual-write."""

    async def handle(delivery: Delivery) -> None:
        await dual_write.on_event(orjson.loads(delivery.body))

    return handle


async def wire_dual_write(
    app: FastAPI, infra: InfraSettings, shared: "SharedInfra", stack: AsyncExitStack
) -> None:
    """After orders' wiring, before the events'. Puts on `app.state`:
    `dual_write_status` (DualWriteStatus: `enabled`, `lag_seconds()`,
    `pending()`, `parked()`), `legacy_reconciliations` (`latest()`),
    `legacy_customers`, `backfill_checkpoints` (the CLI's) and `dual_write`
    (the consumer, None when off)."""
    settings, legacy = DualWriteSettings(), LegacySettings()
    sync = PostgresLegacySync(shared.database)
    enabled = settings.dual_write and legacy.database_url is not None
    app.state.dual_write_status = DualWriteStatus(sync, shared.clock, enabled)
    app.state.legacy_reconciliations = PostgresLegacyReconciliations(shared.database)
    app.state.legacy_customers = PostgresLegacyCustomers(shared.database)
    app.state.backfill_checkpoints = PostgresBackfillCheckpoints(shared.database)
    app.state.dual_write = None
    if settings.dual_write and not enabled:
        log.warning("dual_write_needs_legacy_database_url")
    if not enabled or legacy.database_url is None:
        return
    store = ReconnectingLegacyOrders(
        legacy.database_url.get_secret_value(), pool_size=legacy.database_pool_size
    )
    stack.push_async_callback(store.close)
    writer = LegacyWriter(
        store,
        app.state.legacy_customers,
        MigrationOrdersBridge(app.state.order_imports),
        ZoneInfo(legacy.tz),
    )
    dual_write = DualWrite(
        sync,
        writer,
        shared.clock,
        batch=settings.dual_write_batch,
        lease_seconds=settings.dual_write_lease_seconds,
    )
    app.state.dual_write = dual_write
    if infra.till_worker_in_process:
        task = asyncio.create_task(dual_write.run(app.state.dual_write_status))
        stack.callback(task.cancel)
