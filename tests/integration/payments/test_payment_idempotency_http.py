"""Idempotency-Key on payment commands, exactly as API.md's Conventions say."""

import asyncio

from sqlalchemy import text

from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import card, key, user


async def _create(client, auth, headers, amount=700, **extra):
    return await client.post(
        "/v1/payments",
        json={"amount": amount, "currency": "eur", **extra},
        headers=auth | headers,
    )


async def test_a_retry_replays_the_first_response_byte_for_byte(client):
    _, auth = await user(client)
    method = await card(client, auth)
    same = key()
    first = await _create(client, auth, same, payment_method=method, confirm=True)
    again = await _create(client, auth, same, payment_method=method, confirm=True)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    listed = await client.get("/v1/payments", headers=auth)
    assert [p["id"] for p in listed.json()["data"]] == [first.json()["id"]]


async def test_the_same_key_with_another_body_is_refused(client):
    _, auth = await user(client)
    same = key()
    assert (await _create(client, auth, same)).status_code == 201
    reused = await _create(client, auth, same, amount=701)
    assert_problem(reused, 422, "idempotency_key_reused", "Idempotency-Key")


async def test_keys_belong_to_their_caller(client):
    _, alice = await user(client)
    _, bob = await user(client)
    same = key()
    first = await _create(client, alice, same)
    second = await _create(client, bob, same)
    assert second.status_code == 201 and "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]


async def test_concurrent_requests_with_one_key_run_once(client):
    _, auth = await user(client)
    method = await card(client, auth)
    same = key()
    answers = await asyncio.gather(
        *[
            _create(client, auth, same, payment_method=method, confirm=True)
            for _ in range(4)
        ]
    )
    codes = sorted(a.status_code for a in answers)
    created = [a for a in answers if a.status_code == 201]
    assert set(codes) <= {201, 409} and created
    for answer in answers:
        if answer.status_code == 409:
            assert_problem(answer, 409, "idempotency_key_in_use")
    assert len({a.json()["id"] for a in created}) == 1  # replays of one payment
    listed = await client.get("/v1/payments", headers=auth)
    assert len(listed.json()["data"]) == 1


async def test_a_validation_error_is_not_stored(client):
    _, auth = await user(client)
    same = key()
    bad = await _create(client, auth, same, payment_method="pm_unknown")
    assert_problem(bad, 404, "not_found", "payment_method")
    # a 404 after the key was taken is the stored answer for that body
    assert (await _create(client, auth, same, payment_method="pm_unknown")).headers[
        "idempotent-replayed"
    ] == "true"
    other = key()
    too_much = await client.post(
        "/v1/payments",
        json={"amount": 10**16, "currency": "usd"},
        headers=auth | other,
    )
    assert_problem(too_much, 422, "validation_error", "amount")
    fixed = await client.post(
        "/v1/payments", json={"amount": 10, "currency": "usd"}, headers=auth | other
    )
    assert fixed.status_code == 201  # the key was not kept for the refused body


async def test_expired_records_are_removed_by_the_retention_job(client):
    _, auth = await user(client)
    same = key()
    assert (await _create(client, auth, same)).status_code == 201
    app = client.app
    database = app.state.payment_commands.units().unit.database
    async with database.read() as conn:
        await conn.execute(
            text(
                "UPDATE idempotency_keys SET expires_at = now() - interval '1 s' "
                "WHERE key = :k"
            ),
            {"k": same["Idempotency-Key"]},
        )
    from till.platform.postgres_idempotency import delete_expired_idempotency_keys

    removed = await delete_expired_idempotency_keys(database, app.state.clock.now())
    assert removed >= 1
    again = await _create(client, auth, same)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
