"""The orders API end to end on PostgreSQL: totals, the payment link through
the payments context and its events, refunds, ownership, idempotency."""

from tests.integration.orders.flows import ITEMS, act, create, until
from tests.integration.payments.flows import (
    DECLINED,
    admin,
    card,
    key,
    service,
    user,
)

SHOP_SCOPES = ["orders:read", "orders:write", "payments:read", "refunds:write"]


async def test_an_order_is_paid_by_its_payments_event_then_shipped_to_the_door(client):
    me, auth = await user(client)
    order = await create(client, auth)
    assert order["status"] == "pending_payment"
    assert order["customer_id"] == me["id"]
    assert [i["amount"] for i in order["items"]] == [2500, 499]
    assert order["subtotal"] == order["total"] == 2999
    await create(client, auth, expect=422, total=1)  # totals are the server's

    started = await act(
        client, order["id"], "pay", auth, payment_method=await card(client, auth)
    )
    assert started["payment_id"].startswith("pay_")
    path = f"/v1/orders/{order['id']}"
    paid = await until(client, path, auth, "status", "paid")
    payment = await client.get(f"/v1/payments/{paid['payment_id']}", headers=auth)
    assert payment.json()["amount"] == 2999
    assert payment.json()["metadata"] == {"order_id": order["id"]}

    shop = await service(client, SHOP_SCOPES)
    await act(client, order["id"], "ship", shop, expect=409)  # not fulfilled yet
    for action in ("fulfill", "ship", "deliver"):
        moved = await act(client, order["id"], action, shop)
    assert moved["status"] == "delivered"
    refused = await act(client, order["id"], "cancel", auth, expect=409)
    assert refused["code"] == "invalid_state"

    history = (await client.get(path + "/history", headers=auth)).json()["data"]
    assert [e["type"] for e in history] == [
        "order.created",
        "order.payment_started",
        "order.paid",
        "order.fulfilled",
        "order.shipped",
        "order.delivered",
    ]


async def test_creating_an_order_twice_with_one_key_replays_the_first_answer(client):
    _, auth = await user(client)
    headers = auth | key()
    body = {"currency": "jpy", "items": ITEMS}
    first = await client.post("/v1/orders", json=body, headers=headers)
    again = await client.post("/v1/orders", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(
        "/v1/orders", json=body | {"currency": "usd"}, headers=headers
    )
    assert other.json()["code"] == "idempotency_key_reused"
    listed = (await client.get("/v1/orders", headers=auth)).json()["data"]
    assert [o["id"] for o in listed] == [first.json()["id"]]


async def test_canceling_a_paid_order_refunds_its_payment(client):
    _, auth = await user(client)
    order = await create(client, auth)
    await act(client, order["id"], "pay", auth, payment_method=await card(client, auth))
    paid = await until(client, f"/v1/orders/{order['id']}", auth, "status", "paid")

    canceled = await act(client, order["id"], "cancel", auth)
    assert canceled["status"] == "canceled"
    payment = f"/v1/payments/{paid['payment_id']}"
    refunded = await until(client, payment, auth, "status", "refunded")
    assert refunded["amount_refunded"] == 2999
    again = await act(client, order["id"], "cancel", auth, expect=409)
    assert again["code"] == "invalid_state"


async def test_a_refunded_payment_refunds_its_order_and_a_decline_can_be_retried(
    client,
):
    _, auth = await user(client)
    order = await create(client, auth)
    declined = await act(
        client,
        order["id"],
        "pay",
        auth,
        expect=402,
        payment_method=await card(client, auth, DECLINED),
    )
    assert declined["code"] == "card_declined"
    await act(client, order["id"], "pay", auth, payment_method=await card(client, auth))
    path = f"/v1/orders/{order['id']}"
    paid = await until(client, path, auth, "status", "paid")

    refund = await client.post(
        f"/v1/payments/{paid['payment_id']}/refunds",
        json={},
        headers=await admin(client) | key(),
    )
    assert refund.status_code == 201, refund.text
    await until(client, path, auth, "status", "refunded")


async def test_an_order_is_seen_and_moved_only_by_those_allowed(client):
    owner, auth = await user(client)
    _, stranger = await user(client)
    order = await create(client, auth)
    path = f"/v1/orders/{order['id']}"

    assert (await client.get(path, headers=stranger)).status_code == 404
    assert (await client.get(path + "/history", headers=stranger)).status_code == 404
    await act(client, order["id"], "cancel", stranger, expect=404)
    forbidden = await act(client, order["id"], "fulfill", auth, expect=403)
    assert forbidden["code"] == "forbidden"
    theirs = await client.get(
        "/v1/orders", params={"customer_id": owner["id"]}, headers=stranger
    )
    assert theirs.json()["data"] == []
    await create(client, stranger, expect=403, customer_id=owner["id"])

    shop = await service(client, SHOP_SCOPES)
    listed = await client.get(
        "/v1/orders",
        params={"customer_id": owner["id"], "status": "pending_payment"},
        headers=shop,
    )
    assert [o["id"] for o in listed.json()["data"]] == [order["id"]]
    reader = await service(client, ["payments:read"])
    assert (await client.get(path, headers=reader)).status_code == 403
