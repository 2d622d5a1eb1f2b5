"""When a scheduled job is due: slots, retries and the daily job's day, with
fixed instants instead of a clock."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from till.platform.schedule import ABANDONED, Daily, Every, Job, Run, due, lock_key

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _run(at: datetime, error: str | None = None, finished: bool = True) -> Run:
    return Run("host:1", at, at + timedelta(seconds=1) if finished else None, 1, error)


def test_interval_slots_are_aligned_on_the_epoch_in_every_process():
    every_minute = Every(60)
    assert every_minute.slot(NOON + timedelta(seconds=59)) == NOON
    assert every_minute.slot(NOON + timedelta(seconds=60)) == NOON + timedelta(
        minutes=1
    )


def test_an_interval_job_is_next_checked_at_its_next_slot():
    assert Every(600).next_check(NOON + timedelta(seconds=5)) == NOON + timedelta(
        minutes=10
    )


def test_a_non_positive_interval_is_refused():
    with pytest.raises(ValueError, match="positive"):
        Every(0)


def test_before_its_time_of_day_a_daily_job_is_in_yesterdays_slot():
    half_past = Daily(time(12, 30))
    assert half_past.slot(NOON) == NOON - timedelta(days=1) + timedelta(minutes=30)


def test_after_its_time_of_day_a_daily_job_is_in_todays_slot():
    assert Daily(time(0, 30)).slot(NOON) == datetime(2026, 11, 26, 0, 30, tzinfo=UTC)


def test_a_daily_job_is_checked_again_within_a_minute_for_retries():
    assert Daily(time(0, 30)).next_check(NOON) == NOON + timedelta(seconds=60)
    just_before = datetime(2026, 11, 26, 0, 29, 30, tzinfo=UTC)
    assert Daily(time(0, 30)).next_check(just_before) == just_before + timedelta(
        seconds=30
    )


def test_a_slot_without_runs_is_due():
    assert due(Every(60), [], NOON)


def test_a_slot_with_a_successful_run_is_not_due():
    assert not due(Every(60), [_run(NOON)], NOON)
    assert not due(Daily(time(0, 30)), [_run(NOON)], NOON + timedelta(hours=3))


def test_a_failed_interval_run_waits_for_the_next_slot():
    assert not due(Every(60), [_run(NOON, "OSError")], NOON + timedelta(seconds=59))


def test_a_failed_daily_run_is_retried_after_five_minutes():
    failed = [_run(NOON, "OSError")]
    daily = Daily(time(0, 30))
    assert not due(daily, failed, NOON + timedelta(minutes=4))
    assert due(daily, failed, NOON + timedelta(minutes=5, seconds=1))


def test_a_daily_slot_with_a_failure_then_a_success_is_done():
    runs = [_run(NOON, "OSError"), _run(NOON + timedelta(minutes=6))]
    assert not due(Daily(time(0, 30)), runs, NOON + timedelta(hours=1))


async def test_a_daily_job_runs_for_the_day_before_its_slot():
    seen: list[date] = []

    async def report(day: date) -> int:
        seen.append(day)
        return 3

    job = Job.daily("settlements", time(0, 30), report)
    assert await job.run(datetime(2026, 11, 26, 0, 30, tzinfo=UTC)) == 3
    assert seen == [date(2026, 11, 25)]
    assert job.timing == Daily(time(0, 30))


async def test_an_interval_job_is_called_without_arguments():
    async def sweep() -> int:
        return 7

    job = Job.every("janitor", 30, sweep)
    assert await job.run(NOON) == 7 and job.timing == Every(30)


def test_lock_keys_are_stable_distinct_and_fit_a_bigint():
    assert lock_key("janitor") == lock_key("janitor")
    assert lock_key("janitor") != lock_key("event_retention")
    assert -(2**63) <= lock_key("janitor") < 2**63


def test_a_run_abandoned_by_a_dead_scheduler_is_run_again_at_once():
    abandoned = [_run(NOON, ABANDONED)]
    assert due(Daily(time(0, 30)), abandoned, NOON + timedelta(seconds=1))
    assert due(Every(60), abandoned, NOON + timedelta(seconds=1))
