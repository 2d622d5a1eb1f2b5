"""The processor says no (API.md sandbox test cards): 402 with the decline code on
`POST /confirm`, 201 `failed` on create with `confirm: true`; the processor
unavailable: 503 `gateway_unavailable`, and the Idempotency-Key is not kept."""

from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import UNAVAILABLE, card, key, pay, user

DECLINES = {
    "4000000000000002": "card_declined",  # pragma: allowlist secret
    "4000000000009995": "insufficient_funds",  # pragma: allowlist secret
    "4000000000000069": "expired_card",  # pragma: allowlist secret
    "4000000000000127": "incorrect_cvc",  # pragma: allowlist secret
    "4000000000000119": "processing_error",  # pragma: allowlist secret
}
NUMBERS = (*DECLINES, UNAVAILABLE)


def no_card_number(response) -> None:
    assert not any(number in response.text for number in NUMBERS), response.text


def problem(response, status: int, code: str, param: str | None = None) -> dict:
    body = assert_problem(response, status, code, param)
    assert body["request_id"] and body["request_id"] == response.headers["x-request-id"]
    no_card_number(response)
    return body


async def test_confirming_with_a_declining_card_answers_402(client):
    _, auth = await user(client)
    for number, code in DECLINES.items():
        payment = await pay(client, auth)
        method = await card(client, auth, number)
        response = await client.post(
            f"/v1/payments/{payment['id']}/confirm",
            json={"payment_method": method},
            headers=auth | key(),
        )
        body = problem(response, 402, code, "payment_method")
        assert body["payment"]["status"] == "failed"
        assert body["payment"]["failure"]["code"] == code
        assert body["payment"]["amount_received"] == 0


async def test_creating_with_confirm_and_a_declining_card_is_a_failed_payment(client):
    _, auth = await user(client)
    for number, code in DECLINES.items():
        method = await card(client, auth, number)
        response = await client.post(
            "/v1/payments",
            json={
                "amount": 1050,
                "currency": "usd",
                "payment_method": method,
                "confirm": True,
            },
            headers=auth | key(),
        )
        assert response.status_code == 201, response.text
        assert response.headers["content-type"].startswith("application/json")
        no_card_number(response)
        payment = response.json()
        assert payment["status"] == "failed" and payment["failure"]["code"] == code
        assert payment["amount_received"] == 0


async def test_an_unavailable_processor_answers_503_and_keeps_no_answer(client):
    _, auth = await user(client)
    method = await card(client, auth, UNAVAILABLE)
    same = key()
    body = {"amount": 1050, "currency": "usd", "payment_method": method}
    first = await client.post(
        "/v1/payments", json=body | {"confirm": True}, headers=auth | same
    )
    problem(first, 503, "gateway_unavailable")
    again = await client.post(
        "/v1/payments", json=body | {"confirm": True}, headers=auth | same
    )
    problem(again, 503, "gateway_unavailable")
    assert "idempotent-replayed" not in again.headers
    listed = (await client.get("/v1/payments", headers=auth)).json()["data"]
    assert len(listed) == 1 and listed[0]["amount_received"] == 0
    assert listed[0]["status"] != "completed"


async def test_confirming_with_an_unavailable_processor_answers_503(client):
    _, auth = await user(client)
    payment = await pay(client, auth)
    method = await card(client, auth, UNAVAILABLE)
    path = f"/v1/payments/{payment['id']}/confirm"
    same = key()
    for _ in range(2):
        response = await client.post(
            path, json={"payment_method": method}, headers=auth | same
        )
        problem(response, 503, "gateway_unavailable")
        assert "idempotent-replayed" not in response.headers
