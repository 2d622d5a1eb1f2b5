"""Composition root, events part: the publisher (RabbitMQ with RABBITMQ_URL,
else the in-process bus) and this process's outbox relay."""

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

from fastapi import FastAPI

from till.platform.event_bus import EventPublisher, InProcessBus, RabbitPublisher
from till.platform.outbox_relay import OutboxRelay
from till.platform.settings import InfraSettings

if TYPE_CHECKING:
    from till.app.factory import SharedInfra


async def wire_events(
    app: FastAPI, infra: InfraSettings, shared: "SharedInfra", stack: AsyncExitStack
) -> None:
    publisher: EventPublisher
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
