"""Composition root, events part: the publisher (RabbitMQ with RABBITMQ_URL,
else the in-process bus), this process's outbox relay, and the consumers that
turn events into webhook deliveries, with the sender that sends them."""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import orjson
from fastapi import FastAPI

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
from till.platform.event_bus import (
    EventPublisher,
    InProcessBus,
    OutboundEvent,
    RabbitPublisher,
)
from till.platform.outbox_relay import OutboxRelay
from till.platform.postgres_inbox import Inbox
from till.platform.rabbit_worker import Consumer, Delivery, RabbitWorker
from till.platform.settings import InfraSettings

if TYPE_CHECKING:
    from till.app.factory import SharedInfra

CONSUMERS = ["webhooks", "orders"]
OnDelivery = Callable[[Delivery], Awaitable[None]]


def event_worker(
    infra: InfraSettings, on_delivery: OnDelivery, on_order_payment: OnDelivery
) -> RabbitWorker:
    """The consumers on RabbitMQ, their queues named after the exchange:
    webhooks (every event) and orders (the payment events orders follow)."""
    return RabbitWorker(
        infra.rabbitmq_url or "",
        infra.till_events_exchange,
        [
            Consumer("webhooks", ["#"], on_delivery),
            Consumer("orders", sorted(CONSUMED), on_order_payment),
        ],
        prefix=infra.till_events_exchange + ".",
    )


def order_payment_handler(outcomes: PaymentOutcomes, inbox: Inbox) -> OnDelivery:
    """Payment events to the orders consumer, each event id handled once."""

    async def handle(delivery: Delivery) -> None:
        await outcomes.on_event(delivery.type, orjson.loads(delivery.body))

    return inbox.once("orders", handle)


async def dead_letters(infra: InfraSettings, consumer: str, replay: bool) -> list[str]:
    """`till dlq list|replay`: the dead letters' event ids (replayed or not)."""

    async def unused(delivery: Delivery) -> None:  # pragma: no cover
        raise RuntimeError("till dlq does not consume")

    worker = event_worker(infra, unused, unused)
    chosen = next(c for c in worker.consumers if c.name == consumer)
    await worker.start(consume=False)
    try:
        if replay:
            return [str(await worker.replay(chosen))]
        return [d.event_id for d in await worker.dead_letters(chosen)]
    finally:
        await worker.stop()


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
    if infra.till_outbox_relay:
        task = asyncio.create_task(relay.run())
        stack.callback(task.cancel)
    webhooks = await _webhook_deliveries(app, shared, stack)
    orders = order_payment_handler(
        app.state.order_payment_outcomes, Inbox(shared.database, shared.clock)
    )
    if infra.till_worker_in_process:
        await _consume(infra, bus, webhooks, orders, stack)


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
    orders: OnDelivery,
    stack: AsyncExitStack,
) -> None:
    first_attempts = FirstAttempts(webhooks)
    stack.push_async_callback(first_attempts.stop)
    if bus is not None:

        async def on_event(event: OutboundEvent) -> None:
            due = await webhooks.fan_out(event.event_id, event.type, event.body)
            first_attempts.start(due)

        async def on_order_payment(event: OutboundEvent) -> None:
            await orders(Delivery(event.event_id, event.type, event.body, 1))

        bus.subscribe("*", on_event)
        for event_type in sorted(CONSUMED):
            bus.subscribe(event_type, on_order_payment)
    else:

        async def on_delivery(delivery: Delivery) -> None:
            due = await webhooks.fan_out(
                delivery.event_id, delivery.type, delivery.body
            )
            first_attempts.start(due)

        worker = event_worker(infra, on_delivery, orders)
        await worker.start()
        stack.push_async_callback(worker.stop)
