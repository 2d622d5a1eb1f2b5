"""Capture, cancel and refund over HTTP, concurrent commands on one payment,
and processor faults: money is never moved twice."""

import asyncio

from sqlalchemy import text

from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import (
    TIMEOUT_AFTER_PROCESSING,
    card,
    key,
    pay,
    service,
    user,
)


async def _sandbox_charges(client, payment_id: str) -> list:
    """The charges the sandbox opened for a payment (its state is in the
    database, as every till process shares one processor)."""
    database = client.app.state.payment_commands.units().unit.database
    async with database.read() as conn:
        found = await conn.execute(
            text("SELECT amount, captured FROM sandbox_charges WHERE payment_id = :p"),
            {"p": payment_id},
        )
        return list(found.all())


async def _held(client, amount=1000):
    """A service's payment for a fresh customer, authorised and waiting."""
    staff = await service(client)
    _, auth = await user(client)
    method = await card(client, auth)
    payment = await pay(
        client,
        auth,
        amount=amount,
        payment_method=method,
        capture_method="manual",
        confirm=True,
    )
    assert payment["status"] == "requires_capture"
    assert payment["amount_capturable"] == amount
    return staff, auth, payment


async def _post(client, auth, path, body=None, headers=None):
    return await client.post(path, json=body, headers=auth | (headers or key()))


async def test_a_service_captures_part_of_a_held_payment(client):
    staff, _, payment = await _held(client)
    captured = await _post(
        client, staff, f"/v1/payments/{payment['id']}/capture", {"amount": 600}
    )
    assert captured.status_code == 200, captured.text
    body = captured.json()
    assert body["status"] == "completed" and body["amount_received"] == 600
    assert body["amount_capturable"] == 0


async def test_two_concurrent_captures_take_the_money_once(client):
    staff, _, payment = await _held(client)
    path = f"/v1/payments/{payment['id']}/capture"
    answers = await asyncio.gather(
        _post(client, staff, path, {"amount": 1000}),
        _post(client, staff, path, {"amount": 1000}),
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["code"] in ("conflict", "invalid_state")
    fetched = await client.get(f"/v1/payments/{payment['id']}", headers=staff)
    assert fetched.json()["amount_received"] == 1000
    charges = await _sandbox_charges(client, payment["id"])
    assert len(charges) == 1 and charges[0].captured == 1000


async def test_canceling_a_held_payment_releases_it(client):
    staff, auth, payment = await _held(client)
    canceled = await _post(client, auth, f"/v1/payments/{payment['id']}/cancel")
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    again = await _post(client, staff, f"/v1/payments/{payment['id']}/capture")
    assert_problem(again, 409, "invalid_state")


async def test_partial_then_full_refund(client):
    staff = await service(client)
    _, auth = await user(client)
    payment = await pay(
        client, auth, amount=1000, payment_method=await card(client, auth), confirm=True
    )
    path = f"/v1/payments/{payment['id']}/refunds"
    first = await _post(client, staff, path, {"amount": 300, "reason": "damaged"})
    assert first.status_code == 201, first.text
    refund = first.json()
    assert refund["id"].startswith("re_") and refund["payment_id"] == payment["id"]
    assert (refund["amount"], refund["status"], refund["reason"]) == (
        300,
        "succeeded",
        "damaged",
    )
    partly = await client.get(f"/v1/payments/{payment['id']}", headers=staff)
    assert partly.json()["status"] == "partially_refunded"
    rest = await _post(client, staff, path)
    assert rest.status_code == 201 and rest.json()["amount"] == 700
    done = await client.get(f"/v1/payments/{payment['id']}", headers=staff)
    assert done.json()["status"] == "refunded"
    assert done.json()["amount_refunded"] == 1000


async def test_concurrent_refunds_never_exceed_what_was_received(client):
    staff = await service(client)
    _, auth = await user(client)
    payment = await pay(
        client, auth, amount=1000, payment_method=await card(client, auth), confirm=True
    )
    path = f"/v1/payments/{payment['id']}/refunds"
    answers = await asyncio.gather(
        *[_post(client, staff, path, {"amount": 600}) for _ in range(3)]
    )
    succeeded = [a for a in answers if a.status_code == 201]
    assert len(succeeded) == 1, [a.text for a in answers]
    for answer in answers:
        if answer.status_code != 201:  # lost the race or over the refundable
            assert answer.json()["code"] in ("conflict", "validation_error")
    done = await client.get(f"/v1/payments/{payment['id']}", headers=staff)
    assert done.json()["amount_refunded"] == 600


async def test_an_unknown_outcome_keeps_processing_and_a_retry_charges_once(client):
    _, auth = await user(client)
    method = await card(client, auth, TIMEOUT_AFTER_PROCESSING)
    same = key()
    body = {"amount": 999, "currency": "usd", "payment_method": method, "confirm": True}
    first = await client.post("/v1/payments", json=body, headers=auth | same)
    assert_problem(first, 503, "gateway_unavailable")
    listed = (await client.get("/v1/payments", headers=auth)).json()["data"]
    assert [p["status"] for p in listed] == ["processing"]  # never failed
    # the retry resumes the same payment and asks the processor again under the
    # key derived from it: the processor answers with the charge it already made
    retry = await client.post("/v1/payments", json=body, headers=auth | same)
    assert retry.status_code == 201, retry.text
    assert retry.json()["id"] == listed[0]["id"]
    assert retry.json()["status"] == "completed"
    assert len(await _sandbox_charges(client, listed[0]["id"])) == 1  # charged once
    events = await client.get(
        f"/v1/payments/{listed[0]['id']}/events", headers=await service(client)
    )
    assert [e["type"] for e in events.json()["data"]] == [
        "payment.created",
        "payment.processing",
        "payment.processor_pending",
        "payment.completed",
    ]


async def test_each_published_event_has_its_outbox_row(client):
    _, auth = await user(client)
    payment = await pay(
        client, auth, payment_method=await card(client, auth), confirm=True
    )
    database = client.app.state.payment_commands.units().unit.database
    async with database.read() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT type, payload FROM outbox WHERE stream_id = :s ORDER BY seq"
                ),
                {"s": payment["id"]},
            )
        ).all()
    assert [r.type for r in rows] == [
        "payment.created",
        "payment.processing",
        "payment.completed",
    ]
    assert rows[-1].payload["data"]["status"] == "completed"
    assert rows[-1].payload["id"].startswith("evt_")


async def test_the_janitor_settles_a_payment_nobody_retried(client):
    _, auth = await user(client)
    method = await card(client, auth, TIMEOUT_AFTER_PROCESSING)
    body = {"amount": 777, "currency": "usd", "payment_method": method, "confirm": True}
    first = await client.post("/v1/payments", json=body, headers=auth | key())
    assert_problem(first, 503, "gateway_unavailable")
    janitor = client.app.state.payment_janitor
    janitor.grace = janitor.grace * 0  # do not wait a minute in a test
    assert await janitor.run_once(limit=1000) >= 1
    (payment,) = (await client.get("/v1/payments", headers=auth)).json()["data"]
    assert payment["status"] == "completed" and payment["amount_received"] == 777
    ours = await _sandbox_charges(client, payment["id"])
    assert len(ours) == 1 and ours[0].amount == 777  # asked twice, charged once
