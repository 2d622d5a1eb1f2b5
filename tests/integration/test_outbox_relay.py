"""The outbox relay over the real PostgreSQL and RabbitMQ: every committed
event reaches the exchange once its row is published, in order per payment;
with the broker cut off, commands still succeed and the events wait."""

import asyncio
import os
import uuid

import aio_pika
import pytest
from sqlalchemy import text

from tests.integration.payments.flows import card, pay, user
from tests.integration.tcp_cut import CuttableProxy
from till.platform.event_bus import RabbitPublisher

RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")


@pytest.fixture
def exchange() -> str:
    return f"till.events.test.{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def consumer(exchange):
    """A queue bound to the test exchange for every routing key."""
    connection = await aio_pika.connect_robust(RABBIT)
    channel = await connection.channel()
    bound = await channel.declare_exchange(
        exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(bound, routing_key="#")
    yield queue
    await bound.delete()
    await connection.close()


async def _messages_for(queue, stream_id: str, count: int, seconds: float = 10.0):
    found = []
    deadline = asyncio.get_running_loop().time() + seconds
    while len(found) < count:
        assert asyncio.get_running_loop().time() < deadline, found
        message = await queue.get(no_ack=True, fail=False)
        if message is None:
            await asyncio.sleep(0.05)
        elif stream_id.encode() in message.body:
            found.append(message)
    return found


async def _unpublished(client, payment_id: str) -> int:
    database = client.app.state.payment_commands.units().unit.database
    async with database.read() as conn:
        return int(
            await conn.scalar(
                text(
                    "SELECT count(*) FROM outbox WHERE stream_id = :s "
                    "AND published_at IS NULL"
                ),
                {"s": payment_id},
            )
        )


async def _published_soon(client, payment_id: str, seconds: float = 5.0) -> int:
    """Rows still unpublished once the relay has had time to mark them: a
    consumer can hold a message before the relay's UPDATE commits (the broker
    confirms the publish first), so reading at once races the relay."""
    deadline = asyncio.get_running_loop().time() + seconds
    left = await _unpublished(client, payment_id)
    while left and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
        left = await _unpublished(client, payment_id)
    return left


@pytest.fixture
def infra(infra, exchange):
    return infra.model_copy(
        update={
            "rabbitmq_url": RABBIT,
            "till_events_exchange": exchange,
            "till_worker_in_process": False,
        }
    )


async def test_committed_events_reach_the_exchange_in_order(client, consumer):
    _, auth = await user(client)
    payment = await pay(
        client, auth, payment_method=await card(client, auth), confirm=True
    )
    messages = await _messages_for(consumer, payment["id"], 3)
    assert [m.type for m in messages] == [
        "payment.created",
        "payment.processing",
        "payment.completed",
    ]
    assert [m.routing_key for m in messages] == [m.type for m in messages]
    assert all(m.message_id.startswith("evt_") for m in messages)
    assert all(m.delivery_mode == aio_pika.DeliveryMode.PERSISTENT for m in messages)
    assert await _published_soon(client, payment["id"]) == 0


async def test_with_the_broker_cut_off_commands_succeed_and_events_wait(
    client, consumer, exchange
):
    proxy = CuttableProxy("127.0.0.1", 5672)
    await proxy.start()
    relay = client.app.state.outbox_relay
    cut_url = RABBIT.replace(":5672/", f":{proxy.port}/")
    relay.publisher = RabbitPublisher(
        cut_url, exchange, timeout=1, reconnect_seconds=0.2
    )
    try:
        _, auth = await user(client)
        before = await pay(client, auth)  # flows through the proxy: connected
        await _messages_for(consumer, before["id"], 1)
        await proxy.cut()  # the live connection drops, new ones are refused
        payment = await pay(client, auth)  # the command does not need the broker
        await asyncio.sleep(0.5)
        assert await _unpublished(client, payment["id"]) == 1
        await proxy.start()  # the broker is reachable again
        (message,) = await _messages_for(consumer, payment["id"], 1, seconds=20)
        assert message.type == "payment.created"
        assert await _published_soon(client, payment["id"]) == 0
    finally:
        await relay.publisher.close()
        await proxy.cut()
