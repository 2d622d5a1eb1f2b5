"""Composition root for `till legacy backfill|reconcile`: the app's orders
port (no HTTP, relay, consumers or scheduler) with the legacy MariaDB store,
the customer map and the migration's PostgreSQL tables."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from till.app.factory import create_app
from till.app.legacy_sync import MigrationOrdersBridge
from till.kernel.clock import Clock
from till.migration.core.sync_ports import ReconciliationSummary
from till.migration.shell.adapters.mariadb_legacy_orders import MariaDbLegacyOrders
from till.migration.shell.adapters.postgres_backfill_checkpoints import (
    PostgresBackfillCheckpoints,
)
from till.migration.shell.adapters.postgres_legacy_customers import (
    PostgresLegacyCustomers,
)
from till.migration.shell.adapters.postgres_legacy_reconciliations import (
    PostgresLegacyReconciliations,
)
from till.migration.shell.orchestrators.backfill import (
    Backfill,
    BackfillReport,
    Progress,
)
from till.migration.shell.orchestrators.legacy_writer import LegacyWriter
from till.migration.shell.orchestrators.reconcile_repairs import Repairs
from till.migration.shell.orchestrators.reconciliation import OnPage, Reconciliation
from till.platform.settings import AuthSettings, InfraSettings, LegacySettings


@dataclass(frozen=True)
class Toolkit:
    legacy: MariaDbLegacyOrders
    customers: PostgresLegacyCustomers
    checkpoints: PostgresBackfillCheckpoints
    reconciliations: PostgresLegacyReconciliations
    orders: MigrationOrdersBridge
    clock: Clock
    tz: ZoneInfo


@asynccontextmanager
async def toolkit(database_url: str) -> AsyncIterator[Toolkit]:
    legacy_settings = LegacySettings()
    if legacy_settings.database_url is None:
        raise SystemExit("till legacy needs LEGACY_DATABASE_URL (mysql://…)")
    infra = InfraSettings(
        database_url=database_url,
        till_outbox_relay=False,
        till_worker_in_process=False,
        till_scheduler_in_process=False,
    )
    app = create_app(infra, AuthSettings())
    async with app.router.lifespan_context(app):
        legacy = await MariaDbLegacyOrders.connect(
            legacy_settings.database_url.get_secret_value(),
            pool_size=legacy_settings.database_pool_size,
        )
        try:
            yield Toolkit(
                legacy,
                app.state.legacy_customers,
                app.state.backfill_checkpoints,
                app.state.legacy_reconciliations,
                MigrationOrdersBridge(app.state.order_imports),
                app.state.clock,
                ZoneInfo(legacy_settings.tz),
            )
        finally:
            await legacy.close()


async def backfill_legacy(
    database_url: str,
    *,
    batch_size: int,
    concurrency: int,
    restart: bool,
    on_batch: Progress | None = None,
) -> BackfillReport:
    async with toolkit(database_url) as kit:
        checkpoints = kit.checkpoints
        if restart:
            await checkpoints.reset("default")
        backfill = Backfill(
            kit.legacy,
            kit.customers,
            kit.orders,
            checkpoints,
            kit.clock,
            kit.tz,
            batch_size=batch_size,
            concurrency=concurrency,
        )
        return await backfill.run("default", on_batch)


async def reconcile_legacy(
    database_url: str,
    *,
    repair: str | None,
    page: int,
    on_page: OnPage | None = None,
) -> ReconciliationSummary:
    async with toolkit(database_url) as kit:
        writer = LegacyWriter(kit.legacy, kit.customers, kit.orders, kit.tz)
        reconciliation = Reconciliation(
            kit.legacy,
            kit.customers,
            kit.orders,
            Repairs(kit.orders, kit.customers, writer, kit.tz),
            kit.reconciliations,
            kit.clock,
            kit.tz,
            page=page,
        )
        return await reconciliation.run(repair, on_page)


async def link_customer(
    database_url: str, customer_id: str, legacy_customer_id: int
) -> None:
    """Record that a till customer is a legacy customer (before the backfill,
    so their history lands on their account instead of `lgc_N`). Raises
    Conflict when either side is mapped otherwise."""
    infra = InfraSettings(
        database_url=database_url,
        till_outbox_relay=False,
        till_worker_in_process=False,
        till_scheduler_in_process=False,
    )
    app = create_app(infra, AuthSettings())
    async with app.router.lifespan_context(app):
        await app.state.legacy_customers.link(customer_id, legacy_customer_id)
