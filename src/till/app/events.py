"""Composition root, events part: the publisher (RabbitMQ with RABBITMQ_URL,
else the in-process bus), this process's outbox relay, and the consumers that
turn events into webhook deliveries, with the sender that sends them."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import orjson
from fastapi import FastAPI

from till.app.legacy_sync import dual_write_handler
from till.migration.core.legacy_sync import DUAL_WRITTEN_EVENTS
from till.orders.core.use_cases.payment_outcomes import CONSUMED
from till.orders.shell.orchestrators.payment_outcomes import PaymentOutcomes
from till.payments.shell.adapters.httpx_webhook_transport import (
    HttpxWebhookTransport,
)
from till.payments.shell.adapters.postgres_webhook_deliveries import (
    SqlaWebhookDeliveries,
)
from till.payments.shell.orchestrators.webhook_deliveries import (
    FirstAttempts,
    WebhookDeliveries,
)
from till.payments.shell.orchestrators.webhook_endpoint_commands import (
    ResolvingGuard,
)
from till.platform.database import Database
from till.platform.event_bus import (
    EventPublisher,
    InProcessBus,
    OutboundEvent,
    RabbitPublisher,
)
from till.platform.outbox_relay import OutboxRelay
from till.platform.postgres_inbox import Inbox
from till.platform.rabbit_worker import Consumer, Delivery, RabbitWorker
from till.platform.settings import InfraSettings, async_database_url
from till.platform.shutdown import finish

if TYPE_CHECKING:
    from till.app.factory import SharedInfra

CONSUMERS = ["webhooks", "orders"]
OnDelivery = Callable[[Delivery], Awaitable[None]]


def event_worker(
    infra: InfraSettings,
    on_delivery: OnDelivery,
    on_order_payment: OnDelivery,
    on_legacy_sync: OnDelivery | None = None,
) -> RabbitWorker:
    """The consumers on RabbitMQ, their queues named after the exchange:
    webhooks (every event), orders (the payment events orders follow) and,
    while the dual-write is on, legacy_sync (the published order events)."""
    consumers = [
        Consumer("webhooks", ["#"], on_delivery),
        Consumer("orders", sorted(CONSUMED), on_order_payment),
    ]
    if on_legacy_sync is not None:
        consumers.append(Consumer("legacy_sync", ["order.*"], on_legacy_sync))
    return RabbitWorker(
        infra.rabbitmq_url or "",
        infra.till_events_exchange,
        consumers,
        prefix=infra.till_events_exchange + ".",
    )


def order_payment_handler(outcomes: PaymentOutcomes, inbox: Inbox) -> OnDelivery:
    """Payment events to the orders consumer, each event id handled once."""

    async def handle(delivery: Delivery) -> None:
        await outcomes.on_event(delivery.type, orjson.loads(delivery.body))

    return inbox.once("orders", handle)


def dead_letter_worker(infra: InfraSettings, legacy_sync: bool) -> RabbitWorker:
    """The consumers' queues with no handlers, to read their dead letters
    (`till dlq`, the DLQ gauges); `start(consume=False)` before use."""

    async def unused(delivery: Delivery) -> None:  # pragma: no cover
        raise RuntimeError("reading dead letters does not consume")

    return event_worker(infra, unused, unused, unused if legacy_sync else None)


async def dead_letters(infra: InfraSettings, consumer: str, replay: bool) -> list[str]:
    """`till dlq list|replay`: the dead letters' event ids (replayed or not)."""
    worker = dead_letter_worker(infra, consumer == "legacy_sync")
    chosen = next(c for c in worker.consumers if c.name == consumer)
    await worker.start(consume=False)
    try:
        if replay:
            return [str(await worker.replay(chosen))]
        return [d.event_id for d in await worker.dead_letters(chosen)]
    finally:
        await worker.stop()


def _claims_database(infra: InfraSettings, stack: AsyncExitStack) -> Database | None:
    """With DATABASE_SESSION_URL apart from DATABASE_URL (a transaction-mode
    pooler in front, prepared statements or not), the inbox's claims hold
    their transactions on the session URL, not on the pooler's shared server
    connections (platform/postgres_inbox.py). Nothing connects until a
    consumer claims an event: API processes without consumers open none."""
    session = infra.database_session_url
    if not session or session == infra.database_url:
        return None
    claims = Database(
        async_database_url(session),
        pool_size=max(1, infra.till_db_pool_size // 2),
        application_name="till-inbox",
    )
    stack.push_async_callback(claims.close)
    return claims


async def wire_events(
    app: FastAPI, infra: InfraSettings, shared: "SharedInfra", stack: AsyncExitStack
) -> None:
    publisher: EventPublisher
    bus: InProcessBus | None = None
    if infra.rabbitmq_url:
        rabbit = RabbitPublisher(infra.rabbitmq_url, infra.till_events_exchange)
        stack.push_async_callback(rabbit.close)
        publisher = rabbit
    else:
        bus = InProcessBus()
        app.state.event_bus = bus
        publisher = bus
    relay = OutboxRelay(shared.database, publisher)
    app.state.outbox_relay = relay
    webhooks = await _webhook_deliveries(app, shared, stack)
    inbox = Inbox(shared.database, shared.clock, _claims_database(infra, stack))
    orders = order_payment_handler(app.state.order_payment_outcomes, inbox)
    legacy_sync = None
    if app.state.dual_write is not None:
        legacy_sync = inbox.once(
            "legacy_sync", dual_write_handler(app.state.dual_write)
        )
    if infra.till_worker_in_process:
        await _consume(infra, bus, webhooks, (orders, legacy_sync), shared, stack)
    if infra.till_outbox_relay:
        # Started last, so stopped first at shutdown: no new events reach the
        # consumers while they finish what they have.
        task = asyncio.create_task(relay.run())

        async def stop_relay() -> None:
            relay.stop()
            await finish([task], shared.shutdown.remaining())

        stack.push_async_callback(stop_relay)


async def _webhook_deliveries(
    app: FastAPI, shared: "SharedInfra", stack: AsyncExitStack
) -> WebhookDeliveries:
    transport = HttpxWebhookTransport()
    stack.push_async_callback(transport.aclose)
    commands = app.state.webhook_endpoints
    webhooks = WebhookDeliveries(
        commands.store,
        SqlaWebhookDeliveries(shared.database),
        transport,
        shared.clock,
        ResolvingGuard(commands.resolve, commands.allow_private),
    )
    app.state.webhook_deliveries = webhooks
    return webhooks


async def _consume(
    infra: InfraSettings,
    bus: InProcessBus | None,
    webhooks: WebhookDeliveries,
    handlers: tuple[OnDelivery, OnDelivery | None],
    shared: "SharedInfra",
    stack: AsyncExitStack,
) -> None:
    orders, legacy_sync = handlers
    first_attempts = FirstAttempts(webhooks)

    async def stop_first_attempts() -> None:
        await first_attempts.stop(shared.shutdown.remaining())

    stack.push_async_callback(stop_first_attempts)
    if bus is not None:

        async def on_event(event: OutboundEvent) -> None:
            due = await webhooks.fan_out(event.event_id, event.type, event.body)
            first_attempts.start(due)

        async def on_order_payment(event: OutboundEvent) -> None:
            await orders(Delivery(event.event_id, event.type, event.body, 1))

        bus.subscribe("*", on_event)
        for event_type in sorted(CONSUMED):
            bus.subscribe(event_type, on_order_payment)
        if legacy_sync is not None:
            subscribe_legacy_sync(bus, legacy_sync)
    else:

        async def on_delivery(delivery: Delivery) -> None:
            due = await webhooks.fan_out(
                delivery.event_id, delivery.type, delivery.body
            )
            first_attempts.start(due)

        worker = event_worker(infra, on_delivery, orders, legacy_sync)
        await worker.start()

        async def stop_worker() -> None:
            await worker.stop(shared.shutdown.remaining())

        stack.push_async_callback(stop_worker)


def subscribe_legacy_sync(bus: InProcessBus, legacy_sync: OnDelivery) -> None:
    async def on_order_event(event: OutboundEvent) -> None:
        await legacy_sync(Delivery(event.event_id, event.type, event.body, 1))

    for event_type in DUAL_WRITTEN_EVENTS:
        bus.subscribe(event_type, on_order_event)
