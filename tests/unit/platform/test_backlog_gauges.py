"""The backlog gauges: a refresh publishes what each source measured, a source
that fails exports no sample (never a stale or made-up value), a process that
measures nothing exports the families alone, and closing clears the reading."""

import asyncio

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from till.platform.backlog_metrics import Backlog, BacklogCollector, BacklogGauges

FAMILIES = {
    "till_outbox_pending_events",
    "till_outbox_oldest_pending_age_seconds",
    "till_webhook_deliveries_pending",
    "till_webhook_oldest_pending_age_seconds",
    "till_dlq_messages",
}


def _scrape(collector: BacklogCollector) -> dict[str, dict[tuple, float]]:
    registry = CollectorRegistry()
    registry.register(collector)
    text = generate_latest(registry).decode()
    return {
        family.name: {tuple(s.labels.items()): s.value for s in family.samples}
        for family in text_string_to_metric_families(text)
    }


def _fixed(value):
    async def source():
        return value

    return source


async def _broken():
    raise ConnectionError("the database went away")


async def test_a_refresh_exports_what_each_source_measured():
    collector = BacklogCollector()
    gauges = BacklogGauges(
        _fixed(Backlog(7, 42.5)),
        _fixed(Backlog(3, 0.0)),
        _fixed({"webhooks": 2, "orders": 0}),
        collector=collector,
    )
    await gauges.refresh()
    scraped = _scrape(collector)
    assert scraped["till_outbox_pending_events"] == {(): 7}
    assert scraped["till_outbox_oldest_pending_age_seconds"] == {(): 42.5}
    assert scraped["till_webhook_deliveries_pending"] == {(): 3}
    assert scraped["till_webhook_oldest_pending_age_seconds"] == {(): 0}
    assert scraped["till_dlq_messages"] == {
        (("consumer", "orders"),): 0,
        (("consumer", "webhooks"),): 2,
    }


async def test_a_failing_source_drops_its_samples_and_the_others_stay():
    collector = BacklogCollector()
    healthy = BacklogGauges(
        _fixed(Backlog(7, 1.0)),
        _fixed(Backlog(1, 1.0)),
        _fixed({"webhooks": 1}),
        collector=collector,
    )
    await healthy.refresh()
    broken = BacklogGauges(
        _broken, _fixed(Backlog(1, 1.0)), _broken, collector=collector
    )
    reading = await broken.refresh()
    assert reading.outbox is None and reading.dead_letters == {}
    scraped = _scrape(collector)
    assert scraped["till_outbox_pending_events"] == {}
    assert scraped["till_dlq_messages"] == {}
    assert scraped["till_webhook_deliveries_pending"] == {(): 1}


async def test_without_a_measurement_the_families_exist_without_samples():
    scraped = _scrape(BacklogCollector())
    assert set(scraped) == FAMILIES
    assert all(samples == {} for samples in scraped.values())


async def test_the_loop_measures_until_closed_and_closing_clears_the_reading():
    collector = BacklogCollector()
    measured = asyncio.Event()

    async def outbox():
        measured.set()
        return Backlog(5, 2.0)

    gauges = BacklogGauges(
        outbox, _fixed(Backlog(0, 0.0)), every_seconds=3600, collector=collector
    )
    gauges.start()
    await asyncio.wait_for(measured.wait(), 1)
    await asyncio.sleep(0)
    assert _scrape(collector)["till_outbox_pending_events"] == {(): 5}
    await gauges.close()
    assert _scrape(collector)["till_outbox_pending_events"] == {}


async def test_closing_lets_a_measurement_in_progress_finish():
    started, finished = asyncio.Event(), []

    async def slow_outbox():
        started.set()
        await asyncio.sleep(0.01)
        finished.append(True)
        return Backlog(1, 1.0)

    gauges = BacklogGauges(
        slow_outbox, _fixed(Backlog(0, 0.0)), collector=BacklogCollector()
    )
    gauges.start()
    await asyncio.wait_for(started.wait(), 1)
    await gauges.close()
    assert finished == [True]


async def test_a_measurement_that_hangs_is_cancelled_after_the_grace():
    cancelled = []

    async def hanging_outbox():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return Backlog(0, 0.0)

    gauges = BacklogGauges(
        hanging_outbox, _fixed(Backlog(0, 0.0)), collector=BacklogCollector()
    )
    gauges.start()
    await asyncio.sleep(0)
    await gauges.close(grace_seconds=0.01)
    assert cancelled == [True]
