"""The dual-write for real: an order created and canceled over the HTTP API
lands in the legacy MariaDB tables with mapped fields, its legacy id linked
back; a stale event arriving late changes nothing; the lag drains to 0.
A legacy database of its own: the till customer's allocated legacy id must
not meet the other tests' made-up customers."""

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.integration.legacy.server import LegacyDatabase
from tests.integration.orders.flows import act, create
from tests.integration.payments.flows import user
from till.app import create_app
from till.migration.core.legacy_compare import compare
from till.migration.core.legacy_orders import NewOrder
from till.migration.core.legacy_time import legacy_local_from_utc
from till.migration.shell.adapters.mariadb_legacy_orders import MariaDbLegacyOrders

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
async def shop() -> AsyncIterator[tuple[LegacyDatabase, MariaDbLegacyOrders]]:
    database = LegacyDatabase().create()
    store = await MariaDbLegacyOrders.connect(database.url, pool_size=2)
    yield database, store
    await store.close()
    database.drop()


async def _linked(imports, order_id: str) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(200):
        found = await imports.snapshot(order_id)
        if found and found["legacy_id"] is not None:
            return dict(found)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{order_id} was never linked to a legacy row")


async def _legacy_status(store, legacy_id: int, status: str):  # type: ignore[no-untyped-def]
    for _ in range(200):
        row = (await store.get_many([legacy_id]))[legacy_id]
        if row.status == status:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"legacy {legacy_id} never became {status}: {row.status}")


async def test_orders_made_over_http_are_written_to_legacy_in_order(
    infra,
    auth_settings,
    payment_settings,
    shop: tuple[LegacyDatabase, MariaDbLegacyOrders],
    monkeypatch: pytest.MonkeyPatch,
):
    legacy_database, legacy_store = shop
    monkeypatch.setenv("TILL_MIGRATION_DUAL_WRITE", "true")
    monkeypatch.setenv("LEGACY_DATABASE_URL", legacy_database.url)
    app = create_app(infra, auth_settings, payment_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            me, auth = await user(http)
            order = await create(http, auth, currency="eur")
            linked = await _linked(app.state.order_imports, order["id"])
            legacy_id = linked["legacy_id"]
            row = await _legacy_status(legacy_store, legacy_id, "pending")
            assert (row.increment_id, row.currency_code) == (order["id"], "EUR")
            assert row.grand_total == Decimal("29.99")
            assert [(i.sku, i.qty, i.price) for i in row.items] == [
                ("MUG-1", 2, Decimal("12.50")),
                ("TEA-9", 1, Decimal("4.99")),
            ]
            assert row.customer_id >= 1_000_000_000  # allocated to this user
            created = NewOrder.from_api(linked).created_at
            assert row.created_at == legacy_local_from_utc(created, BERLIN)
            assert linked["updated_at"] == order["updated_at"]  # a link is no change

            canceled = await act(http, order["id"], "cancel", auth)
            row = await _legacy_status(legacy_store, legacy_id, "canceled")
            new = NewOrder.from_api(await app.state.order_imports.snapshot(order["id"]))
            assert (
                compare(new, row, tz=BERLIN, legacy_customer_id=row.customer_id) == []
            )

            stale = {
                "id": "evt_stale",
                "created_at": order["created_at"],
                "data": order,
            }
            await app.state.dual_write.on_event(stale | {"type": "order.created"})
            await asyncio.sleep(0.6)  # a writer round
            row = (await legacy_store.get_many([legacy_id]))[legacy_id]
            assert row.status == "canceled" and canceled["status"] == "canceled"
            status = app.state.dual_write_status
            assert status.enabled and await status.pending() == 0
            assert await status.lag_seconds() == 0.0
            assert me["id"] == new.customer_id
