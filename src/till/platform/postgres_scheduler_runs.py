"""The scheduler's job locks and runs table in PostgreSQL. The locks are
session advisory locks on one dedicated connection per scheduler, so a
scheduler that dies (process or connection) releases its locks with its
session; the runs table's statements share that connection."""

import asyncio
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from till.platform.schedule import ABANDONED, Run, lock_key

_TRY_LOCK = text("SELECT pg_try_advisory_lock(:k)")
_UNLOCK = text("SELECT pg_advisory_unlock(:k)")
_ABANDON = text(
    "UPDATE scheduler_runs SET finished_at = :now, error = :abandoned "
    "WHERE job = :job AND finished_at IS NULL"
)
_SLOT_RUNS = text(
    "SELECT holder, started_at, finished_at, count AS done, error "
    "FROM scheduler_runs "
    "WHERE job = :job AND slot = :slot ORDER BY id"
)
_START = text(
    "INSERT INTO scheduler_runs (job, slot, holder, started_at) "
    "VALUES (:job, :slot, :holder, :at) RETURNING id"
)
_FINISH = text(
    "UPDATE scheduler_runs SET finished_at = :at, count = :count, error = :error "
    "WHERE id = :id"
)
# Quiet runs (nothing done, no error) only matter while their slot is current;
# the others are the operators' history.
_PRUNE = text(
    "DELETE FROM scheduler_runs WHERE finished_at IS NOT NULL AND "
    "(started_at < :before OR (started_at < :quiet_before AND count = 0 "
    "AND error IS NULL))"
)
QUIET_KEPT = timedelta(days=2)


class PostgresRunStore:
    def __init__(self, database_url: str) -> None:
        self.engine: AsyncEngine = create_async_engine(
            database_url,
            pool_size=1,
            max_overflow=0,
            hide_parameters=True,
            isolation_level="AUTOCOMMIT",
            connect_args={"server_settings": {"application_name": "till-scheduler"}},
        )
        self._conn: AsyncConnection | None = None
        self._guard = asyncio.Lock()  # one statement at a time on the connection

    async def _execute(
        self, statement: TextClause, params: dict[str, Any]
    ) -> CursorResult[Any]:
        async with self._guard:
            if self._conn is None or self._conn.closed:
                self._conn = await self.engine.connect()
            try:
                return await self._conn.execute(statement, params)
            except Exception:
                # The session (and the locks it held) may be gone: start over.
                await self._drop()
                raise

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(Exception):  # it is being thrown away
                await conn.invalidate()

    async def try_lock(self, job: str) -> bool:
        result = await self._execute(_TRY_LOCK, {"k": lock_key(job)})
        return bool(result.scalar())

    async def unlock(self, job: str) -> None:
        await self._execute(_UNLOCK, {"k": lock_key(job)})

    async def slot_runs(self, job: str, slot: datetime, now: datetime) -> list[Run]:
        await self._execute(_ABANDON, {"job": job, "now": now, "abandoned": ABANDONED})
        rows = await self._execute(_SLOT_RUNS, {"job": job, "slot": slot})
        return [
            Run(r.holder, r.started_at, r.finished_at, r.done, r.error) for r in rows
        ]

    async def started(self, job: str, slot: datetime, holder: str, at: datetime) -> int:
        result = await self._execute(
            _START, {"job": job, "slot": slot, "holder": holder, "at": at}
        )
        return int(result.scalar_one())

    async def finished(
        self, run_id: int, at: datetime, count: int | None, error: str | None
    ) -> None:
        await self._execute(
            _FINISH, {"id": run_id, "at": at, "count": count, "error": error}
        )

    async def prune(self, now: datetime, kept: timedelta) -> int:
        """Runs older than `kept` go; quiet ones after two days."""
        result = await self._execute(
            _PRUNE, {"before": now - kept, "quiet_before": now - QUIET_KEPT}
        )
        return int(result.rowcount or 0)

    async def close(self) -> None:
        async with self._guard:
            if self._conn is not None:
                await self._conn.close()
                self._conn = None
        await self.engine.dispose()
