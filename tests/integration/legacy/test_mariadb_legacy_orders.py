"""The legacy MariaDB adapter against the real tables, checked through the
PHP app where it matters (what the dual-write writes is what the shop shows)."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tests.integration.legacy.server import LegacyDatabase, LegacyServer
from tests.unit.migration.legacy_rows import new_order
from till.kernel.ids import new_id
from till.migration.core.legacy_compare import compare
from till.migration.core.legacy_mapping import (
    legacy_order_from_new,
    new_order_from_legacy,
)
from till.migration.core.legacy_orders import NewItem
from till.migration.shell.adapters.mariadb_legacy_orders import MariaDbLegacyOrders

BERLIN = ZoneInfo("Europe/Berlin")


def till_order(**changes: object):  # type: ignore[no-untyped-def]
    return new_order(
        id=new_id("ord"), legacy_id=None, customer_id="lgc_81001", **changes
    )


async def test_the_dual_write_upsert_is_idempotent_and_the_shop_shows_it(
    legacy_store: MariaDbLegacyOrders, legacy_app: LegacyServer
) -> None:
    order = till_order(created_at=datetime(2026, 1, 10, 8, 0, 0, 700_000, tzinfo=UTC))
    row = legacy_order_from_new(order, legacy_customer_id=81001, tz=BERLIN)
    before = await legacy_store.count()

    legacy_id = await legacy_store.upsert_order(row)
    assert await legacy_store.upsert_order(row) == legacy_id  # a replay
    assert await legacy_store.count() == before + 1
    stored = (await legacy_store.get_many([legacy_id, 10**12]))[legacy_id]
    linked = replace(order, legacy_id=legacy_id)
    assert compare(linked, stored, tz=BERLIN, legacy_customer_id=81001) == []

    changed = replace(
        linked,
        status="shipped",
        items=(NewItem("PEN", "Pen", 3, 150, 450),),
        subtotal=450,
        total=450,
        updated_at=datetime(2026, 1, 11, 9, 30, tzinfo=UTC),
    )
    again = legacy_order_from_new(changed, legacy_customer_id=81001, tz=BERLIN)
    assert await legacy_store.upsert_order(again) == legacy_id
    stored = (await legacy_store.get_many([legacy_id]))[legacy_id]
    assert compare(changed, stored, tz=BERLIN, legacy_customer_id=81001) == []
    assert [item.sku for item in stored.items] == ["PEN"]  # replaced, not added

    auth = {"Authorization": f"Bearer {legacy_app.token}"}
    with legacy_app.client() as http:
        shown = http.get(f"/api/orders/{legacy_id}", headers=auth).json()
    assert shown["increment_id"] == order.id
    assert shown["status"] == "complete"
    assert shown["grand_total"] == "4.5000"
    assert shown["created_at"] == "2026-01-10 09:00:00"  # Berlin, second-floored
    assert shown["updated_at"] == "2026-01-11 10:30:00"
    assert [(i["sku"], i["qty"], i["price"]) for i in shown["items"]] == [
        ("PEN", 3, "1.5000")
    ]


async def test_scans_page_by_id_with_items_and_soft_deleted_rows(
    legacy_store: MariaDbLegacyOrders, legacy_app: LegacyServer
) -> None:
    start = await legacy_store.max_id()
    rows = [
        legacy_order_from_new(till_order(), legacy_customer_id=81002, tz=BERLIN)
        for _ in range(3)
    ]
    ids = [await legacy_store.upsert_order(row) for row in rows]
    deleted = await legacy_store.count() - await legacy_store.count(
        include_deleted=False
    )
    auth = {"Authorization": f"Bearer {legacy_app.token}"}
    with legacy_app.client() as http:
        assert http.delete(f"/api/orders/{ids[1]}", headers=auth).status_code == 204

    first = await legacy_store.scan(after_id=start, limit=2)
    rest = await legacy_store.scan(after_id=first[-1].id or 0, limit=2)
    assert [o.id for o in first + rest] == ids
    assert [len(o.items) for o in first + rest] == [2, 2, 2]
    assert [o.is_soft_deleted for o in first + rest] == [False, True, False]
    now_deleted = await legacy_store.count() - await legacy_store.count(
        include_deleted=False
    )
    assert now_deleted == deleted + 1
    assert await legacy_store.scan(after_id=ids[-1], limit=5) == []

    updated_at = datetime(2026, 2, 1, 12, 0, 0)
    assert await legacy_store.apply_status(ids[0], "complete", updated_at)
    assert await legacy_store.apply_status(ids[0], "complete", updated_at)  # no-op
    assert not await legacy_store.apply_status(10**12, "complete", updated_at)
    stored = (await legacy_store.get_many([ids[0]]))[ids[0]]
    assert (stored.status, stored.updated_at) == ("complete", updated_at)


async def test_seeded_history_maps_to_the_new_side_and_compares_clean(
    legacy_store: MariaDbLegacyOrders, legacy_database: LegacyDatabase
) -> None:
    start = await legacy_store.max_id()
    await asyncio.to_thread(legacy_database.seed, 400, 5)
    seen, statuses, after = 0, set(), start
    while batch := await legacy_store.scan(after_id=after, limit=150):
        for row in batch:
            order = new_order_from_legacy(row, customer_id=None, tz=BERLIN)
            differences = compare(
                order, row, tz=BERLIN, legacy_customer_id=row.customer_id
            )
            expected = ["deleted_at"] if row.is_soft_deleted else []
            assert [d.field for d in differences] == expected, (row, differences)
            statuses.add(row.status)
        seen += len(batch)
        after = batch[-1].id or after
    assert seen == 400
    assert {"cancelled", "complete", "pending"} <= statuses
