"""Consumers of the published events on RabbitMQ, as `till worker` runs them.

Per consumer: a durable quorum queue `<prefix><name>` bound to the event types
it wants, consumed with manual acks and a bounded prefetch. A failed message is
re-queued through `<queue>.retry` (a TTL queue that dead-letters back to the
main queue) with back-off, and after `max_attempts` goes to `<queue>.dlq`. The
republish is confirmed before the original is acked, so a message is never
lost between the two. Delivery is at least once: handlers are idempotent (an
inbox of event ids, `platform/postgres_inbox.py`). Each message is handled in
a consumer span continuing the trace its headers carry (W3C traceparent),
and a retried or replayed message keeps those headers."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import structlog
from aio_pika.abc import AbstractIncomingMessage
from pamqp.common import FieldTable

from till.platform import tracing
from till.platform.shutdown import finish

log = structlog.get_logger("till.worker")
ATTEMPT = "x-till-attempt"


@dataclass(frozen=True, slots=True)
class Delivery:
    event_id: str
    type: str
    body: bytes
    attempt: int


def _attempt_of(message: AbstractIncomingMessage) -> int:
    value = (message.headers or {}).get(ATTEMPT, 1)
    return value if isinstance(value, int) else 1


def exponential(attempt: int) -> float:
    """1 s, 4 s, 16 s, ... capped at 10 min."""
    return float(min(4 ** (attempt - 1), 600))


@dataclass
class Consumer:
    name: str
    bindings: list[str]
    handle: Callable[[Delivery], Awaitable[None]]
    max_attempts: int = 5
    backoff: Callable[[int], float] = field(default=exponential)


class RabbitWorker:
    def __init__(
        self,
        url: str,
        exchange: str,
        consumers: list[Consumer],
        prefetch: int = 16,
        prefix: str = "till.",
    ) -> None:
        self.url = url
        self.exchange_name = exchange
        self.consumers = consumers
        self.prefetch = prefetch
        self.prefix = prefix
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._channel: aio_pika.abc.AbstractChannel | None = None
        self._consuming: list[tuple[aio_pika.abc.AbstractQueue, str]] = []
        self._in_flight: set[asyncio.Task[Any]] = set()

    def queue_name(self, consumer: Consumer) -> str:
        return self.prefix + consumer.name

    async def start(self, consume: bool = True) -> None:
        """Declare the queues (and start consuming unless `consume` is false,
        as for `till dlq`)."""
        self._connection = await aio_pika.connect_robust(self.url)
        channel = await self._connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self.prefetch)
        self._channel = channel
        exchange = await channel.declare_exchange(
            self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        for consumer in self.consumers:
            queue = await self._declare(channel, consumer)
            for binding in consumer.bindings:
                await queue.bind(exchange, routing_key=binding)
            if consume:
                tag = await queue.consume(self._on_message(consumer))
                self._consuming.append((queue, tag))

    async def _declare(
        self, channel: aio_pika.abc.AbstractChannel, consumer: Consumer
    ) -> aio_pika.abc.AbstractQueue:
        name = self.queue_name(consumer)
        quorum: FieldTable = {"x-queue-type": "quorum"}
        await channel.declare_queue(name + ".dlq", durable=True, arguments=quorum)
        await channel.declare_queue(
            name + ".retry",
            durable=True,
            arguments=FieldTable(
                {"x-dead-letter-exchange": "", "x-dead-letter-routing-key": name}
            ),
        )
        return await channel.declare_queue(name, durable=True, arguments=quorum)

    def _on_message(
        self, consumer: Consumer
    ) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
        async def on_message(message: AbstractIncomingMessage) -> None:
            task = asyncio.current_task()
            if task is not None:  # aio-pika runs each delivery as a task
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
            attempt = _attempt_of(message)
            delivery = Delivery(
                message.message_id or "", message.type or "", message.body, attempt
            )
            try:
                with tracing.consumer_span(
                    delivery.type, delivery.event_id, message.headers, consumer.name
                ):
                    await consumer.handle(delivery)
            except Exception as error:  # any failure: retry later or dead-letter
                await self._after_failure(consumer, message, attempt, error)
            await message.ack()

        return on_message

    async def _after_failure(
        self,
        consumer: Consumer,
        message: AbstractIncomingMessage,
        attempt: int,
        error: Exception,
    ) -> None:
        assert self._channel is not None  # noqa: S101 (started)
        name = self.queue_name(consumer)
        dead = attempt >= consumer.max_attempts
        headers: FieldTable = {
            **tracing.trace_headers(message.headers),
            ATTEMPT: attempt + 1,
            "x-till-error": type(error).__name__,
        }
        republished = aio_pika.Message(
            message.body,
            headers=headers,
            message_id=message.message_id,
            type=message.type,
            content_type=message.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            expiration=None if dead else consumer.backoff(attempt),
        )
        target = name + (".dlq" if dead else ".retry")
        await self._channel.default_exchange.publish(republished, routing_key=target)
        log.warning(
            "consumer_failed",
            consumer=consumer.name,
            event_id=message.message_id,
            attempt=attempt,
            dead_lettered=dead,
            error_type=type(error).__name__,
        )

    async def dead_letter_depths(self) -> dict[str, int]:
        """Messages in each consumer's DLQ (a passive declare reads the count
        and changes nothing; `start` declared the queues). Sent afresh each
        time: a robust channel's `declare_queue(passive=True)` answers from
        its cache, with the count of the first declare."""
        assert self._channel is not None  # noqa: S101 (started)
        depths = {}
        for consumer in self.consumers:
            name = self.queue_name(consumer) + ".dlq"
            dlq = await self._channel.get_queue(name, ensure=False)
            depths[consumer.name] = (await dlq.declare()).message_count or 0
        return depths

    async def dead_letters(
        self, consumer: Consumer, limit: int = 100
    ) -> list[Delivery]:
        """What sits in the consumer's DLQ (read and put back)."""
        return await self._drain(consumer, limit, replay=False)

    async def replay(self, consumer: Consumer, limit: int = 10_000) -> int:
        """Move dead letters back to the consumer's queue, attempts from 1."""
        return len(await self._drain(consumer, limit, replay=True))

    async def _drain(
        self, consumer: Consumer, limit: int, replay: bool
    ) -> list[Delivery]:
        assert self._channel is not None  # noqa: S101 (started)
        name = self.queue_name(consumer)
        dlq = await self._channel.get_queue(name + ".dlq", ensure=False)
        found: list[Delivery] = []
        held: list[AbstractIncomingMessage] = []
        while len(found) < limit:
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                break
            found.append(
                Delivery(message.message_id or "", message.type or "", message.body, 0)
            )
            if replay:
                await self._channel.default_exchange.publish(
                    aio_pika.Message(
                        message.body,
                        headers=dict(tracing.trace_headers(message.headers)) or None,
                        message_id=message.message_id,
                        type=message.type,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    routing_key=name,
                )
                await message.ack()
            else:
                held.append(message)
        for message in held:  # listing leaves them where they were
            await message.nack(requeue=True)
        return found

    async def stop(self, grace_seconds: float = 0.0) -> None:
        """Stop consuming, let the messages in hand finish (acked) for up to
        `grace_seconds`, then close: what is still unacked then, and what
        the broker had sent ahead (prefetch), goes back to the queue and is
        delivered again (handlers are idempotent)."""
        consuming, self._consuming = self._consuming, []
        for queue, tag in consuming:
            with contextlib.suppress(Exception):  # the channel may be gone
                await queue.cancel(tag)
        cut = await finish(list(self._in_flight), grace_seconds)
        if cut:
            log.warning("consumer_cut_at_shutdown", messages=cut)
        if self._connection is not None:
            await self._connection.close()
