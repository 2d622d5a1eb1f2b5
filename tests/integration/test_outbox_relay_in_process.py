"""The embedded default: the same relay feeds the in-process bus, and several
relays at once never publish a row twice."""

import asyncio
from collections import Counter

import orjson

from tests.integration.payments.flows import pay, user
from till.platform.outbox_relay import OutboxRelay


async def test_several_relays_publish_each_event_once(client):
    bus = client.app.state.event_bus
    seen: Counter[str] = Counter()
    created: set[str] = set()

    async def count(event):
        seen[event.event_id] += 1
        if event.type == "payment.created":
            created.add(orjson.loads(event.body)["data"]["id"])

    bus.subscribe("*", count)
    _, auth = await user(client)
    payments = [await pay(client, auth, amount=100 + i) for i in range(12)]
    database = client.app.state.outbox_relay.database
    relays = [OutboxRelay(database, bus, batch=3) for _ in range(3)]

    async def drain(relay):
        while await relay.relay_once():
            pass

    await asyncio.gather(*(drain(r) for r in relays))
    await asyncio.sleep(0.3)  # the app's own relay may still hold a batch
    await asyncio.gather(*(drain(r) for r in relays))
    assert all(n == 1 for n in seen.values()), seen.most_common(3)
    assert {p["id"] for p in payments} <= created
