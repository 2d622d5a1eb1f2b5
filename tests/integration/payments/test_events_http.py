"""GET /v1/events: what the relay published, newest first, for staff."""

import asyncio

from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import admin, card, pay, service, user

UNKNOWN_EVENT = "evt_01JD3Q4Z5X6Y7W8V9T0S1R2Q3P"  # pragma: allowlist secret


async def _published(client, auth, payment_id, wanted=3, seconds=5.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        listed = await client.get("/v1/events", params={"limit": 100}, headers=auth)
        assert listed.status_code == 200, listed.text
        mine = [e for e in listed.json()["data"] if e["data"].get("id") == payment_id]
        if len(mine) >= wanted:
            return mine
        assert asyncio.get_running_loop().time() < deadline, mine
        client.app.state.outbox_relay.nudge()
        await asyncio.sleep(0.05)


async def test_staff_list_published_events_newest_first_and_by_type(client):
    _, auth = await user(client)
    payment = await pay(
        client, auth, payment_method=await card(client, auth), confirm=True
    )
    staff = await admin(client)
    mine = await _published(client, staff, payment["id"])
    assert [e["type"] for e in mine] == [
        "payment.completed",
        "payment.processing",
        "payment.created",
    ]
    assert all(e["id"].startswith("evt_") and e["created_at"] for e in mine)
    completed = await client.get(
        "/v1/events", params={"type": "payment.completed"}, headers=staff
    )
    assert {e["type"] for e in completed.json()["data"]} == {"payment.completed"}
    newest = mine[0]["id"]
    after = await client.get(
        "/v1/events", params={"starting_after": newest, "limit": 100}, headers=staff
    )
    assert newest not in [e["id"] for e in after.json()["data"]]
    assert mine[1]["id"] in [e["id"] for e in after.json()["data"]]


async def test_events_are_for_staff_with_the_scope(client):
    _, auth = await user(client)
    assert_problem(await client.get("/v1/events", headers=auth), 403, "forbidden")
    reader = await service(client, ["payments:read"])
    assert_problem(await client.get("/v1/events", headers=reader), 403, "forbidden")
    allowed = await service(client, ["events:read"])
    assert (await client.get("/v1/events", headers=allowed)).status_code == 200
    unknown = await client.get(
        "/v1/events",
        params={"starting_after": UNKNOWN_EVENT},
        headers=allowed,
    )
    assert_problem(unknown, 422, "validation_error", "starting_after")
