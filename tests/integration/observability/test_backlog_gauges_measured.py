"""The backlog gauges on the real PostgreSQL and RabbitMQ: rows waiting in the
outbox, webhook deliveries overdue, and dead letters show in the gauges after
a refresh, as the scheduler process's loop makes them."""

import os
import uuid
from functools import partial

import aio_pika
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from till.app.backlog import DeadLetterDepths
from till.payments.shell.adapters.postgres_webhook_deliveries import (
    SqlaWebhookDeliveries,
)
from till.platform.backlog_metrics import BacklogGauges
from till.platform.database import Database
from till.platform.outbox_relay import outbox_backlog
from till.platform.settings import InfraSettings, async_database_url

RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")
_OUTBOX = text(
    "INSERT INTO outbox (event_id, type, stream_id, payload, created_at) "
    "VALUES (:id, 'payment.completed', 'pay_x', '{}', now() - interval '1 hour')"
)
_DELIVERY = text(
    "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, "
    "payload, status, next_attempt_at, created_at) VALUES (:id, 'we_x', :event, "
    "'payment.completed', '\\x7b7d', 'pending', "
    "now() + make_interval(secs => :due), now())"
)


def _gauge(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


@pytest.fixture
async def stores(database_url):
    tag = uuid.uuid4().hex[:8]
    database = Database(async_database_url(database_url), pool_size=2)
    exchange = f"till.events.test.{tag}"
    infra = InfraSettings(
        database_url=database_url, rabbitmq_url=RABBIT, till_events_exchange=exchange
    )
    depths = DeadLetterDepths(infra, legacy_sync=False)
    yield database, depths, tag, exchange
    await depths.close()
    async with database.read() as conn:
        await conn.execute(
            text("DELETE FROM outbox WHERE event_id LIKE :t"), {"t": f"evt_{tag}%"}
        )
        await conn.execute(
            text("DELETE FROM webhook_deliveries WHERE id LIKE :t"),
            {"t": f"whd_{tag}%"},
        )
    await database.close()
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    for consumer in ("webhooks", "orders"):
        for suffix in ("", ".retry", ".dlq"):
            await channel.queue_delete(f"{exchange}.{consumer}{suffix}")
    await channel.exchange_delete(exchange)
    await connection.close()


async def _dead_letters(exchange: str, count: int) -> None:
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel(publisher_confirms=True)
    for n in range(count):
        await channel.default_exchange.publish(
            aio_pika.Message(b"{}", message_id=f"evt_{n}"),
            routing_key=f"{exchange}.webhooks.dlq",
        )
    await connection.close()


async def test_the_gauges_report_a_real_backlog(stores):
    database, depths, tag, exchange = stores
    gauges = BacklogGauges(
        partial(outbox_backlog, database),
        SqlaWebhookDeliveries(database).backlog,
        depths,
    )
    try:
        before = await gauges.refresh()  # declares the queues, empty
        assert before.dead_letters == {"webhooks": 0, "orders": 0}
        async with database.read() as conn:
            for n in range(3):
                await conn.execute(_OUTBOX, {"id": f"evt_{tag}_{n}"})
            for n, due in enumerate((-600, 3600)):  # overdue; a later retry
                params = {"id": f"whd_{tag}_{n}", "event": f"evt_{n}", "due": due}
                await conn.execute(_DELIVERY, params)
        await _dead_letters(exchange, 2)
        await gauges.refresh()
        assert before.outbox and before.webhooks
        pending = _gauge("till_outbox_pending_events")
        assert pending == before.outbox.pending + 3
        assert _gauge("till_outbox_oldest_pending_age_seconds") >= 3600
        waiting = _gauge("till_webhook_deliveries_pending")
        assert waiting == before.webhooks.pending + 2  # overdue or not
        # the overdue one counts; the one retried in an hour is not late
        assert _gauge("till_webhook_oldest_pending_age_seconds") >= 600
        assert _gauge("till_dlq_messages", consumer="webhooks") == 2
        assert _gauge("till_dlq_messages", consumer="orders") == 0
    finally:
        await gauges.close()
    assert _gauge("till_outbox_pending_events") is None  # closed: no sample


async def test_a_broker_that_is_away_leaves_the_database_gauges_going(database_url):
    database = Database(async_database_url(database_url), pool_size=1)
    away = InfraSettings(database_url=database_url, rabbitmq_url="amqp://127.0.0.1:1/")
    depths = DeadLetterDepths(away, legacy_sync=False)
    gauges = BacklogGauges(
        partial(outbox_backlog, database),
        SqlaWebhookDeliveries(database).backlog,
        depths,
    )
    try:
        reading = await gauges.refresh()
        assert reading.outbox is not None and reading.webhooks is not None
        assert reading.dead_letters == {}
        assert _gauge("till_dlq_messages", consumer="webhooks") is None
    finally:
        await gauges.close()
        await depths.close()
        await database.close()
