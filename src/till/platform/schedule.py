"""When a scheduled job is due. Pure (no I/O, no sleeping), so the timing is
unit-tested with a fake clock; `till.platform.scheduler` acts on it.

Time is cut into slots that every scheduler process computes alike: an
interval job's slots are aligned on the Unix epoch, a daily job's slot is the
most recent occurrence of its UTC time of day. A job runs once per slot; the
runs table, read under the job's advisory lock, says whether it already has."""

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAILY_RETRY_AFTER = timedelta(minutes=5)
DAILY_POLL = timedelta(seconds=60)  # so a failed or orphaned daily run is retried
# The error of a run whose scheduler went away mid-run (found unfinished by the
# next lock holder): it did not fail, so the slot is run again at once.
ABANDONED = "abandoned: its scheduler went away"


@dataclass(frozen=True, slots=True)
class Every:
    """Once per `seconds`, slots aligned on the epoch; no retry within a slot
    (the next slot comes soon enough)."""

    seconds: float

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError("an interval must be positive")

    def slot(self, now: datetime) -> datetime:
        elapsed = (now - EPOCH).total_seconds()
        return EPOCH + timedelta(seconds=elapsed // self.seconds * self.seconds)

    def next_check(self, now: datetime) -> datetime:
        return self.slot(now) + timedelta(seconds=self.seconds)

    @property
    def retry_after(self) -> timedelta | None:
        return None


@dataclass(frozen=True, slots=True)
class Daily:
    """Once per UTC day at `at`; a failed run is retried after 5 minutes."""

    at: time

    def slot(self, now: datetime) -> datetime:
        today = datetime.combine(now.astimezone(UTC).date(), self.at, UTC)
        return today if now >= today else today - timedelta(days=1)

    def next_check(self, now: datetime) -> datetime:
        return min(self.slot(now) + timedelta(days=1), now + DAILY_POLL)

    @property
    def retry_after(self) -> timedelta | None:
        return DAILY_RETRY_AFTER


Timing = Every | Daily


@dataclass(frozen=True, slots=True)
class Job:
    """A named job; `run` gets the slot it runs for and returns a count."""

    name: str
    timing: Timing
    run: Callable[[datetime], Awaitable[int]]

    @staticmethod
    def every(name: str, seconds: float, job: Callable[[], Awaitable[int]]) -> "Job":
        async def run(slot: datetime) -> int:
            return await job()

        return Job(name, Every(seconds), run)

    @staticmethod
    def daily(name: str, at: time, job: Callable[[date], Awaitable[int]]) -> "Job":
        """`job(day)` runs once per UTC day after `at`, for the day before."""

        async def run(slot: datetime) -> int:
            return await job(slot.date() - timedelta(days=1))

        return Job(name, Daily(at), run)


@dataclass(frozen=True, slots=True)
class Run:
    """One recorded run of a job in a slot."""

    holder: str
    started_at: datetime
    finished_at: datetime | None
    count: int | None
    error: str | None


def due(timing: Timing, slot_runs: list[Run], now: datetime) -> bool:
    """Whether the slot still needs a run, given its recorded runs (read under
    the job's lock, so none of them is still running)."""
    slot_runs = [run for run in slot_runs if run.error != ABANDONED]
    if any(run.error is None for run in slot_runs):
        return False
    if not slot_runs:
        return True
    if timing.retry_after is None:
        return False
    last_end = max(run.finished_at or run.started_at for run in slot_runs)
    return now - last_end >= timing.retry_after


def lock_key(job_name: str) -> int:
    """A stable signed 64-bit advisory lock key for a job (same in every
    process and release; Python's hash() is salted per process)."""
    digest = hashlib.sha256(b"till.scheduler:" + job_name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
