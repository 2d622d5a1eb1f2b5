"""Audit retention: payment streams whose last event is older than the
retention period, of settled payments, are deleted whole — with a tombstone
per stream (its event count and last hash) written first in the same
transaction, which is what the append-only trigger on payment_events asks
before it lets a DELETE through (migration 0018, ADR 0011)."""

from datetime import datetime, timedelta

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.payments.core.audit_checkpoints import SETTLED
from till.platform.database import Database

# Rows keyed by the payment id that go with its stream, children first (a
# table referencing `payments` must come before it). The ledger adds its
# tables here: (table, column holding the payment id).
STREAM_TABLES: tuple[tuple[str, str], ...] = (("payments", "id"),)

_SANCTION = text("SELECT set_config('till.audit_retention', 'on', true)")
_TOMBSTONE = text(
    """
    WITH candidates AS (
        SELECT id, status FROM payments
        WHERE pending_operation IS NULL AND status = ANY(:settled)
          AND updated_at < :before
        ORDER BY updated_at LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ), heads AS (
        SELECT DISTINCT ON (e.stream_id) e.stream_id, e.version, e.hash, e.at
        FROM payment_events e JOIN candidates c ON c.id = e.stream_id
        ORDER BY e.stream_id, e.version DESC
    )
    INSERT INTO payment_stream_tombstones
        (stream_id, events, last_hash, last_event_at, status, deleted_at, reason)
    SELECT h.stream_id, h.version, h.hash, h.at, c.status, :now, 'retention'
    FROM heads h JOIN candidates c ON c.id = h.stream_id
    WHERE h.at < :before
    RETURNING stream_id
    """
)
_EVENTS = text("DELETE FROM payment_events WHERE stream_id = ANY(:ids)")


def _delete_rows(table: str, column: str) -> TextClause:
    return text(f"DELETE FROM {table} WHERE {column} = ANY(:ids)")  # noqa: S608  # nosec B608


_ROWS = [_delete_rows(table, column) for table, column in STREAM_TABLES]


async def expire_streams_in(
    conn: AsyncConnection, now: datetime, kept: timedelta, limit: int = 500
) -> list[str]:
    """In the caller's transaction: tombstone and delete up to `limit` expired
    streams; their ids."""
    params = {
        "settled": sorted(SETTLED),
        "before": now - kept,
        "limit": limit,
        "now": now,
    }
    await conn.execute(_SANCTION)
    ids = list((await conn.execute(_TOMBSTONE, params)).scalars())
    if ids:
        await conn.execute(_EVENTS, {"ids": ids})
        for statement in _ROWS:
            await conn.execute(statement, {"ids": ids})
    return ids


async def expire_payment_streams(
    database: Database, now: datetime, kept: timedelta
) -> int:
    """The scheduler's audit retention job: the number of streams deleted."""
    async with database.transaction() as conn:
        return len(await expire_streams_in(conn, now, kept))
