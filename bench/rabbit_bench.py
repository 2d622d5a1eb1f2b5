"""RabbitMQ housekeeping for the benches: each run publishes to its own
exchange (`till.bench.<pid>`), so the broker shared with the test suites and
other helpers never sees bench traffic on `till.events`; afterwards the
exchange and the queues `till worker` declared for it are deleted.

    .venv/bin/python bench/rabbit_bench.py cleanup till.bench.1234
"""

from __future__ import annotations

import asyncio
import os
import sys

import aio_pika

URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
CONSUMERS = ("webhooks",)


async def declare_sink(exchange: str, queue: str) -> None:
    """A durable quorum queue bound to every event type, so published events
    are routed and stored as with a real consumer (an exchange without queues
    drops messages, and confirms would come back unrealistically fast)."""
    connection = await aio_pika.connect(URL)
    async with connection:
        channel = await connection.channel()
        ex = await channel.declare_exchange(
            exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        made = await channel.declare_queue(
            queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await made.bind(ex, routing_key="#")


async def queue_depth(queue: str) -> int:
    connection = await aio_pika.connect(URL)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)


async def cleanup(exchange: str, extra_queues: tuple[str, ...] = ()) -> None:
    """Delete the exchange and the queues named after it (missing ones too)."""
    if not exchange.startswith("till.bench."):
        raise SystemExit(f"refusing to delete {exchange!r}: not a bench exchange")
    suffixes = ("", ".retry", ".dlq")
    names = [f"{exchange}.{c}{suffix}" for c in CONSUMERS for suffix in suffixes]
    connection = await aio_pika.connect(URL)
    async with connection:  # RabbitMQ deletes missing queues without complaint
        channel = await connection.channel()
        for name in (*names, *extra_queues):
            await channel.queue_delete(name)
        await channel.exchange_delete(exchange)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "cleanup":
        sys.exit("usage: rabbit_bench.py cleanup till.bench.<id>")
    asyncio.run(cleanup(sys.argv[2]))
