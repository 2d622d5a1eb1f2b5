"""The orders store on PostgreSQL through the migration toolkit's port
(app.state.order_imports): idempotent imports under concurrency, links, scans,
the append-only chained stream and the projection's rebuild."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from till.app.orders import rebuild_order_projections
from till.kernel.errors import Conflict
from till.orders.core.commands import ImportedItem, ImportedOrder
from till.orders.core.events import OrderEvent
from till.orders.shell.adapters.order_chain import broken_links

AT = datetime(2022, 7, 8, 9, 10, 11, tzinfo=UTC)


def legacy(legacy_id: int, status: str = "delivered") -> ImportedOrder:
    return ImportedOrder(
        legacy_id=legacy_id,
        increment_id=f"1{legacy_id:08d}",
        customer_id=f"lgc_{legacy_id}",
        currency="usd",
        items=(ImportedItem("SKU", "Thing", 2, 1050),),
        status=status,
        created_at=AT,
        updated_at=AT.replace(hour=12),
    )


async def test_imports_links_scans_and_rebuild_on_postgres(client, database_url):
    imports = client.app.state.order_imports
    base = 700_000
    racing = await asyncio.gather(
        *(imports.import_legacy(legacy(base)) for _ in range(4))
    )
    assert len(set(racing)) == 1
    second = await imports.import_legacy(legacy(base + 1, "canceled"))
    found = await imports.orders_by_legacy_ids([base, base + 1, base + 2])
    assert sorted(found) == [base, base + 1]
    assert found[base]["status"] == "delivered" and found[base]["total"] == 2100
    with pytest.raises(Conflict):
        await imports.link_legacy(second, base)
    page = await imports.scan(None, 1000)
    assert {racing[0], second} <= {o["id"] for o in page}
    assert [o["id"] for o in page] == sorted(o["id"] for o in page)

    database = client.app.state.outbox_relay.database
    async with database.read() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT version, type, at, data, prev_hash, hash FROM order_events "
                    "WHERE stream_id = :s ORDER BY version"
                ),
                {"s": racing[0]},
            )
        ).all()
        published = await conn.scalar(
            text("SELECT count(*) FROM outbox WHERE stream_id = :s"), {"s": racing[0]}
        )
        with pytest.raises(Exception, match="append-only"):
            await conn.execute(
                text("DELETE FROM order_events WHERE stream_id = :s"), {"s": second}
            )
    assert len(rows) == 5 and published == 0
    stream = [
        (
            r.version,
            OrderEvent(r.type, racing[0], r.at, r.data),
            bytes(r.prev_hash),
            bytes(r.hash),
        )
        for r in rows
    ]
    assert broken_links(stream) == []

    before = await imports.snapshot(racing[0])
    url = database_url.replace("postgresql+asyncpg://", "postgresql://")
    assert await rebuild_order_projections(url) >= 2
    assert await imports.snapshot(racing[0]) == before
