"""SIGTERM on `till worker` while it is consuming: it stops taking messages,
finishes (and acks) the ones in hand, and exits 0; what it had not finished
is back in the queue, so the next worker handles every event: none lost,
none handled twice."""

import asyncio
import os
import signal
import subprocess
import time
import uuid

import aio_pika
import asyncpg
import orjson

from tests.e2e.conftest import TILL

RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")
EVENTS = 2000
GRACE_SECONDS = 10


def _worker(env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [TILL, "worker"], env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert "till worker: consuming" in process.stdout.readline()
    return process


async def _publish(exchange_name: str, ids: list[str]) -> None:
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(exchange_name)
    body = orjson.dumps({"data": {}})  # a payment event that concerns no order

    async def one(event_id: str) -> None:
        message = aio_pika.Message(
            body,
            message_id=event_id,
            type="payment.completed",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await exchange.publish(message, routing_key="payment.completed")

    for start in range(0, len(ids), 200):  # confirms awaited 200 at a time
        await asyncio.gather(*(one(i) for i in ids[start : start + 200]))
    await connection.close()


async def _waiting(queue: str) -> int:
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    declared = await channel.declare_queue(queue, passive=True)
    await connection.close()
    return int(declared.declaration_result.message_count or 0)


async def _handled(database_url: str, ids: list[str]) -> int:
    connection = await asyncpg.connect(
        database_url.replace("postgresql+asyncpg://", "postgresql://")
    )
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM inbox WHERE consumer = 'orders' "
                "AND event_id = ANY($1)",
                ids,
            )
        )
    finally:
        await connection.close()


async def _remove(exchange: str) -> None:
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    for consumer in ("webhooks", "orders"):
        for suffix in ("", ".retry", ".dlq"):
            await channel.queue_delete(f"{exchange}.{consumer}{suffix}")
    await channel.exchange_delete(exchange)
    await connection.close()


def _until(check, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_sigterm_mid_stream_loses_no_message_and_handles_none_twice(
    database_url, till_env
):
    exchange = f"till.events.e2e.{uuid.uuid4().hex[:8]}"
    till_env |= {
        "DATABASE_URL": database_url,
        "RABBITMQ_URL": RABBIT,
        "TILL_EVENTS_EXCHANGE": exchange,
        "TILL_OUTBOX_RELAY": "false",  # only the test's messages
        "TILL_SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
    }
    ids = [f"evt_{uuid.uuid4().hex}" for _ in range(EVENTS)]
    first = _worker(till_env)
    try:
        asyncio.run(_publish(exchange, ids))
        _until(lambda: asyncio.run(_handled(database_url, ids)) > 0, 30)
        signalled = time.monotonic()
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=GRACE_SECONDS + 5) == 0
        assert time.monotonic() - signalled < GRACE_SECONDS
    finally:
        if first.poll() is None:
            first.kill()
    try:
        handled = asyncio.run(_handled(database_url, ids))
        assert handled < EVENTS, "stopped too late to prove anything"
        # Each event either handled (and acked) or back in the queue, once.
        queue = f"{exchange}.orders"
        _until(lambda: handled + asyncio.run(_waiting(queue)) == EVENTS, 5)
        second = _worker(till_env)
        try:
            _until(lambda: asyncio.run(_handled(database_url, ids)) == EVENTS, 60)
            _until(lambda: asyncio.run(_waiting(queue)) == 0, 10)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=GRACE_SECONDS + 5) == 0
    finally:
        asyncio.run(_remove(exchange))
