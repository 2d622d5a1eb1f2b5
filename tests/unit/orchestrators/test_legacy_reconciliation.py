"""Reconciliation against fakes: counts per kind with ids, repairs in each
direction, a stored summary and a throughput."""

from dataclasses import replace
from datetime import datetime

from tests.fakes.clock import FixedClock
from tests.fakes.legacy_customers import MemoryLegacyCustomers
from tests.fakes.legacy_sync import (
    FakeMigrationOrders,
    MemoryCheckpoints,
    MemoryLegacyOrders,
    MemoryReconciliationLog,
)
from tests.unit.migration.legacy_rows import BERLIN, legacy_order, new_order
from till.migration.shell.orchestrators.backfill import Backfill
from till.migration.shell.orchestrators.legacy_writer import LegacyWriter
from till.migration.shell.orchestrators.reconcile_repairs import Repairs
from till.migration.shell.orchestrators.reconciliation import Reconciliation


class Rig:
    def __init__(self, legacy_rows: int = 6) -> None:
        self.legacy = MemoryLegacyOrders(
            {
                n: legacy_order(id=n, increment_id=str(100000000 + n))
                for n in range(1, legacy_rows + 1)
            }
        )
        self.orders = FakeMigrationOrders()
        self.customers = MemoryLegacyCustomers()
        self.log = MemoryReconciliationLog()
        writer = LegacyWriter(self.legacy, self.customers, self.orders, BERLIN)
        repairs = Repairs(self.orders, self.customers, writer, BERLIN)
        self.reconciliation = Reconciliation(
            self.legacy,
            self.customers,
            self.orders,
            repairs,
            self.log,
            FixedClock(),
            BERLIN,
            page=4,
        )

    async def backfill(self) -> None:
        await Backfill(
            self.legacy,
            self.customers,
            self.orders,
            MemoryCheckpoints(),
            FixedClock(),
            BERLIN,
        ).run()


async def test_after_a_backfill_everything_matches():
    rig = Rig()
    await rig.backfill()
    pages: list[int] = []
    summary = await rig.reconciliation.run(on_page=lambda t: pages.append(t.compared))
    assert (summary.compared, summary.matched, summary.mismatched) == (6, 6, 0)
    assert pages == [4, 6]
    assert rig.log.runs == [summary] and summary.orders_per_second > 0


async def test_differences_are_counted_with_ids_and_nothing_changes_without_repair():
    rig = Rig()
    await rig.backfill()
    rig.legacy.rows[2] = replace(rig.legacy.rows[2], status="canceled")
    del rig.legacy.rows[3]  # hard-deleted in legacy: the order is new-only
    rig.legacy.rows[7] = legacy_order(id=7, increment_id="100000007")
    rig.legacy.rows[8] = legacy_order(
        id=8, increment_id="100000008", deleted_at=datetime(2026, 6, 9, 8, 0)
    )
    summary = await rig.reconciliation.run()
    assert (summary.matched, summary.mismatched) == (4, 1)
    assert (summary.missing_new, summary.missing_legacy) == (1, 1)
    assert summary.deleted_in_legacy == 1
    assert summary.samples["mismatched"] == ["ord_imported00000002 / 2: status"]
    assert summary.samples["missing_new"] == ["- / 7"]
    assert summary.samples["missing_legacy"] == ["ord_imported00000003 / -"]
    assert (summary.repaired, summary.not_repaired) == (0, 0)


async def test_repair_new_imports_the_missing_and_reports_what_it_cannot_fix():
    rig = Rig()
    await rig.backfill()
    rig.legacy.rows[7] = legacy_order(id=7, increment_id="100000007")
    rig.legacy.rows[2] = replace(rig.legacy.rows[2], status="canceled")
    summary = await rig.reconciliation.run("new")
    assert (summary.repaired, summary.not_repaired) == (1, 1)
    assert "no command" in summary.samples["not_repaired"][0]
    again = await rig.reconciliation.run()
    assert (again.missing_new, again.mismatched) == (0, 1)


async def test_repair_legacy_writes_orders_legacy_lacks_and_fixes_statuses():
    rig = Rig(legacy_rows=2)
    await rig.backfill()
    rig.legacy.rows[1] = replace(rig.legacy.rows[1], status="canceled")
    fresh = new_order(id="ord_fresh", legacy_id=None, status="paid")
    rig.orders.orders["ord_fresh"] = fresh.to_api()
    summary = await rig.reconciliation.run("legacy")
    assert (summary.mismatched, summary.missing_legacy, summary.repaired) == (1, 1, 2)
    assert rig.legacy.rows[1].status == "processing"
    assert rig.orders.orders["ord_fresh"]["legacy_id"] == 3
    again = await rig.reconciliation.run()
    assert (again.matched, again.compared) == (3, 3)


async def test_a_dual_written_row_not_yet_linked_is_found_by_its_till_id():
    rig = Rig(legacy_rows=0)
    order = new_order(id="ord_unlinked", legacy_id=None, customer_id="lgc_42")
    rig.orders.orders[order.id] = order.to_api()
    rig.legacy.rows[1] = legacy_order(id=1, increment_id="ord_unlinked")
    summary = await rig.reconciliation.run("new")
    assert (summary.matched, summary.missing_legacy, summary.repaired) == (1, 0, 1)
    assert rig.orders.orders[order.id]["legacy_id"] == 1


async def test_an_order_of_another_customer_is_a_mismatch():
    rig = Rig(legacy_rows=1)
    await rig.backfill()
    rig.customers.pairs["usr_x"] = 42
    (data,) = rig.orders.orders.values()
    data["customer_id"] = "usr_y"
    summary = await rig.reconciliation.run()
    assert summary.samples["mismatched"] == ["ord_imported00000001 / 1: customer_id"]
