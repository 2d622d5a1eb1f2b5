"""POST /v1/gateways/stripe/webhook: a bank transfer left processing moves on
when Stripe says so; a bad or stale signature is 400 and changes nothing."""

import time
import uuid

import orjson
import pytest

from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import key, user
from till.payments.core.stripe_signatures import stripe_signature
from till.platform.settings import PaymentSettings

SECRET = "whsec_inbound_test"  # pragma: allowlist secret
IBAN = "DE89370400440532013000"  # pragma: allowlist secret


@pytest.fixture
def payment_settings():
    return PaymentSettings(refund_mfa_threshold=10_000, stripe_webhook_secret=SECRET)


async def _transfer(client) -> tuple[dict, dict]:
    """A bank-transfer payment: processing, with the processor's reference."""
    _, auth = await user(client)
    method = await client.post(
        "/v1/payment-methods",
        json={"type": "bank_transfer", "bank_transfer": {"iban": IBAN}},
        headers=auth,
    )
    paid = await client.post(
        "/v1/payments",
        json={
            "amount": 2500,
            "currency": "eur",
            "payment_method": method.json()["id"],
            "confirm": True,
        },
        headers=auth | key(),
    )
    assert paid.json()["status"] == "processing", paid.text
    payment = client.app.state.payment_commands
    stored = await payment.units().load(paid.json()["id"])
    assert stored.gateway_reference
    return paid.json(), {"auth": auth, "reference": stored.gateway_reference}


def _event(event_type: str, reference: str, **intent) -> bytes:
    body = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "data": {"object": {"id": reference, "object": "payment_intent", **intent}},
    }
    return orjson.dumps(body)


def _signed(body: bytes, secret: str = SECRET, at: int | None = None) -> dict:
    timestamp = int(time.time()) if at is None else at
    signature = stripe_signature(secret, timestamp, body)
    return {"Stripe-Signature": f"t={timestamp},v1={signature}"}


async def _status(client, payment, auth) -> str:
    got = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
    return got.json()["status"]


async def test_stripe_saying_succeeded_completes_the_transfer_once(client):
    payment, ctx = await _transfer(client)
    body = _event("payment_intent.succeeded", ctx["reference"])
    path = "/v1/gateways/stripe/webhook"
    first = await client.post(path, content=body, headers=_signed(body))
    assert first.status_code == 200 and first.json() == {"received": True}
    assert await _status(client, payment, ctx["auth"]) == "completed"
    again = await client.post(path, content=body, headers=_signed(body))
    assert again.status_code == 200  # a duplicate delivery is acknowledged
    events = await client.app.state.payment_queries.reads.events(payment["id"])
    assert [e.type for e in events].count("payment.completed") == 1


async def test_stripe_saying_failed_fails_it_with_the_code(client):
    payment, ctx = await _transfer(client)
    body = _event(
        "payment_intent.payment_failed",
        ctx["reference"],
        last_payment_error={"code": "insufficient_funds", "message": "no money"},
    )
    response = await client.post(
        "/v1/gateways/stripe/webhook", content=body, headers=_signed(body)
    )
    assert response.status_code == 200
    got = await client.get(f"/v1/payments/{payment['id']}", headers=ctx["auth"])
    assert got.json()["failure"]["code"] == "insufficient_funds"


@pytest.mark.parametrize("trouble", ["wrong secret", "stale", "missing", "tampered"])
async def test_a_bad_signature_is_400_and_changes_nothing(client, trouble):
    payment, ctx = await _transfer(client)
    body = _event("payment_intent.succeeded", ctx["reference"])
    headers = {
        "wrong secret": _signed(body, secret="whsec_other"),
        "stale": _signed(body, at=int(time.time()) - 301),
        "missing": {},
        "tampered": _signed(_event("payment_intent.succeeded", "pi_other")),
    }[trouble]
    response = await client.post(
        "/v1/gateways/stripe/webhook", content=body, headers=headers
    )
    assert_problem(response, 400, "invalid_signature")
    assert await _status(client, payment, ctx["auth"]) == "processing"
