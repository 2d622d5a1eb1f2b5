"""Where the outbox relay publishes: RabbitMQ in production (topic exchange,
routing key = event type, persistent, publisher confirms), an in-process bus in
the embedded default. `publish` returns only once the event is safe (the
broker confirmed it, or every in-process handler ran)."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import aio_pika
import structlog

from till.platform import tracing

log = structlog.get_logger("till.events")
EXCHANGE = "till.events"


@dataclass(frozen=True, slots=True)
class OutboundEvent:
    event_id: str
    type: str
    body: bytes  # the JSON payload: {id, type, created_at, data}
    # W3C trace context (traceparent, tracestate) of the publishing span, or
    # empty: message headers on RabbitMQ, the consumer span's parent in-process.
    headers: Mapping[str, str] = field(default_factory=dict)


class EventPublisher(Protocol):
    system: str  # where it publishes, for the publish spans: rabbitmq, in-process

    async def publish(self, events: list[OutboundEvent]) -> None:
        """Raises when any event may not have been taken (nothing is marked)."""


Handler = Callable[[OutboundEvent], Awaitable[None]]


class InProcessBus:
    """The embedded default: handlers in this process, by event type ("*": all)."""

    system = "in-process"

    def __init__(self) -> None:
        self.handlers: dict[str, list[Handler]] = {}

    def subscribe(self, event_type: str, handler: Handler) -> None:
        self.handlers.setdefault(event_type, []).append(handler)

    async def publish(self, events: list[OutboundEvent]) -> None:
        for event in events:
            with tracing.consumer_span(
                event.type, event.event_id, event.headers, "in-process"
            ):
                for handler in (
                    *self.handlers.get(event.type, ()),
                    *self.handlers.get("*", ()),
                ):
                    await handler(event)


class RabbitPublisher:
    """One robust connection and a confirming channel; reconnects by itself."""

    system = "rabbitmq"

    def __init__(
        self,
        url: str,
        exchange: str = EXCHANGE,
        timeout: float = 5.0,
        reconnect_seconds: float = 2.0,
    ) -> None:
        self.url = url
        self.exchange_name = exchange
        self.timeout = timeout
        self.reconnect_seconds = reconnect_seconds
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None
        self._lock = asyncio.Lock()

    async def _ready(self) -> aio_pika.abc.AbstractExchange:
        async with self._lock:
            if (
                self._exchange is None
                or self._connection is None
                or (self._connection.is_closed)
            ):
                self._connection = await aio_pika.connect_robust(
                    self.url,
                    timeout=self.timeout,
                    reconnect_interval=self.reconnect_seconds,
                )
                channel = await self._connection.channel(publisher_confirms=True)
                self._exchange = await channel.declare_exchange(
                    self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
                )
            return self._exchange

    async def publish(self, events: list[OutboundEvent]) -> None:
        exchange = await self._ready()
        confirms = [
            exchange.publish(
                aio_pika.Message(
                    event.body,
                    content_type="application/json",
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=event.event_id,
                    type=event.type,
                    headers=dict(event.headers) or None,
                ),
                routing_key=event.type,
                timeout=self.timeout,
            )
            for event in events
        ]
        await asyncio.gather(*confirms)  # each returns once the broker confirmed

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
        self._connection = self._exchange = None
