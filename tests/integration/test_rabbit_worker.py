"""Consumers on the real RabbitMQ: manual acks, retries with back-off, the
dead-letter queue and its replay, and the inbox that makes them idempotent."""

import asyncio
import os
import uuid
from dataclasses import replace

import aio_pika
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

from till.kernel.clock import SystemClock
from till.platform import tracing
from till.platform.database import Database
from till.platform.event_bus import OutboundEvent, RabbitPublisher
from till.platform.postgres_inbox import Inbox
from till.platform.rabbit_worker import Consumer, RabbitWorker
from till.platform.settings import async_database_url

RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")
PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
async def rig():
    tag = uuid.uuid4().hex[:8]
    exchange, prefix = f"till.events.test.{tag}", f"till.test.{tag}."
    publisher = RabbitPublisher(RABBIT, exchange)
    workers: list[RabbitWorker] = []

    def worker(*consumers):
        made = RabbitWorker(RABBIT, exchange, list(consumers), prefix=prefix)
        workers.append(made)
        return made

    yield publisher, worker
    await publisher.close()
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    for made in workers:
        await made.stop()
        for consumer in made.consumers:
            for suffix in ("", ".retry", ".dlq"):
                await channel.queue_delete(made.queue_name(consumer) + suffix)
    await channel.exchange_delete(exchange)
    await connection.close()


async def _until(check, seconds=10.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.02)


def _event(n: int = 1) -> OutboundEvent:
    return OutboundEvent(
        f"evt_{uuid.uuid4().hex}", "payment.completed", b'{"n": %d}' % n
    )


async def test_a_failing_handler_is_retried_with_back_off_until_it_succeeds(rig):
    publisher, worker = rig
    attempts: list[int] = []

    async def flaky(delivery):
        attempts.append(delivery.attempt)
        if delivery.attempt < 3:
            raise RuntimeError("the receiver is down")

    consumer = Consumer("flaky", ["payment.*"], flaky, backoff=lambda a: 0.05)
    running = worker(consumer)
    await running.start()
    await publisher.publish([_event()])
    await _until(lambda: attempts == [1, 2, 3])
    await asyncio.sleep(0.2)
    assert attempts == [1, 2, 3]  # acked once it succeeded: no more deliveries


async def test_a_poison_message_ends_in_the_dlq_and_can_be_replayed(rig):
    publisher, worker = rig
    fixed = asyncio.Event()
    handled: list[str] = []

    async def poison(delivery):
        if not fixed.is_set():
            raise ValueError("cannot parse")
        handled.append(delivery.event_id)

    consumer = Consumer("poison", ["#"], poison, max_attempts=2, backoff=lambda a: 0.05)
    running = worker(consumer)
    await running.start()
    event = _event()
    await publisher.publish([event])
    deadline = asyncio.get_running_loop().time() + 10
    while not (dead := await running.dead_letters(consumer)):
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    assert [d.event_id for d in dead] == [event.event_id]
    assert [d.event_id for d in await running.dead_letters(consumer)] == [
        event.event_id
    ]  # listing leaves them there
    fixed.set()
    assert await running.replay(consumer) == 1
    await _until(lambda: handled == [event.event_id])


async def test_the_inbox_handles_an_event_once_however_often_it_comes(
    rig, database_url
):
    publisher, worker = rig
    database = Database(async_database_url(database_url), pool_size=2)
    inbox = Inbox(database, SystemClock())
    handled: list[str] = []

    async def record(delivery):
        handled.append(delivery.event_id)

    consumer = Consumer("once", ["#"], inbox.once("once", record))
    running = worker(consumer)
    await running.start()
    event = _event()
    try:
        await publisher.publish([event, event, event])
        await _until(lambda: len(handled) >= 1)
        await asyncio.sleep(0.3)
        assert handled == [event.event_id]
    finally:
        await database.close()


async def test_a_retried_message_keeps_the_trace_it_was_published_in(rig):
    publisher, worker = rig
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    attempts: list[int] = []

    async def flaky(delivery):
        attempts.append(delivery.attempt)
        if delivery.attempt < 2:
            raise RuntimeError("the receiver is down")

    tracing.activate(provider.get_tracer("test"))
    try:
        running = worker(Consumer("traced", ["#"], flaky, backoff=lambda a: 0.05))
        await running.start()
        event = replace(_event(), headers={"traceparent": PARENT})
        await publisher.publish([event])
        await _until(lambda: attempts == [1, 2])
        await _until(lambda: len(exporter.get_finished_spans()) == 2)
    finally:
        tracing.deactivate()
    failed, handled = exporter.get_finished_spans()
    for span in (failed, handled):
        assert f"{span.context.trace_id:032x}" == PARENT.split("-")[1]
        assert f"{span.parent.span_id:016x}" == PARENT.split("-")[2]
    assert failed.attributes["error.type"] == "RuntimeError"
    assert "error.type" not in handled.attributes
