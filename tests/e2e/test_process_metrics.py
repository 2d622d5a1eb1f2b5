"""`till scheduler` and `till worker` serve GET /metrics on TILL_METRICS_PORT:
the scheduler's scrape carries the backlog gauges it measures (the outbox,
webhook deliveries, each consumer's dead-letter queue on the real RabbitMQ),
and every series the alert rules and the dashboard name is among the
families of either process."""

import asyncio
import os
import signal
import subprocess
import time
import uuid

import aio_pika
import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import TILL, free_port
from tests.unit.deploy.observability_files import (
    dashboard_expressions,
    exported_names,
    metric_names,
    recorded_names,
    rule_expressions,
)

RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")
BACKLOG = {
    "till_outbox_pending_events",
    "till_outbox_oldest_pending_age_seconds",
    "till_webhook_deliveries_pending",
    "till_webhook_oldest_pending_age_seconds",
}


def _scrape_until(url: str, ready, seconds: float = 30.0) -> str:
    """The scrape once `ready(text)` holds (the first measurement is made
    just after start-up)."""
    deadline = time.monotonic() + seconds
    text = ""
    while time.monotonic() < deadline:
        try:
            text = httpx.get(url, timeout=2).text
        except httpx.TransportError:
            text = ""
        if text and ready(text):
            return text
        time.sleep(0.2)
    raise AssertionError(f"no ready scrape from {url}:\n{text[:2000]}")


def _samples(text: str) -> dict[str, dict[tuple, float]]:
    found: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            found.setdefault(sample.name, {})[key] = sample.value
    return found


def _run(command: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([TILL, command], env=env, stdout=subprocess.PIPE, text=True)


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


async def _remove(exchange: str) -> None:
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    for consumer in ("webhooks", "orders"):
        for suffix in ("", ".retry", ".dlq"):
            await channel.queue_delete(f"{exchange}.{consumer}{suffix}")
    await channel.exchange_delete(exchange)
    await connection.close()


def test_scheduler_and_worker_export_the_backlog_and_every_named_series(
    database_url, till_env
):
    exchange = f"till.events.e2e.{uuid.uuid4().hex[:8]}"
    till_env |= {
        "DATABASE_URL": database_url,
        "RABBITMQ_URL": RABBIT,
        "TILL_EVENTS_EXCHANGE": exchange,
    }
    scheduler_port, worker_port = free_port(), free_port()
    scheduler = _run("scheduler", till_env | {"TILL_METRICS_PORT": str(scheduler_port)})
    worker = _run("worker", till_env | {"TILL_METRICS_PORT": str(worker_port)})
    try:
        from_scheduler = _scrape_until(
            f"http://127.0.0.1:{scheduler_port}/metrics",
            lambda text: 'till_dlq_messages{consumer="webhooks"}' in text,
        )
        from_worker = _scrape_until(
            f"http://127.0.0.1:{worker_port}/metrics",
            lambda text: "# TYPE till_payment_outcomes_total counter" in text,
        )
    finally:
        _stop(scheduler)
        _stop(worker)
        asyncio.run(_remove(exchange))
    samples = _samples(from_scheduler)
    for name in BACKLOG:
        (value,) = samples[name].values()
        assert value >= 0, name
    assert samples["till_dlq_messages"] == {
        (("consumer", "orders"),): 0,
        (("consumer", "webhooks"),): 0,
    }
    # the worker measures no backlog: families without samples, no made-up 0
    assert not BACKLOG & set(_samples(from_worker))
    exported = exported_names(from_scheduler) | exported_names(from_worker)
    named = set().union(
        *(metric_names(e) for e in rule_expressions() + dashboard_expressions())
    )
    assert named - recorded_names() <= exported
