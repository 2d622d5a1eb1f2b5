"""The sandbox's book in PostgreSQL, written behind: movements are buffered in
memory and flushed in one statement (every second, before a read, at shutdown),
so charging through the sandbox costs no extra round trip. A crash loses at
most the last second of the sandbox's own record, which a reconciliation then
reports as missing at the processor: a fair imitation of a processor's fault."""

from datetime import datetime

from till.payments.core.gateway import Movement
from till.platform.database import Database
from till.platform.driver_statements import Statement

_FLUSH = Statement.of(
    """
    INSERT INTO sandbox_transactions (id, kind, reference, amount, currency, fee,
        created_at)
    SELECT u.k || ':' || u.r, u.k, u.r, u.m, u.c, u.f, u.a
    FROM unnest(CAST(:k AS text[]), CAST(:r AS text[]), CAST(:m AS bigint[]),
        CAST(:c AS text[]), CAST(:f AS bigint[]), CAST(:a AS timestamptz[]))
        AS u(k, r, m, c, f, a)
    ON CONFLICT (id) DO NOTHING
    """
)
_BETWEEN = Statement.of(
    "SELECT kind, reference, currency, amount, fee, created_at "
    "FROM sandbox_transactions WHERE created_at >= :start AND created_at < :end"
)


class PostgresSandboxBook:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: list[Movement] = []

    def add(self, movement: Movement) -> None:
        self._pending.append(movement)

    async def flush(self) -> int:
        batch, self._pending = self._pending, []
        if not batch:
            return 0
        params = {
            "k": [m.kind for m in batch],
            "r": [m.reference for m in batch],
            "m": [m.amount for m in batch],
            "c": [m.currency for m in batch],
            "f": [m.fee for m in batch],
            "a": [m.at for m in batch],
        }
        try:
            async with self.database.driver() as conn:
                await conn.execute(_FLUSH.sql, *_FLUSH.args(params))
        except BaseException:
            self._pending = batch + self._pending  # tried again next time
            raise
        return len(batch)

    async def between(self, start: datetime, end: datetime) -> list[Movement]:
        await self.flush()
        params = {"start": start, "end": end}
        async with self.database.driver() as conn:
            rows = await conn.fetch(_BETWEEN.sql, *_BETWEEN.args(params))
        return [
            Movement(
                r["kind"],
                r["reference"],
                r["currency"],
                int(r["amount"]),
                int(r["fee"]),
                r["created_at"],
            )
            for r in rows
        ]
