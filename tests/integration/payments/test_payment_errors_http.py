"""Every error the payments rows of API.md can produce, as RFC 9457 problems:
validation (422), malformed JSON (400), a missing Idempotency-Key (400) and
transitions the state machine does not allow (409). Declines and an unavailable
processor are in test_payment_declines_http.py."""

from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import (
    VISA,
    card,
    completed,
    key,
    pay,
    post,
    service,
    user,
)

NOT_LUHN = "4242424242424241"  # pragma: allowlist secret
BAD_IBAN = "DE89370400440532013001"  # pragma: allowlist secret
ORDER_ID = "ord_01JD3Q4Z5X6Y7W8V9T0S1R2Q3P"  # pragma: allowlist secret
CARD_NUMBERS = (VISA, NOT_LUHN)


def problem(response, status: int, code: str, param: str | None = None) -> dict:
    """A problem document with its request id, and no card number in it."""
    body = assert_problem(response, status, code, param)
    assert body["request_id"] and body["request_id"] == response.headers["x-request-id"]
    assert not any(number in response.text for number in CARD_NUMBERS)
    return body


def names(body: dict, field: str) -> None:
    """`param` names `field` (alone or as the last part of a nested path)."""
    assert str(body.get("param")).split(".")[-1] == field, body


BAD_PAYMENT_BODIES = [
    ({"currency": "xyz"}, "currency"),
    ({"amount": "10"}, "amount"),
    ({"amount": 0}, "amount"),
    ({"amount": -5}, "amount"),
    ({"surprise": True}, "surprise"),
    ({"capture_method": "later"}, "capture_method"),
]


async def test_an_invalid_payment_body_is_a_validation_error(client):
    _, auth = await user(client)
    for change, param in BAD_PAYMENT_BODIES:
        body = {"amount": 100, "currency": "usd"} | change
        response = await post(client, "/v1/payments", auth, **body)
        problem(response, 422, "validation_error", param)
    assert (await client.get("/v1/payments", headers=auth)).json()["data"] == []


BAD_CARDS = [
    ({"number": NOT_LUHN}, "number"),
    ({"exp_month": 1, "exp_year": 2020}, "exp_year"),
    ({"cvc": "12"}, "cvc"),
    ({"cvc": "1234"}, "cvc"),
    ({"cvc": "12345"}, "cvc"),
]


async def test_an_invalid_card_is_a_validation_error(client):
    _, auth = await user(client)
    details = {"number": VISA, "exp_month": 12, "exp_year": 2031, "cvc": "123"}
    for card_change, field in BAD_CARDS:
        response = await client.post(
            "/v1/payment-methods",
            json={"type": "card", "card": details | card_change},
            headers=auth,
        )
        names(problem(response, 422, "validation_error"), field)


async def test_an_invalid_iban_is_a_validation_error(client):
    _, auth = await user(client)
    response = await client.post(
        "/v1/payment-methods",
        json={
            "type": "bank_transfer",
            "bank_transfer": {"iban": BAD_IBAN},
        },
        headers=auth,
    )
    names(problem(response, 422, "validation_error"), "iban")


async def test_refunding_more_than_refundable_is_a_validation_error(client):
    _, auth = await user(client)
    payment = await completed(client, auth)
    shop = await service(client)
    path = f"/v1/payments/{payment['id']}/refunds"
    problem(
        await post(client, path, shop, amount=1051), 422, "validation_error", "amount"
    )
    assert (await post(client, path, shop, amount=1050)).status_code == 201


async def test_capturing_more_than_capturable_is_a_validation_error(client):
    _, auth = await user(client)
    method = await card(client, auth)
    held = await pay(
        client, auth, payment_method=method, capture_method="manual", confirm=True
    )
    path = f"/v1/payments/{held['id']}/capture"
    shop = await service(client)
    problem(
        await post(client, path, shop, amount=1051), 422, "validation_error", "amount"
    )
    seen = await client.get(f"/v1/payments/{held['id']}", headers=auth)
    assert seen.json()["status"] == "requires_capture"


BAD_LIST_PARAMETERS = [
    ({"limit": 0}, "limit"),
    ({"limit": 101}, "limit"),
    ({"starting_after": "not-a-cursor"}, "starting_after"),
    ({"starting_after": ORDER_ID}, "starting_after"),
]


async def test_bad_list_parameters_are_a_validation_error(client):
    _, auth = await user(client)
    for params, param in BAD_LIST_PARAMETERS:
        response = await client.get("/v1/payments", params=params, headers=auth)
        problem(response, 422, "validation_error", param)


async def test_a_body_that_is_not_json_is_malformed(client):
    _, auth = await user(client)
    response = await client.post(
        "/v1/payments",
        content=b'{"amount": 100, "currency": ',
        headers=auth | key() | {"Content-Type": "application/json"},
    )
    problem(response, 400, "malformed_json")


async def test_every_money_post_needs_an_idempotency_key(client):
    _, auth = await user(client)
    payment = await pay(client, auth)
    shop = await service(client)
    for suffix in ("", "/confirm", "/capture", "/cancel", "/refunds"):
        caller = shop if suffix in ("/capture", "/refunds") else auth
        path = f"/v1/payments/{payment['id']}{suffix}" if suffix else "/v1/payments"
        body = {} if suffix else {"amount": 100, "currency": "usd"}
        response = await client.post(path, json=body, headers=caller)
        problem(response, 400, "idempotency_key_missing", "Idempotency-Key")
    listed = (await client.get("/v1/payments", headers=auth)).json()["data"]
    assert [(p["id"], p["status"]) for p in listed] == [(payment["id"], "pending")]


async def test_an_idempotency_key_longer_than_255_characters_is_refused(client):
    _, auth = await user(client)
    body = {"amount": 100, "currency": "usd"}
    too_long = await client.post(
        "/v1/payments", json=body, headers=auth | {"Idempotency-Key": "k" * 256}
    )
    problem(too_long, 422, "validation_error", "Idempotency-Key")
    longest = await client.post(
        "/v1/payments", json=body, headers=auth | {"Idempotency-Key": "k" * 255}
    )
    assert longest.status_code == 201, longest.text


async def test_cancelling_a_completed_payment_is_an_invalid_state(client):
    _, auth = await user(client)
    payment = await completed(client, auth)
    response = await post(client, f"/v1/payments/{payment['id']}/cancel", auth)
    problem(response, 409, "invalid_state")


async def test_confirming_a_completed_payment_is_an_invalid_state(client):
    _, auth = await user(client)
    payment = await completed(client, auth)
    response = await post(client, f"/v1/payments/{payment['id']}/confirm", auth)
    problem(response, 409, "invalid_state")
    seen = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
    assert seen.json()["amount_received"] == 1050  # not charged twice


async def test_capturing_an_automatic_payment_is_an_invalid_state(client):
    _, auth = await user(client)
    payment = await completed(client, auth)
    shop = await service(client)
    response = await post(client, f"/v1/payments/{payment['id']}/capture", shop)
    problem(response, 409, "invalid_state")


async def test_refunding_a_pending_payment_is_an_invalid_state(client):
    shop = await service(client)
    payment = await pay(client, shop)
    response = await post(client, f"/v1/payments/{payment['id']}/refunds", shop)
    problem(response, 409, "invalid_state")
