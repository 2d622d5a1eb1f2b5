from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.fakes.legacy_customers import MemoryLegacyCustomers
from tests.unit.adapters.legacy_api_fake import FakeLegacyApi
from till.kernel.ids import new_id
from till.migration.core.legacy_ids import order_id_for_legacy
from till.migration.shell.adapters.legacy_http_orders import LegacyHttpOrders
from till.migration.shell.adapters.legacy_http_translation import LegacyProblem

ALICE = "usr_01JD3Q8X7N1F5C9H2K4M6P8R0T"  # pragma: allowlist secret
MUG = {"sku": "MUG", "name": "Mug", "quantity": 2, "unit_amount": 999}


@pytest.fixture
def legacy() -> FakeLegacyApi:
    return FakeLegacyApi()


@pytest.fixture
def customers() -> MemoryLegacyCustomers:
    return MemoryLegacyCustomers()


@pytest.fixture
async def orders(
    legacy: FakeLegacyApi, customers: MemoryLegacyCustomers
) -> AsyncIterator[LegacyHttpOrders]:
    client = LegacyHttpOrders(
        legacy.client(), customers=customers, tz=ZoneInfo("Europe/Berlin")
    )
    yield client
    await client.aclose()


async def fails(call: object, status: int, code: str) -> LegacyProblem:
    with pytest.raises(LegacyProblem) as raised:
        await call  # type: ignore[misc]
    assert (raised.value.status, raised.value.code) == (status, code)
    return raised.value


async def test_create_speaks_legacy_and_answers_the_api_order_object(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi, customers: MemoryLegacyCustomers
) -> None:
    order = await orders.create(customer_id=ALICE, currency="eur", items=[MUG])
    sent = legacy.orders[1]
    assert sent["customer_id"] == customers.pairs[ALICE] == 1_000_000_000
    assert sent["currency_code"] == "EUR"
    assert sent["items"][0]["qty"] == 2 and sent["items"][0]["price"] == "9.9900"
    assert order["id"] == order_id_for_legacy(1)
    assert order["legacy_id"] == 1
    assert order["customer_id"] == ALICE
    assert order["status"] == "pending_payment"
    assert (order["subtotal"], order["total"], order["currency"]) == (1998, 1998, "eur")
    assert order["items"] == [
        {"sku": "MUG", "name": "Mug", "quantity": 2, "unit_amount": 999, "amount": 1998}
    ]
    assert order["created_at"] == "2026-06-01T08:01:00Z"


async def test_create_refuses_what_legacy_cannot_hold_without_calling_it(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    problem = await fails(
        orders.create(customer_id=ALICE, currency="xyz", items=[MUG]),
        422,
        "validation_error",
    )
    assert problem.param == "currency_code"
    huge = {**MUG, "unit_amount": 10**10}
    await fails(
        orders.create(customer_id=ALICE, currency="eur", items=[huge]),
        422,
        "validation_error",
    )
    await fails(
        orders.create(customer_id=ALICE, currency="eur", items=[{"sku": "A"}]),
        422,
        "validation_error",
    )
    problem = await fails(
        orders.create(customer_id=None, currency="eur", items=[MUG]),
        422,
        "validation_error",
    )
    assert problem.param == "customer_id"
    assert legacy.calls == []


async def test_legacy_validation_errors_name_the_api_field(
    orders: LegacyHttpOrders,
) -> None:
    problem = await fails(
        orders.create(
            customer_id=ALICE, currency="eur", items=[{**MUG, "quantity": 0}]
        ),
        422,
        "validation_error",
    )
    assert problem.param == "items.0.quantity"


async def test_get_reads_a_shop_order_by_its_derived_id(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    legacy.add("cancelled", customer=7)
    order = await orders.get(order_id_for_legacy(1))
    assert (order["status"], order["customer_id"]) == ("canceled", "lgc_7")
    assert legacy.calls == ["GET /api/orders/1"]


async def test_rows_the_dual_write_made_keep_till_ids(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    till_id = new_id("ord")
    legacy.add("processing", increment_id=till_id)
    assert (await orders.get(till_id, legacy_id=1))["id"] == till_id


async def test_unknown_and_foreign_ids_are_not_found(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    await fails(orders.get(order_id_for_legacy(9)), 404, "not_found")
    await fails(orders.get(new_id("ord")), 404, "not_found")
    assert legacy.calls == ["GET /api/orders/9"]


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        (httpx.Response(401, json={"message": "Unauthenticated."}), 502, "bad_gateway"),
        (httpx.Response(500, json={"message": "Server Error"}), 502, "bad_gateway"),
        (httpx.Response(200, text="<html>"), 502, "bad_gateway"),
        (httpx.Response(200, json={"id": 1}), 502, "bad_gateway"),
    ],
)
async def test_a_broken_legacy_answer_is_a_bad_gateway(
    orders: LegacyHttpOrders,
    legacy: FakeLegacyApi,
    answer: httpx.Response,
    status: int,
    code: str,
) -> None:
    legacy.answer = answer
    await fails(orders.get(order_id_for_legacy(1)), status, code)


async def test_no_answer_is_service_unavailable(
    customers: MemoryLegacyCustomers,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://x")
    client = LegacyHttpOrders(http, customers=customers, tz=ZoneInfo("UTC"))
    await fails(client.get(order_id_for_legacy(1)), 503, "service_unavailable")
    await client.aclose()


async def test_an_unmappable_legacy_row_is_a_bad_gateway_not_a_wrong_answer(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    legacy.add(grand_total="19.9850")
    problem = await fails(orders.get(order_id_for_legacy(1)), 502, "bad_gateway")
    assert "legacy order 1" in problem.detail


async def test_cancel_uses_legacys_endpoint_and_refusals_are_invalid_state(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    legacy.add("pending")
    legacy.add("complete")
    assert (await orders.cancel(order_id_for_legacy(1)))["status"] == "canceled"
    assert (await orders.cancel(order_id_for_legacy(1)))["status"] == "canceled"
    problem = await fails(orders.cancel(order_id_for_legacy(2)), 409, "invalid_state")
    assert "complete" in problem.detail


async def test_fulfill_writes_nothing_and_answers_fulfilled(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    legacy.add("processing")
    order = await orders.transition("fulfill", order_id_for_legacy(1))
    assert order["status"] == "fulfilled"
    assert legacy.calls == ["GET /api/orders/1"]
    assert (await orders.get(order_id_for_legacy(1)))["status"] == "paid"


async def test_a_transition_from_the_wrong_status_is_refused_before_any_write(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    legacy.add("pending")
    problem = await fails(
        orders.transition("fulfill", order_id_for_legacy(1)), 409, "invalid_state"
    )
    assert problem.detail == "cannot fulfill when status is pending_payment"
    await fails(orders.transition("ship", order_id_for_legacy(1)), 409, "invalid_state")
    assert legacy.orders[1]["status"] == "pending"
    assert all(call.startswith("GET") for call in legacy.calls)


async def test_ship_patches_complete_and_deliver_then_writes_nothing(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    legacy.add("processing")
    shipped = await orders.transition("ship", order_id_for_legacy(1))
    assert shipped["status"] == "shipped"
    assert legacy.orders[1]["status"] == "complete"
    delivered = await orders.transition("deliver", order_id_for_legacy(1))
    assert delivered["status"] == "delivered"
    assert legacy.calls.count("PATCH /api/orders/1/status") == 1


async def test_a_status_filter_merges_the_legacy_spellings_newest_first(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    for status in ["pending", "holded", "processing"] * 12:  # 36 orders
        legacy.add(status)
    page = await orders.list_orders(status="pending_payment", limit=20)
    ids = [order["legacy_id"] for order in page["data"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 20
    assert {legacy.orders[i]["status"] for i in ids} == {"pending", "holded"}
    assert page["has_more"] is True
    assert all(order["items"] for order in page["data"])  # read whole
    rest = await orders.list_orders(
        status="pending_payment", starting_after=page["data"][-1]["id"]
    )
    assert len(rest["data"]) == 4 and rest["has_more"] is False


async def test_a_list_of_a_customer_legacy_never_saw_is_empty_without_a_call(
    orders: LegacyHttpOrders, legacy: FakeLegacyApi
) -> None:
    legacy.add(customer=42)
    assert await orders.list_orders(customer_id=ALICE) == {
        "data": [],
        "has_more": False,
    }
    assert legacy.calls == []
    page = await orders.list_orders(customer_id="lgc_42")
    assert [order["customer_id"] for order in page["data"]] == ["lgc_42"]
    assert await orders.list_orders(status="shipped") == {"data": [], "has_more": False}


@pytest.mark.parametrize(("limit", "status"), [(0, None), (101, None), (5, "lost")])
async def test_list_arguments_are_validated(
    orders: LegacyHttpOrders, limit: int, status: str | None
) -> None:
    await fails(orders.list_orders(limit=limit, status=status), 422, "validation_error")
