"""Where the dual-write hears order events: a RabbitMQ queue of its own bound
to order.* (only while it is on), or the in-process bus's order events."""

from till.app.events import event_worker, subscribe_legacy_sync
from till.platform.event_bus import InProcessBus, OutboundEvent
from till.platform.rabbit_worker import Delivery
from till.platform.settings import InfraSettings

INFRA = InfraSettings(rabbitmq_url="amqp://guest:guest@127.0.0.1/")


async def nothing(delivery: Delivery) -> None:
    return None


def test_the_legacy_sync_queue_exists_only_while_the_dual_write_is_on():
    off = event_worker(INFRA, nothing, nothing)
    assert [c.name for c in off.consumers] == ["webhooks", "orders"]
    on = event_worker(INFRA, nothing, nothing, nothing)
    legacy = on.consumers[-1]
    assert (legacy.name, legacy.bindings) == ("legacy_sync", ["order.*"])


async def test_the_in_process_bus_hands_every_published_order_event_over():
    heard: list[tuple[str, str]] = []

    async def handler(delivery: Delivery) -> None:
        heard.append((delivery.event_id, delivery.type))

    bus = InProcessBus()
    subscribe_legacy_sync(bus, handler)
    await bus.publish(
        [
            OutboundEvent("evt_1", "order.created", b"{}"),
            OutboundEvent("evt_2", "payment.completed", b"{}"),
            OutboundEvent("evt_3", "order.refunded", b"{}"),
            OutboundEvent("evt_4", "order.payment_started", b"{}"),
        ]
    )
    assert heard == [("evt_1", "order.created"), ("evt_3", "order.refunded")]
