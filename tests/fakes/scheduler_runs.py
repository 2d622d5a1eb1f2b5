"""An in-memory RunStore: the advisory locks and the runs table of the
scheduler, shared by several Scheduler instances like one database."""

from dataclasses import dataclass, field
from datetime import datetime

from till.platform.schedule import ABANDONED, Run


@dataclass
class StoredRun:
    job: str
    slot: datetime
    holder: str
    started_at: datetime
    finished_at: datetime | None = None
    count: int | None = None
    error: str | None = None


@dataclass
class FakeRunStore:
    locks: set[str] = field(default_factory=set)
    runs: list[StoredRun] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # locks held elsewhere

    async def try_lock(self, job: str) -> bool:
        if job in self.locks or job in self.refuse:
            return False
        self.locks.add(job)
        return True

    async def unlock(self, job: str) -> None:
        self.locks.discard(job)

    async def slot_runs(self, job: str, slot: datetime, now: datetime) -> list[Run]:
        for run in self.runs:
            if run.job == job and run.finished_at is None:
                run.finished_at, run.error = now, ABANDONED
        return [
            Run(r.holder, r.started_at, r.finished_at, r.count, r.error)
            for r in self.runs
            if r.job == job and r.slot == slot
        ]

    async def started(self, job: str, slot: datetime, holder: str, at: datetime) -> int:
        self.runs.append(StoredRun(job, slot, holder, at))
        return len(self.runs) - 1

    async def finished(
        self, run_id: int, at: datetime, count: int | None, error: str | None
    ) -> None:
        run = self.runs[run_id]
        run.finished_at, run.count, run.error = at, count, error

    def of(self, job: str) -> list[StoredRun]:
        return [run for run in self.runs if run.job == job]
