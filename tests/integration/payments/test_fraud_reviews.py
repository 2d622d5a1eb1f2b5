"""Fraud screening over HTTP with the real Redis counters: card testing from
one address is held for review, then blocked; an admin with MFA works the
queue; the allow list lets an operator's own traffic through."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from tests.integration.conftest import REDIS_URL
from tests.integration.payments.flows import admin, card, pay, post, service, user
from till.payments.core.fraud import Attempt
from till.payments.shell.adapters.redis_fraud_signals import RedisFraudSignals
from till.platform.settings import FraudSettings, PaymentSettings

CLIENT_IP = "203.0.113.7"  # the test client's address


@pytest.fixture
def payment_settings() -> PaymentSettings:
    """No allow list: this module's traffic is screened like a stranger's."""
    return PaymentSettings(
        refund_mfa_threshold=10_000,
        fraud=FraudSettings(allowlist_ips="", rules='{"block_at": 95}'),
    )


def _luhn(body: str) -> str:
    total = 0
    for i, d in enumerate(int(c) for c in reversed(body)):
        total += sum(divmod(d * 2, 10)) if i % 2 == 0 else d
    return body + str((10 - total % 10) % 10)


async def _card_testing(http, shop: dict, cards: int) -> list[dict]:
    """One address, a fresh card each time (as card testers do)."""
    run = uuid.uuid4().int % 10**6
    payments = []
    for n in range(cards):
        number = _luhn(f"555555{run:06d}{n:03d}")
        method = await card(http, shop, number)
        payments.append(await pay(http, shop, payment_method=method, confirm=True))
    return payments


async def test_card_testing_is_held_and_an_admin_with_mfa_decides(client):
    shop = await service(client)
    payments = await _card_testing(client, shop, 5)
    assert [p["status"] for p in payments[:3]] == ["completed"] * 3
    held, second = payments[3], payments[4]
    assert held["status"] == "requires_review"
    assert held["risk"] == {"score": 60, "level": "elevated"}  # no reasons here
    assert held["amount_received"] == 0

    staff = await admin(client)
    queue = (await client.get("/v1/reviews", headers=staff)).json()
    mine = {r["payment_id"]: r for r in queue["data"]}
    review = mine[held["id"]]
    assert review["open"] is True
    assert review["risk"]["reasons"] == ["card_testing"]
    assert (await client.get("/v1/reviews", headers=shop)).status_code == 403

    approved = await client.post(f"/v1/reviews/{review['id']}/approve", headers=staff)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "completed"
    assert approved.json()["amount_received"] == held["amount"]
    again = await client.post(f"/v1/reviews/{review['id']}/approve", headers=staff)
    assert again.status_code == 409

    rejected_id = mine[second["id"]]["id"]
    rejected = await client.post(f"/v1/reviews/{rejected_id}/reject", headers=staff)
    assert rejected.json()["status"] == "canceled"
    after = (await client.get("/v1/reviews", headers=staff)).json()["data"]
    assert not {held["id"], second["id"]} & {r["payment_id"] for r in after}

    wanted = {held["id"], second["id"]}
    for _ in range(50):  # the relay publishes after the commit
        events = await client.get(
            "/v1/events", params={"type": "payment.requires_review"}, headers=staff
        )
        published = {e["data"]["id"] for e in events.json()["data"]}
        if wanted <= published:
            break
        await asyncio.sleep(0.1)
    assert wanted <= published


async def test_declined_card_testing_is_blocked_without_a_processor_call(client):
    shop = await service(client)
    declined = "4000000000000002"  # pragma: allowlist secret
    for _ in range(3):
        method = await card(client, shop, declined)
        failed = await pay(client, shop, payment_method=method, confirm=True)
        assert failed["failure"]["code"] == "card_declined"
    payments = await _card_testing(client, shop, 4)
    blocked = payments[-1]
    assert blocked["status"] == "failed"
    assert blocked["failure"]["code"] == "fraud_suspected"
    assert blocked["risk"]["level"] == "highest"
    staff = await admin(client)
    history = await client.get(f"/v1/payments/{blocked['id']}/events", headers=staff)
    types = [e["type"] for e in history.json()["data"]]
    assert types == ["payment.created", "payment.processing", "payment.failed"]


async def test_a_customer_paying_as_usual_is_not_held(client):
    _, auth = await user(client)
    method = await card(client, auth)
    for _ in range(3):
        paid = await pay(client, auth, payment_method=method, confirm=True)
        assert paid["status"] == "completed"
        assert paid["risk"] == {"score": 0, "level": "normal"}
    refund = await post(client, f"/v1/payments/{paid['id']}/refunds", auth)
    assert refund.status_code == 403  # users do not refund: unchanged by fraud


async def test_the_redis_counters_slide_and_remember(redis_prefix):
    redis = Redis.from_url(REDIS_URL)
    try:
        signals = RedisFraudSignals(redis, redis_prefix)
        t0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
        customer = f"usr_{uuid.uuid4().hex[:8]}"

        def attempt(n: int, card: str, ip: str) -> Attempt:
            return Attempt(f"pay_{n}", 1000, "usd", customer, card, ip)

        await signals.observe(attempt(1, "fp_a", CLIENT_IP), t0)
        second = await signals.observe(attempt(2, "fp_b", CLIENT_IP), t0)
        assert (second.customer_payments, second.ip_cards) == (2, 2)
        assert (second.customer_cards, second.new_ip) == (2, False)
        await signals.settled(attempt(1, "fp_a", CLIENT_IP), True, 1500, t0)
        await signals.settled(attempt(2, "fp_b", CLIENT_IP), False, 1000, t0)
        later = t0 + timedelta(minutes=11)
        third = await signals.observe(attempt(3, "fp_b", "198.51.100.9"), later)
        assert third.ip_payments == 1  # another address
        assert third.new_ip is True
        assert (third.card_payments, third.card_declines) == (2, 1)
        assert (third.customer_declines, third.customer_payments) == (1, 3)
        assert (third.history_count, third.history_sum) == (1, 1500)
        gone = await signals.observe(
            attempt(4, "fp_b", CLIENT_IP), t0 + timedelta(days=2)
        )
        assert (gone.customer_payments, gone.card_declines) == (1, 0)
    finally:
        await redis.aclose()
