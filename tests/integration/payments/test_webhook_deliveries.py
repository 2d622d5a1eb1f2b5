"""Webhook deliveries end to end over the real PostgreSQL: a payment's events
reach a local receiver signed as Standard Webhooks say; failures are retried on
the schedule with every attempt stored; 410 disables the endpoint."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from tests.fakes.clock import FixedClock
from tests.integration.identity.flows import admin_with_mfa, bearer
from tests.integration.payments.flows import card, pay, user
from tests.integration.payments.webhook_receiver import running_receiver
from till.platform.settings import PaymentSettings

DAY = timedelta(days=1)


@pytest.fixture
def payment_settings():
    return PaymentSettings(refund_mfa_threshold=10_000, webhook_allow_private_urls=True)


async def _endpoint(client, url: str) -> dict:
    _, tokens = await admin_with_mfa(client)
    created = await client.post(
        "/v1/webhook-endpoints",
        json={"url": url, "events": ["payment.completed"]},
        headers=bearer(tokens),
    )
    assert created.status_code == 201, created.text
    return created.json()


async def _paid(client) -> dict:
    _, auth = await user(client)
    return await pay(
        client, auth, payment_method=await card(client, auth), confirm=True
    )


async def _until(check, client, seconds=20.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline
        client.app.state.outbox_relay.nudge()
        await client.app.state.webhook_deliveries.send_due()
        await asyncio.sleep(0.05)


async def _delivery(client, event_type: str, payment_id: str, endpoint_id: str):
    database = client.app.state.outbox_relay.database
    async with database.read() as conn:
        return (
            await conn.execute(
                text(
                    "SELECT d.id, d.status, d.attempts, d.next_attempt_at, "
                    "a.attempted_at, a.status_code, a.latency_ms, a.response_excerpt "
                    "FROM webhook_deliveries d JOIN outbox o ON o.event_id = "
                    "d.event_id LEFT JOIN webhook_attempts a ON a.delivery_id = d.id "
                    "WHERE o.stream_id = :p AND d.event_type = :t "
                    "AND d.endpoint_id = :e ORDER BY a.attempted_at"
                ),
                {"p": payment_id, "t": event_type, "e": endpoint_id},
            )
        ).all()


async def test_a_completed_payment_is_delivered_signed(client):
    with running_receiver() as receiver:
        endpoint = await _endpoint(client, receiver.url)
        payment = await _paid(client)

        async def arrived():
            return any(payment["id"].encode() in body for _, body in receiver.received)

        await _until(arrived, client)
        headers, body = next(
            r for r in receiver.received if payment["id"].encode() in r[1]
        )
        event = Webhook(endpoint["secret"]).verify(body, headers)
        assert (
            event["type"] == "payment.completed"
            and event["data"]["id"] == payment["id"]
        )
        assert headers["webhook-id"] == event["id"] and event["id"].startswith("evt_")

        async def recorded():  # the sender records the answer after it arrives
            rows = await _delivery(
                client, "payment.completed", payment["id"], endpoint["id"]
            )
            return rows and rows[0].status != "pending"

        await _until(recorded, client, seconds=5.0)
        (row,) = await _delivery(
            client, "payment.completed", payment["id"], endpoint["id"]
        )
        assert (row.status, row.attempts, row.status_code) == ("succeeded", 1, 200)


# The schedule, spelled out: after the nth failure, wait SCHEDULE[n-1]
# (then a day) plus up to 10 % jitter, until 3 days after the first attempt.
SCHEDULE = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
]


def _signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks signature for these headers (the library's verify
    would also refuse the fake clock's timestamps days ahead of real time)."""
    at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret).sign(headers["webhook-id"], at, body.decode())
    return expected in headers["webhook-signature"].split(" ")


async def test_a_failing_receiver_is_retried_on_the_whole_schedule_then_dropped(
    client,
):
    webhooks = client.app.state.webhook_deliveries
    clock = FixedClock(datetime.now(UTC))
    webhooks.clock = clock  # the sender's clock only: commands keep real time
    with running_receiver() as receiver:
        endpoint = await _endpoint(client, receiver.url)
        receiver.answers = [500] * 12
        payment = await _paid(client)

        async def rows():
            return await _delivery(
                client, "payment.completed", payment["id"], endpoint["id"]
            )

        def made(count: int):
            async def check():
                found = await rows()
                return sum(r.status_code is not None for r in found) >= count

            return check

        await _until(made(1), client)
        while (found := await rows())[-1].status == "pending":
            last = found[-1]
            wait = last.next_attempt_at - last.attempted_at
            step = SCHEDULE[len(found) - 1] if len(found) <= len(SCHEDULE) else DAY
            assert step <= wait <= step * 1.1, (len(found), wait)
            clock.at = last.next_attempt_at
            await _until(made(len(found) + 1), client)

        first, last = found[0].attempted_at, found[-1].attempted_at
        assert found[-1].status == "failed" and found[-1].next_attempt_at is None
        assert last - first <= timedelta(days=3) < last + DAY * 1.1 - first
        assert len(found) in (8, 9)  # 6 steps, then daily (jitter decides the 9th)
        assert found[-1].attempts == len(found) == len(receiver.received)
        assert all((r.status_code, r.response_excerpt) == (500, "nope") for r in found)
        assert all(0 <= r.latency_ms < 10_000 for r in found)
        ids = {headers["webhook-id"] for headers, _ in receiver.received}
        assert len(ids) == 1 and ids.pop().startswith("evt_")
        stamps = [int(h["webhook-timestamp"]) for h, _ in receiver.received]
        assert stamps == [int(r.attempted_at.timestamp()) for r in found]
        assert all(
            _signed_by(endpoint["secret"], headers, body)
            for headers, body in receiver.received
        )


async def test_a_410_disables_the_endpoint(client):
    with running_receiver() as receiver:
        endpoint = await _endpoint(client, receiver.url)
        receiver.answers = [410]
        payment = await _paid(client)

        async def gone():
            stored = await client.app.state.webhook_endpoints.store.get(endpoint["id"])
            return stored.disabled_at is not None

        await _until(gone, client)

        async def recorded():  # the endpoint is disabled before the row is
            rows = await _delivery(
                client, "payment.completed", payment["id"], endpoint["id"]
            )
            return rows and rows[0].status != "pending"

        await _until(recorded, client, seconds=5.0)
        (row,) = await _delivery(
            client, "payment.completed", payment["id"], endpoint["id"]
        )
        assert (row.status, row.status_code) == ("failed", 410)


async def test_admins_read_the_attempts_and_retry_a_delivery_at_once(client):
    with running_receiver() as receiver:
        _, tokens = await admin_with_mfa(client)
        admin = bearer(tokens)
        created = await client.post(
            "/v1/webhook-endpoints",
            json={"url": receiver.url, "events": ["payment.completed"]},
            headers=admin,
        )
        endpoint = created.json()
        receiver.answers = [503]
        payment = await _paid(client)

        async def attempted():
            rows = await _delivery(
                client, "payment.completed", payment["id"], endpoint["id"]
            )
            return rows and rows[0].status_code is not None

        await _until(attempted, client)
        path = f"/v1/webhook-endpoints/{endpoint['id']}/deliveries"
        (delivery,) = (await client.get(path, headers=admin)).json()["data"]
        assert delivery["status"] == "pending" and delivery["next_attempt_at"]
        assert [a["status_code"] for a in delivery["attempts"]] == [503]
        retried = await client.post(
            f"/v1/webhook-deliveries/{delivery['id']}/retry", headers=admin
        )
        assert retried.status_code == 202
        await client.app.state.webhook_deliveries.send_due()
        (after,) = (await client.get(path, headers=admin)).json()["data"]
        assert after["status"] == "succeeded"
        assert [a["status_code"] for a in after["attempts"]] == [503, 200]
        _, auth = await user(client)
        assert (await client.get(path, headers=auth)).status_code == 403
        unknown = await client.post(
            "/v1/webhook-deliveries/whd_nope/retry", headers=admin
        )
        assert unknown.status_code == 404


async def test_a_target_refused_at_send_time_is_not_called(client):
    with running_receiver() as receiver:
        endpoint = await _endpoint(client, receiver.url)
        client.app.state.webhook_deliveries.guard.allow_private = False
        payment = await _paid(client)

        async def attempted():
            rows = await _delivery(
                client, "payment.completed", payment["id"], endpoint["id"]
            )
            return bool(rows) and rows[0].attempted_at is not None

        await _until(attempted, client)
        assert not any(payment["id"].encode() in body for _, body in receiver.received)
        (row,) = await _delivery(
            client, "payment.completed", payment["id"], endpoint["id"]
        )
        assert row.status == "pending" and row.status_code is None
