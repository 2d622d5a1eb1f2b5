"""Who may see and do what to a payment over HTTP (API.md, Payments): a payment
the caller may not see answers 404, never 403; 403 is for an action the caller
may not take on a payment they can see."""

import pytest

from tests.integration.identity.flows import (
    PASSWORD,
    assert_problem,
    bearer,
    login,
    unique_email,
)
from tests.integration.payments.flows import (
    admin,
    card,
    completed,
    key,
    pay,
    post,
    service,
    user,
)

THRESHOLD = 10_000  # refund_mfa_threshold in the integration settings


async def plain_admin(http) -> dict[str, str]:
    """An admin whose token has no recent OTP (password only)."""
    email = unique_email("admin")
    commands = http.app.state.identity_commands
    await commands.register(email, PASSWORD, "Root", admin=True)
    return bearer(await login(http, email))


async def test_another_users_payment_is_not_found_never_forbidden(client):
    _, alice = await user(client)
    _, mallory = await user(client)
    payment = await pay(client, alice)
    for method, suffix in (
        ("GET", ""),
        ("POST", "/confirm"),
        ("POST", "/cancel"),
        ("GET", "/events"),
    ):
        response = await client.request(
            method, f"/v1/payments/{payment['id']}{suffix}", headers=mallory | key()
        )
        assert_problem(response, 404, "not_found")
    fetched = await client.get(f"/v1/payments/{payment['id']}", headers=alice)
    assert fetched.json()["status"] == "pending"  # nothing happened to it


async def test_listing_another_customers_payments_shows_nothing(client):
    alice_profile, alice = await user(client)
    _, mallory = await user(client)
    await pay(client, alice)
    await pay(client, mallory)
    listed = await client.get(
        "/v1/payments", params={"customer_id": alice_profile["id"]}, headers=mallory
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["data"] == [] and listed.json()["has_more"] is False


async def test_a_users_list_shows_only_their_own_payments(client):
    profile, alice = await user(client)
    _, bob = await user(client)
    mine = [(await pay(client, alice, amount=100 + i))["id"] for i in range(2)]
    await pay(client, bob)
    listed = await client.get("/v1/payments", headers=alice)
    assert listed.status_code == 200, listed.text
    data = listed.json()["data"]
    assert [p["id"] for p in data] == mine[::-1]  # newest first
    assert {p["customer_id"] for p in data} == {profile["id"]}


async def test_the_owner_may_not_capture_their_payment(client):
    _, auth = await user(client)
    method = await card(client, auth)
    held = await pay(
        client, auth, payment_method=method, capture_method="manual", confirm=True
    )
    assert held["status"] == "requires_capture"
    response = await post(client, f"/v1/payments/{held['id']}/capture", auth)
    assert_problem(response, 403, "forbidden")


async def test_the_owner_may_not_refund_their_payment(client):
    _, auth = await user(client)
    payment = await completed(client, auth)
    response = await post(client, f"/v1/payments/{payment['id']}/refunds", auth)
    assert_problem(response, 403, "forbidden")


async def test_the_owner_may_not_read_the_audit_trail(client):
    _, auth = await user(client)
    payment = await completed(client, auth)
    response = await client.get(f"/v1/payments/{payment['id']}/events", headers=auth)
    assert_problem(response, 403, "forbidden")


@pytest.mark.parametrize("reader", ["service", "admin"])
async def test_staff_read_the_audit_trail_in_order(client, reader):
    _, auth = await user(client)
    payment = await completed(client, auth)
    staff = await service(client) if reader == "service" else await admin(client)
    response = await client.get(f"/v1/payments/{payment['id']}/events", headers=staff)
    assert response.status_code == 200, response.text
    events = response.json()["data"]
    assert [e["type"] for e in events] == [
        "payment.created",
        "payment.processing",
        "payment.completed",
    ]
    assert [e["version"] for e in events] == [1, 2, 3]


async def test_a_service_pays_for_a_customer_and_captures_part(client):
    profile, auth = await user(client)
    method = await card(client, auth)
    shop = await service(client)
    created = await post(
        client,
        "/v1/payments",
        shop,
        amount=1050,
        currency="usd",
        customer_id=profile["id"],
        payment_method=method,
        capture_method="manual",
    )
    assert created.status_code == 201, created.text
    payment = created.json()
    assert payment["customer_id"] == profile["id"] and payment["status"] == "pending"
    confirmed = await post(client, f"/v1/payments/{payment['id']}/confirm", shop)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "requires_capture"
    assert confirmed.json()["amount_capturable"] == 1050
    captured = await post(
        client, f"/v1/payments/{payment['id']}/capture", shop, amount=400
    )
    assert captured.status_code == 200, captured.text
    assert captured.json()["status"] == "completed"
    assert captured.json()["amount_received"] == 400
    seen = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
    assert seen.status_code == 200 and seen.json()["amount_received"] == 400


async def test_a_user_may_not_pay_as_another_customer(client):
    other, _ = await user(client)
    _, auth = await user(client)
    response = await post(
        client,
        "/v1/payments",
        auth,
        amount=100,
        currency="usd",
        customer_id=other["id"],
    )
    assert_problem(response, 403, "forbidden")


async def test_a_key_without_payments_write_may_not_create_a_payment(client):
    reader = await service(client, ["payments:read", "refunds:write"])
    response = await post(client, "/v1/payments", reader, amount=100, currency="usd")
    assert_problem(response, 403, "forbidden")


async def test_a_key_without_refunds_write_may_not_refund(client):
    _, auth = await user(client)
    payment = await completed(client, auth)
    shop = await service(client, ["payments:read", "payments:write"])
    response = await post(client, f"/v1/payments/{payment['id']}/refunds", shop)
    assert_problem(response, 403, "forbidden")
    seen = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
    assert seen.json()["amount_refunded"] == 0


@pytest.mark.parametrize("amount", [THRESHOLD + 1, None])
async def test_an_admin_without_recent_mfa_may_not_refund_above_the_threshold(
    client, amount
):
    _, auth = await user(client)
    payment = await completed(client, auth, amount=THRESHOLD * 2)
    body = {} if amount is None else {"amount": amount}
    response = await post(
        client,
        f"/v1/payments/{payment['id']}/refunds",
        await plain_admin(client),
        **body,
    )
    assert_problem(response, 403, "mfa_required")


async def test_an_admin_without_recent_mfa_refunds_up_to_the_threshold(client):
    _, auth = await user(client)
    payment = await completed(client, auth, amount=THRESHOLD * 2)
    response = await post(
        client,
        f"/v1/payments/{payment['id']}/refunds",
        await plain_admin(client),
        amount=THRESHOLD,
    )
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == THRESHOLD
    assert response.json()["payment_id"] == payment["id"]


async def test_an_admin_with_recent_mfa_refunds_above_the_threshold(client):
    _, auth = await user(client)
    payment = await completed(client, auth, amount=THRESHOLD * 2)
    response = await post(
        client, f"/v1/payments/{payment['id']}/refunds", await admin(client)
    )
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == THRESHOLD * 2
    seen = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
    assert seen.json()["status"] == "refunded"


async def test_a_payment_needs_a_valid_bearer_to_create_or_read(client):
    _, auth = await user(client)
    payment = await pay(client, auth)
    for authorization in (None, "Bearer garbage", "Bearer ", "Bearer sk_nope"):
        headers = {"Authorization": authorization} if authorization else {}
        created = await client.post(
            "/v1/payments",
            json={"amount": 100, "currency": "usd"},
            headers=key() | headers,
        )
        assert_problem(created, 401, "unauthenticated")
        read = await client.get(f"/v1/payments/{payment['id']}", headers=headers)
        assert_problem(read, 401, "unauthenticated")


async def test_another_users_payment_method_is_not_found(client):
    _, alice = await user(client)
    _, mallory = await user(client)
    method = await card(client, alice)
    response = await post(
        client,
        "/v1/payments",
        mallory,
        amount=100,
        currency="usd",
        payment_method=method,
        confirm=True,
    )
    assert_problem(response, 404, "not_found", "payment_method")
    listed = await client.get("/v1/payments", headers=mallory)
    assert listed.json()["data"] == []
