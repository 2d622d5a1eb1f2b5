"""The scheduler's tick and loop over an in-memory runs table and locks, with
a fixed clock: once per slot, across schedulers and restarts, failures and
cancellations recorded, locks always released."""

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.scheduler_runs import FakeRunStore, StoredRun
from till.kernel.clock import SystemClock
from till.platform.schedule import ABANDONED, Job
from till.platform.scheduler import Scheduler

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _counting(count: int = 1) -> tuple[Job, list[int]]:
    calls: list[int] = []

    async def sweep() -> int:
        calls.append(1)
        return count

    return Job.every("sweep", 60, sweep), calls


async def test_a_due_job_runs_once_in_its_slot_and_is_recorded():
    store, clock = FakeRunStore(), FixedClock(NOON)
    job, calls = _counting(4)
    scheduler = Scheduler([job], store, clock, holder="a:1")
    assert await scheduler.tick(job)
    clock.advance(30)
    assert not await scheduler.tick(job)
    assert calls == [1]
    (run,) = store.of("sweep")
    assert (run.slot, run.holder, run.count, run.error) == (NOON, "a:1", 4, None)
    assert run.finished_at == NOON and not store.locks


async def test_the_next_slot_runs_again():
    store, clock = FakeRunStore(), FixedClock(NOON)
    job, calls = _counting()
    scheduler = Scheduler([job], store, clock)
    await scheduler.tick(job)
    clock.advance(60)
    assert await scheduler.tick(job)
    assert [run.slot for run in store.of("sweep")] == [
        NOON,
        NOON + timedelta(seconds=60),
    ]
    assert len(calls) == 2


async def test_a_job_whose_lock_is_held_elsewhere_is_left_alone():
    store = FakeRunStore(refuse={"sweep"})
    job, calls = _counting()
    assert not await Scheduler([job], store, FixedClock(NOON)).tick(job)
    assert calls == [] and store.runs == []


async def test_of_two_schedulers_only_one_acts_per_slot():
    store, clock = FakeRunStore(), FixedClock(NOON)
    job, calls = _counting()
    first = Scheduler([job], store, clock, holder="a:1")
    second = Scheduler([job], store, clock, holder="b:2")
    ran = [await s.tick(job) for s in (first, second, second, first)]
    assert ran == [True, False, False, False] and calls == [1]


async def test_a_failure_is_recorded_by_type_and_the_lock_released():
    store = FakeRunStore()

    async def broken() -> int:
        raise ConnectionError("db at 10.0.0.5 with password hunter2")

    job = Job.every("broken", 60, broken)
    assert await Scheduler([job], store, FixedClock(NOON)).tick(job)
    (run,) = store.of("broken")
    assert run.error == "ConnectionError" and run.count is None
    assert not store.locks


async def test_a_restarted_scheduler_does_not_run_the_days_job_again():
    store, clock = FakeRunStore(), FixedClock(NOON)
    days: list[date] = []

    async def settle(day: date) -> int:
        days.append(day)
        return 0

    job = Job.daily("settlements", time(0, 30), settle)
    assert await Scheduler([job], store, clock).tick(job)
    clock.advance(3600)
    assert not await Scheduler([job], store, clock, holder="again:2").tick(job)
    assert days == [date(2026, 11, 25)]


async def test_a_run_left_unfinished_by_a_dead_scheduler_is_taken_over():
    store, clock = FakeRunStore(), FixedClock(NOON + timedelta(hours=1))
    store.runs.append(
        StoredRun("settlements", NOON.replace(hour=0, minute=30), "dead:9", NOON)
    )

    async def settle(day: date) -> int:
        return 2

    job = Job.daily("settlements", time(0, 30), settle)
    assert await Scheduler([job], store, clock, holder="b:2").tick(job)
    abandoned, taken = store.of("settlements")
    assert abandoned.error == ABANDONED and (taken.holder, taken.count) == ("b:2", 2)


async def test_a_cancelled_run_is_recorded_and_its_lock_released():
    store = FakeRunStore()
    started = asyncio.Event()

    async def slow() -> int:
        started.set()
        await asyncio.sleep(10)
        return 1

    job = Job.every("slow", 60, slow)
    task = asyncio.create_task(Scheduler([job], store, FixedClock(NOON)).tick(job))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (run,) = store.of("slow")
    assert run.error == "cancelled" and run.finished_at is not None
    assert not store.locks


async def test_stop_lets_the_run_in_progress_finish_and_starts_no_other():
    store = FakeRunStore()
    finished = asyncio.Event()

    async def quick() -> int:
        await asyncio.sleep(0.02)
        finished.set()
        return 1

    scheduler = Scheduler([Job.every("quick", 0.01, quick)], store, SystemClock())
    scheduler.start()
    await asyncio.wait_for(finished.wait(), 0.08)
    await scheduler.close(grace_seconds=0.05)
    runs = len(store.runs)
    await asyncio.sleep(0.02)
    assert runs >= 1 and len(store.runs) == runs
    assert all(run.error is None and run.count == 1 for run in store.runs)


async def test_close_cancels_a_run_that_outlives_the_grace():
    store = FakeRunStore()

    async def stuck() -> int:
        await asyncio.sleep(10)
        return 1

    scheduler = Scheduler([Job.every("stuck", 0.01, stuck)], store, SystemClock())
    scheduler.start()
    await asyncio.sleep(0.03)
    await scheduler.close(grace_seconds=0.01)
    assert [run.error for run in store.runs] == ["cancelled"] and not store.locks


def test_job_names_must_be_unique():
    job, _ = _counting()
    with pytest.raises(ValueError, match="unique"):
        Scheduler([job, job], FakeRunStore(), FixedClock(NOON))
