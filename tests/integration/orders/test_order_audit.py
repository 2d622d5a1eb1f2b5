"""`till audit verify` re-hashes the order streams too: an edit made past the
append-only trigger is found, and nothing is reported while untouched."""

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from till.orders.core.commands import ImportedItem, ImportedOrder
from till.orders.shell.adapters.postgres_order_audit import verify_order_chain

AT = datetime(2023, 3, 4, 5, 6, 7, tzinfo=UTC)


async def test_an_order_event_edited_past_the_trigger_is_found(client, database_url):
    imported = ImportedOrder(
        legacy_id=880_001,
        increment_id="100880001",
        customer_id="lgc_880001",
        currency="usd",
        items=(ImportedItem("SKU", "Thing", 1, 990),),
        status="shipped",
        created_at=AT,
        updated_at=AT.replace(hour=9),
    )
    order_id = await client.app.state.order_imports.import_legacy(imported)
    engine = create_async_engine(database_url)
    async with engine.connect() as conn:
        transaction = await conn.begin()
        untouched = await verify_order_chain(conn)
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(
            text(
                "UPDATE order_events SET data = jsonb_set(data, "
                "'{items,0,unit_amount}', '1') WHERE stream_id = :s AND version = 1"
            ),
            {"s": order_id},
        )
        problems = await verify_order_chain(conn)
        await transaction.rollback()  # leave the shared test database clean
    await engine.dispose()
    assert untouched == []
    assert problems == [f"{order_id} v1: content does not match its hash"]
