"""The dual-write against fakes: events recorded in order, written to legacy
with mapped fields, linked, retried when legacy is away, lag reported."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.fakes.clock import FixedClock
from tests.fakes.legacy_customers import MemoryLegacyCustomers
from tests.fakes.legacy_sync import (
    FakeMigrationOrders,
    MemoryLegacyOrders,
    MemoryLegacySync,
)
from tests.unit.migration.legacy_rows import new_order
from till.migration.shell.orchestrators.dual_write import (
    DualWrite,
    DualWriteStatus,
    LegacyUnavailable,
)
from till.migration.shell.orchestrators.legacy_writer import LegacyWriter

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)


class Rig:
    def __init__(self) -> None:
        self.clock = FixedClock(T0)
        self.legacy = MemoryLegacyOrders()
        self.orders = FakeMigrationOrders()
        self.sync = MemoryLegacySync()
        writer = LegacyWriter(self.legacy, MemoryLegacyCustomers(), self.orders, BERLIN)
        self.dual = DualWrite(self.sync, writer, self.clock, batch=10)
        self.status = DualWriteStatus(self.sync, self.clock, enabled=True)

    async def event(self, order_id: str, minutes: int, status: str) -> None:
        at = T0 + timedelta(minutes=minutes)
        order = self.orders.orders.get(order_id, {}).get("legacy_id")
        data = new_order(id=order_id, status=status, legacy_id=order, updated_at=at)
        self.orders.orders.setdefault(order_id, data.to_api())
        payload = {"id": f"evt_{minutes}", "type": "order.x", "data": data.to_api()}
        await self.dual.on_event(payload | {"created_at": data.to_api()["updated_at"]})


async def test_a_new_order_lands_in_legacy_mapped_and_is_linked():
    rig = Rig()
    await rig.event("ord_A", 0, "paid")
    assert await rig.dual.write_due() == 1
    (row,) = rig.legacy.rows.values()
    assert (row.increment_id, row.status, row.currency_code) == (
        "ord_A",
        "processing",
        "EUR",
    )
    assert row.grand_total == Decimal("29.97")
    assert row.updated_at == datetime(2026, 6, 1, 15, 0)  # Berlin summer time
    assert row.customer_id == 42  # lgc_42
    assert rig.orders.orders["ord_A"]["legacy_id"] == row.id
    assert await rig.status.pending() == 0 and await rig.status.lag_seconds() == 0


async def test_events_out_of_order_end_with_the_newest_state_in_legacy():
    rig = Rig()
    await rig.event("ord_A", 5, "canceled")
    await rig.event("ord_A", 1, "pending_payment")
    await rig.dual.write_due()
    (row,) = rig.legacy.rows.values()
    assert row.status == "canceled"
    await rig.event("ord_A", 1, "pending_payment")  # redelivered after the write
    assert await rig.dual.write_due() == 0
    assert row.status == "canceled" and rig.legacy.writes == 1


async def test_a_later_change_of_a_linked_order_writes_its_status_by_legacy_id():
    rig = Rig()
    await rig.event("ord_A", 0, "paid")
    await rig.dual.write_due()
    await rig.event("ord_A", 3, "shipped")
    await rig.dual.write_due()
    (row,) = rig.legacy.rows.values()
    assert (row.status, row.updated_at) == ("complete", datetime(2026, 6, 1, 15, 3))
    assert len(rig.legacy.rows) == 1


async def test_while_legacy_is_down_events_wait_and_nothing_is_lost():
    rig = Rig()
    rig.legacy.down = True
    for n, order_id in enumerate(("ord_A", "ord_B", "ord_C")):
        await rig.event(order_id, n, "paid")
    try:
        await rig.dual.write_due()
    except LegacyUnavailable:
        pass
    else:  # pragma: no cover
        raise AssertionError("the outage was not reported")
    rig.legacy.down = False
    assert await rig.dual.write_due() == 0  # backing off still
    rig.clock.advance(90)
    assert await rig.status.lag_seconds() == 90
    assert await rig.status.pending() == 3
    assert await rig.dual.write_due() == 3
    assert sorted(r.increment_id or "" for r in rig.legacy.rows.values()) == [
        "ord_A",
        "ord_B",
        "ord_C",
    ]
    assert await rig.status.pending() == 0


async def test_an_order_legacy_cannot_hold_is_parked_and_the_rest_goes_on():
    rig = Rig()
    await rig.event("ord_A", 0, "paid")
    bad = new_order(id="ord_B", currency="xyz", legacy_id=None).to_api()
    await rig.dual.on_event(
        {
            "id": "evt_b",
            "type": "order.created",
            "created_at": bad["updated_at"],
            "data": bad,
        }
    )
    assert await rig.dual.write_due() == 1
    assert rig.sync.states["ord_B"].parked
    assert await rig.status.parked() == 1
    assert await rig.status.pending() == 1  # still counted: it needs a look


async def test_a_payload_that_is_not_an_order_is_ignored():
    rig = Rig()
    await rig.dual.on_event({"id": "evt_x", "type": "order.created", "data": {}})
    assert rig.sync.states == {}


async def test_a_row_deleted_in_legacy_is_parked_not_retried_forever():
    rig = Rig()
    await rig.event("ord_A", 0, "paid")
    await rig.dual.write_due()
    rig.legacy.rows.clear()
    await rig.event("ord_A", 2, "canceled")
    assert await rig.dual.write_due() == 0
    assert rig.sync.states["ord_A"].parked
    assert "gone" in (rig.sync.states["ord_A"].last_error or "")


async def test_the_status_of_a_dual_write_that_is_off_shows_no_lag():
    rig = Rig()
    await rig.event("ord_A", 0, "paid")
    rig.clock.advance(30)
    assert await rig.status.lag_seconds() == 30
    off = DualWriteStatus(rig.sync, rig.clock, enabled=False)
    assert (await off.lag_seconds(), await off.pending()) == (0.0, 0)
