"""Schedulers on the real PostgreSQL: two of them (separate connections, so
separate advisory-lock sessions) run each job once per slot between them, a
restart does not run a daily job twice, and `till serve` runs the jobs only
while TILL_SCHEDULER_IN_PROCESS is on."""

import asyncio
import uuid
from collections import Counter
from datetime import date, time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from till.app import create_app
from till.kernel.clock import SystemClock
from till.platform.postgres_scheduler_runs import PostgresRunStore
from till.platform.schedule import Job
from till.platform.scheduler import Scheduler

_RUNS = text(
    "SELECT job, slot, holder, count, error FROM scheduler_runs "
    "WHERE job = ANY(:jobs) ORDER BY id"
)


async def test_two_schedulers_run_each_job_once_per_slot(database_url):
    calls: Counter[str] = Counter()
    names = [f"sweep_{uuid.uuid4().hex[:8]}", f"slow_{uuid.uuid4().hex[:8]}"]

    def counting(name: str, seconds: float):
        async def job() -> int:
            calls[name] += 1
            await asyncio.sleep(seconds)  # overlaps the other scheduler's try
            return 1

        return job

    jobs = [
        Job.every(names[0], 0.2, counting(names[0], 0.01)),
        Job.every(names[1], 0.3, counting(names[1], 0.15)),
    ]
    stores = [PostgresRunStore(database_url) for _ in range(2)]
    schedulers = [
        Scheduler(jobs, store, SystemClock(), holder=f"test:{n}")
        for n, store in enumerate(stores)
    ]
    for scheduler in schedulers:
        scheduler.start()
    await asyncio.sleep(1.6)
    for scheduler in schedulers:
        await scheduler.close(grace_seconds=1)
    for store in stores:
        await store.close()
    engine = create_async_engine(database_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(_RUNS, {"jobs": names})).all()
    await engine.dispose()

    per_slot = Counter((row.job, row.slot) for row in rows if row.error is None)
    assert per_slot and set(per_slot.values()) == {1}
    for name in names:
        ran = [row for row in rows if row.job == name]
        assert len(ran) >= 4 and calls[name] == len(ran)
        assert all(row.count == 1 for row in ran)
    assert {row.holder for row in rows} <= {"test:0", "test:1"}


async def test_a_restarted_scheduler_does_not_run_the_days_job_again(database_url):
    name = f"settle_{uuid.uuid4().hex[:8]}"
    days: list[date] = []

    async def settle(day: date) -> int:
        days.append(day)
        return 5

    job = Job.daily(name, time(0, 0), settle)
    for holder in ("first:1", "restarted:2"):
        store = PostgresRunStore(database_url)
        assert await Scheduler([job], store, SystemClock(), holder).tick(job) is (
            holder == "first:1"
        )
        await store.close()
    assert len(days) == 1


async def test_serve_runs_the_jobs_only_with_the_scheduler_in_process(
    infra, auth_settings, payment_settings
):
    jobs: dict[bool, list[str]] = {}
    for in_process in (False, True):
        settings = infra.model_copy(update={"till_scheduler_in_process": in_process})
        app = create_app(settings, auth_settings, payment_settings)
        async with app.router.lifespan_context(app):
            scheduler = getattr(app.state, "scheduler", None)
            jobs[in_process] = [job.name for job in scheduler.jobs] if scheduler else []
    assert jobs[False] == []
    assert jobs[True][:2] == ["payment_janitor", "webhook_deliveries"]
    assert {"idempotency_key_expiry", "event_retention", "audit_retention"} <= set(
        jobs[True]
    )
