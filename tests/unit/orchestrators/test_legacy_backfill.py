"""The backfill against fakes: batches by legacy id, a checkpoint after each,
resumed after a crash with every order imported exactly once."""

from datetime import datetime

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.legacy_customers import MemoryLegacyCustomers
from tests.fakes.legacy_sync import (
    FakeMigrationOrders,
    MemoryCheckpoints,
    MemoryLegacyOrders,
)
from tests.unit.migration.legacy_rows import BERLIN, legacy_order
from till.migration.shell.orchestrators.backfill import Backfill, BackfillReport


def shop(count: int) -> MemoryLegacyOrders:
    rows = {
        n: legacy_order(id=n, increment_id=str(100000000 + n), status="complete")
        for n in range(1, count + 1)
    }
    rows[5] = legacy_order(id=5, deleted_at=datetime(2026, 6, 3, 9, 0))
    rows[6] = legacy_order(id=6, status="exploded")
    return MemoryLegacyOrders(rows)


def backfill(legacy, orders, checkpoints, batch_size=4):  # type: ignore[no-untyped-def]
    return Backfill(
        legacy,
        MemoryLegacyCustomers(),
        orders,
        checkpoints,
        FixedClock(),
        BERLIN,
        batch_size=batch_size,
        concurrency=2,
    )


async def test_a_backfill_imports_every_mappable_row_and_reports_the_rest():
    orders, checkpoints = FakeMigrationOrders(), MemoryCheckpoints()
    seen: list[int] = []
    report = await backfill(shop(10), orders, checkpoints).run(
        on_batch=lambda r: seen.append(r.last_id)
    )
    assert (report.imported, report.deleted, report.unmappable_count) == (8, 1, 1)
    assert report.unmappable[0][0] == 6 and report.finish_id == 10
    assert seen == [4, 8, 10]
    assert sorted(o["legacy_id"] for o in orders.orders.values()) == [
        1,
        2,
        3,
        4,
        7,
        8,
        9,
        10,
    ]
    assert orders.orders["ord_imported00000001"]["status"] == "delivered"
    assert checkpoints.saved["default"].last_legacy_id == 10
    assert checkpoints.saved["default"].skipped == 2
    assert report.scanned == 10 and report.orders_per_second > 0


async def test_a_crash_mid_batch_resumes_from_the_checkpoint_importing_each_once():
    legacy, checkpoints = shop(10), MemoryCheckpoints()
    orders = FakeMigrationOrders(fail_import_at=6)  # dies in the second batch
    with pytest.raises(ExceptionGroup):
        await backfill(legacy, orders, checkpoints).run()
    assert checkpoints.saved["default"].last_legacy_id == 4
    orders.fail_import_at = None
    report = await backfill(legacy, orders, checkpoints).run()
    assert report.start_id == 4 and report.last_id == 10
    legacy_ids = [o["legacy_id"] for o in orders.orders.values()]
    assert sorted(legacy_ids) == [1, 2, 3, 4, 7, 8, 9, 10]  # none twice
    assert orders.imports == 9  # 8 orders + the one that crashed


async def test_a_rerun_from_scratch_imports_nothing_again():
    legacy, orders = shop(10), FakeMigrationOrders()
    await backfill(legacy, orders, MemoryCheckpoints()).run()
    again = await backfill(legacy, orders, MemoryCheckpoints(), batch_size=3).run()
    assert (again.imported, again.present) == (0, 8)
    assert orders.imports == 8


async def test_the_import_refusing_an_order_is_reported_not_fatal():
    class Refusing(FakeMigrationOrders):
        async def import_legacy(self, order):  # type: ignore[no-untyped-def]
            if order.legacy_id == 2:
                from till.kernel.errors import ValidationFailed

                raise ValidationFailed("items must not be empty")
            return await super().import_legacy(order)

    report = await backfill(shop(8), Refusing(), MemoryCheckpoints()).run()
    assert report.unmappable[0] == (2, "items must not be empty")
    assert report.imported == 5  # 1, 3, 4, 7, 8 of 1…8 (5 deleted, 6 unmappable)


def test_an_empty_report_has_no_throughput():
    assert BackfillReport().orders_per_second == 0.0
