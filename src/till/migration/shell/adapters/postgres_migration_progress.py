"""What the other migration tools leave in PostgreSQL, read for the status
document (ADR 0017 states the assumptions the dual-write and reconcile
tools are built to):

- `DualWriteStatus`: order events in the shared `outbox` (last 24 hours)
  that the dual-write consumer (`inbox.consumer = 'legacy_dual_write'`) has
  not yet claimed. Unknown (None) until that consumer has handled one event.
- `ReconciliationLog`: the newest row of `legacy_reconciliations` (written by
  `till legacy reconcile`, ordered by `started_at`), whatever its columns;
  None while the table does not exist or is empty."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text

from till.kernel.clock import Clock
from till.platform.database import Database

DUAL_WRITE_CONSUMER = "legacy_dual_write"
WINDOW = timedelta(hours=24)

_DEPLOYED = text("SELECT 1 FROM inbox WHERE consumer = :consumer LIMIT 1")
_PENDING = text(
    "SELECT count(*), min(o.created_at) FROM outbox o "
    "WHERE o.type LIKE 'order.%' AND o.created_at > :since AND NOT EXISTS ("
    "SELECT 1 FROM inbox i WHERE i.consumer = :consumer "
    "AND i.event_id = o.event_id)"
)
_TABLE = text("SELECT to_regclass('legacy_reconciliations') IS NOT NULL")
_LAST = text("SELECT * FROM legacy_reconciliations ORDER BY started_at DESC LIMIT 1")


class PostgresDualWriteStatus:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    async def _behind(self) -> tuple[int, datetime | None] | None:
        params = {"consumer": DUAL_WRITE_CONSUMER}
        async with self.database.read() as conn:
            if await conn.scalar(_DEPLOYED, params) is None:
                return None
            since = self.clock.now() - WINDOW
            row = (await conn.execute(_PENDING, {**params, "since": since})).one()
        return int(row[0]), row[1]

    async def lag_seconds(self) -> float | None:
        behind = await self._behind()
        if behind is None:
            return None
        oldest = behind[1]
        return 0.0 if oldest is None else (self.clock.now() - oldest).total_seconds()

    async def pending(self) -> int | None:
        behind = await self._behind()
        return None if behind is None else behind[0]


class PostgresReconciliationLog:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def last(self) -> Mapping[str, Any] | None:
        async with self.database.read() as conn:
            if not await conn.scalar(_TABLE):
                return None
            row = (await conn.execute(_LAST)).mappings().first()
        if row is None:
            return None
        return {
            k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()
        }
