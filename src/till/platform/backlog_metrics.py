"""Backlog gauges: events waiting in the outbox, webhook deliveries waiting for
their sender, messages in each consumer's dead-letter queue.

Measured by a loop every 15 s in each process that runs the scheduler
(`till scheduler`, or `till serve` with TILL_SCHEDULER_IN_PROCESS): one cheap
statement per table and a passive queue declare per DLQ. Not a scheduled job:
jobs run in one scheduler at a time, which would leave the other replicas'
gauges stale; here every replica keeps its own current (alerts take the max).

Exported by one collector per process. A process that measures nothing exports
the families (HELP and TYPE) without samples, never a made-up 0; a source whose
last measurement failed exports no sample until it answers again, rather than
a stale value."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import structlog
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = structlog.get_logger("till.backlog")
T = TypeVar("T")
REFRESH_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    oldest_age_seconds: float  # 0 when nothing waits


@dataclass(frozen=True, slots=True)
class BacklogReading:
    """The last measurement; None where it failed or was not taken."""

    outbox: Backlog | None = None
    webhooks: Backlog | None = None
    dead_letters: dict[str, int] = field(default_factory=dict)


def _gauge(name: str, help_text: str, value: float | None) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, help_text)
    if value is not None:
        family.add_metric([], value)
    return family


class BacklogCollector(Collector):
    """The gauges, from the last reading (replaced whole, so a scrape in the
    metrics server's thread never sees half of one)."""

    def __init__(self) -> None:
        self.reading = BacklogReading()

    def collect(self) -> Iterator[Metric]:
        reading = self.reading
        outbox, webhooks = reading.outbox, reading.webhooks
        yield _gauge(
            "till_outbox_pending_events",
            "Outbox rows not yet published to the event bus",
            None if outbox is None else outbox.pending,
        )
        yield _gauge(
            "till_outbox_oldest_pending_age_seconds",
            "Age of the oldest unpublished outbox row (0 when none waits)",
            None if outbox is None else outbox.oldest_age_seconds,
        )
        yield _gauge(
            "till_webhook_deliveries_pending",
            "Webhook deliveries pending: first attempt or a retry still to come",
            None if webhooks is None else webhooks.pending,
        )
        yield _gauge(
            "till_webhook_oldest_pending_age_seconds",
            "How long the most overdue pending webhook delivery has waited past "
            "its scheduled attempt (0 when none is overdue; retries scheduled "
            "for later are not overdue)",
            None if webhooks is None else webhooks.oldest_age_seconds,
        )
        dlq = GaugeMetricFamily(
            "till_dlq_messages",
            "Messages in a consumer's dead-letter queue",
            None,
            ["consumer"],
        )
        for consumer, count in sorted(reading.dead_letters.items()):
            dlq.add_metric([consumer], count)
        yield dlq


COLLECTOR = BacklogCollector()
REGISTRY.register(COLLECTOR)

BacklogSource = Callable[[], Awaitable[Backlog]]
DeadLetterSource = Callable[[], Awaitable[dict[str, int]]]


class BacklogGauges:
    def __init__(
        self,
        outbox: BacklogSource,
        webhooks: BacklogSource,
        dead_letters: DeadLetterSource | None = None,
        every_seconds: float = REFRESH_SECONDS,
        collector: BacklogCollector = COLLECTOR,
    ) -> None:
        self.outbox = outbox
        self.webhooks = webhooks
        self.dead_letters = dead_letters
        self.every_seconds = every_seconds
        self.collector = collector
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def refresh(self) -> BacklogReading:
        """Measure every source now and publish the reading."""
        dead = None
        if self.dead_letters is not None:
            dead = await _measured("dead_letters", self.dead_letters)
        reading = BacklogReading(
            await _measured("outbox", self.outbox),
            await _measured("webhooks", self.webhooks),
            dead or {},
        )
        self.collector.reading = reading
        return reading

    async def run(self) -> None:
        while not self._stopping.is_set():
            await self.refresh()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.every_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())

    async def close(self, grace_seconds: float = 5.0) -> None:
        """Let a measurement in progress end (cancelled mid-way, a broker
        connection being opened would be left behind), then clear the reading."""
        self._stopping.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
            except TimeoutError:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
        self.collector.reading = BacklogReading()


async def _measured(name: str, source: Callable[[], Awaitable[T]]) -> T | None:
    try:
        return await source()
    except Exception as error:  # the database or broker away: no sample
        log.warning(
            "backlog_probe_failed", source=name, error_type=type(error).__name__
        )
        return None
