"""The anti-corruption layer against the real PHP app: every /v1 operation
it offers, translated both ways, and legacy's refusals in API.md's terms."""

from zoneinfo import ZoneInfo

import pytest

from tests.fakes.legacy_customers import MemoryLegacyCustomers
from tests.integration.legacy.server import LegacyServer
from till.kernel.ids import new_id
from till.migration.core.legacy_ids import legacy_id_in_order_id
from till.migration.shell.adapters.legacy_http_orders import LegacyHttpOrders
from till.migration.shell.adapters.legacy_http_translation import LegacyProblem

ITEMS = [
    {"sku": "MUG", "name": "Mug", "quantity": 2, "unit_amount": 999},
    {"sku": "PEN", "name": "Pen", "quantity": 3, "unit_amount": 10},
]


def client(app: LegacyServer, token: str | None = None) -> LegacyHttpOrders:
    return LegacyHttpOrders.connect(
        app.base_url,
        token or app.token,
        customers=MemoryLegacyCustomers(),
        tz=ZoneInfo(app.database.timezone),
    )


async def test_an_order_lives_its_life_in_legacy_through_the_v1_vocabulary(
    legacy_app: LegacyServer,
) -> None:
    orders = client(legacy_app)
    try:
        customer = new_id("usr")
        created = await orders.create(customer_id=customer, currency="eur", items=ITEMS)
        assert created["status"] == "pending_payment"
        assert (created["total"], created["customer_id"]) == (2028, customer)
        assert [i["amount"] for i in created["items"]] == [1998, 30]
        assert created["created_at"].endswith("Z")
        order_id = created["id"]
        assert legacy_id_in_order_id(order_id) == created["legacy_id"]
        assert await orders.get(order_id) == created  # create and get agree

        with pytest.raises(LegacyProblem) as refused:
            await orders.transition("ship", order_id)
        assert (refused.value.status, refused.value.code) == (409, "invalid_state")

        with legacy_app.client() as http:  # the payment, as the shop records it
            http.patch(
                f"/api/orders/{created['legacy_id']}/status",
                json={"status": "processing"},
                headers={"Authorization": f"Bearer {legacy_app.token}"},
            ).raise_for_status()
        assert (await orders.get(order_id))["status"] == "paid"
        assert (await orders.transition("fulfill", order_id))["status"] == "fulfilled"
        assert (await orders.transition("ship", order_id))["status"] == "shipped"
        assert (await orders.transition("deliver", order_id))["status"] == "delivered"
        with pytest.raises(LegacyProblem) as refused:
            await orders.cancel(order_id)
        assert (refused.value.status, refused.value.code) == (409, "invalid_state")

        second = await orders.create(customer_id=customer, currency="eur", items=ITEMS)
        assert (await orders.cancel(second["id"]))["status"] == "canceled"
        listed = await orders.list_orders(customer_id=customer, limit=1)
        assert [o["id"] for o in listed["data"]] == [second["id"]]
        assert listed["has_more"] is True
        rest = await orders.list_orders(
            customer_id=customer, starting_after=second["id"]
        )
        assert [(o["id"], o["status"]) for o in rest["data"]] == [
            (order_id, "delivered")
        ]
        assert rest["data"][0]["items"] == created["items"]
    finally:
        await orders.aclose()


async def test_legacys_refusals_arrive_as_api_problems(
    legacy_app: LegacyServer,
) -> None:
    orders = client(legacy_app)
    wrong_token = client(legacy_app, token="not-the-token")  # pragma: allowlist secret
    try:
        with pytest.raises(LegacyProblem) as invalid:
            await orders.create(
                customer_id="lgc_5", currency="eur", items=[{**ITEMS[0], "quantity": 0}]
            )
        assert (invalid.value.status, invalid.value.param) == (422, "items.0.quantity")
        with pytest.raises(LegacyProblem) as missing:
            await orders.get(new_id("ord"), legacy_id=10**9)
        assert (missing.value.status, missing.value.code) == (404, "not_found")
        with pytest.raises(LegacyProblem) as misconfigured:
            await wrong_token.list_orders()
        assert (misconfigured.value.status, misconfigured.value.code) == (
            502,
            "bad_gateway",
        )
    finally:
        await orders.aclose()
        await wrong_token.aclose()
