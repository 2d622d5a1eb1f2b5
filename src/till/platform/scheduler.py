"""The scheduler: one loop per job; at each of the job's slots it takes the
job's advisory lock without waiting, asks the runs table whether the slot
still needs a run, runs it and records the run. Several schedulers may run
(`till scheduler` processes, and `till serve` with TILL_SCHEDULER_IN_PROCESS):
a job runs in one of them at a time, once per slot (ADR 0011)."""

import asyncio
import os
import socket
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import structlog

from till.kernel.clock import Clock
from till.platform.schedule import Job, Run, due

log = structlog.get_logger("till.scheduler")


class RunStore(Protocol):
    """The job locks and the runs table (`scheduler_runs`)."""

    async def try_lock(self, job: str) -> bool:
        """Take the job's lock if free; never waits."""

    async def unlock(self, job: str) -> None: ...

    async def slot_runs(self, job: str, slot: datetime, now: datetime) -> list[Run]:
        """The slot's runs. The caller holds the lock, so a run of `job` left
        unfinished lost its scheduler: it is closed as abandoned first."""

    async def started(self, job: str, slot: datetime, holder: str, at: datetime) -> int:
        """Record a run starting; its id."""

    async def finished(
        self, run_id: int, at: datetime, count: int | None, error: str | None
    ) -> None: ...


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler:
    def __init__(
        self,
        jobs: Sequence[Job],
        store: RunStore,
        clock: Clock,
        holder: str | None = None,
    ) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        self.jobs = list(jobs)
        self.store = store
        self.clock = clock
        self.holder = holder or default_holder()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def tick(self, job: Job) -> bool:
        """Run `job` if its slot needs a run and no other scheduler holds it;
        whether it ran. A failure is recorded, not raised."""
        if not await self.store.try_lock(job.name):
            return False
        try:
            now = self.clock.now()
            slot = job.timing.slot(now)
            runs = await self.store.slot_runs(job.name, slot, now)
            if not due(job.timing, runs, now):
                return False
            await self._run(job, slot, now)
            return True
        finally:
            await asyncio.shield(self.store.unlock(job.name))

    async def _run(self, job: Job, slot: datetime, now: datetime) -> None:
        run_id = await self.store.started(job.name, slot, self.holder, now)
        count: int | None = None
        error: str | None = None
        try:
            count = await job.run(slot)
        except asyncio.CancelledError:
            error = "cancelled"
            raise
        except Exception as failure:  # recorded; the next slot tries again
            # The type only: messages may carry bound values.
            error = type(failure).__name__
            log.warning("scheduled_job_failed", job=job.name, error_type=error)
        finally:
            finished = self.store.finished(run_id, self.clock.now(), count, error)
            await asyncio.shield(finished)
        if count:
            log.info("scheduled_job_done", job=job.name, count=count)

    async def run(self) -> None:
        """Every job's loop, until `stop()`; a run in progress is finished."""
        async with asyncio.TaskGroup() as group:
            for job in self.jobs:
                group.create_task(self._loop(job))

    async def _loop(self, job: Job) -> None:
        while True:
            now = self.clock.now()
            wait = (job.timing.next_check(now) - now).total_seconds()
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=max(wait, 0))
                return
            except TimeoutError:
                pass
            try:
                await self.tick(job)
            except Exception as failure:  # the database away: try next slot
                log.warning(
                    "scheduler_tick_failed",
                    job=job.name,
                    error_type=type(failure).__name__,
                )

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())

    def stop(self) -> None:
        """No new runs; runs in progress go on to their end."""
        self._stopping.set()

    async def close(self, grace_seconds: float = 30.0) -> None:
        """Stop, give runs in progress `grace_seconds`, then cancel them (a
        cancelled run is recorded as such and its lock released)."""
        self.stop()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
