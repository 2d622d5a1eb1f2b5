"""`LegacySyncStore` over the `legacy_sync` table (migration 0023). Each
change locks the order's row, applies the pure rule of `legacy_sync` and
writes the result back, so concurrent consumers and writers never interleave
on one order. Claims skip rows another writer holds and lease the rest."""

from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.migration.core.legacy_sync import (
    DUAL_WRITTEN_EVENTS,
    HeardOrderEvent,
    SyncState,
    state_after_event,
    state_after_failure,
    state_after_write,
)
from till.migration.core.sync_ports import Lag
from till.platform.database import Database

_COLUMNS = (
    "order_id, order_data::text AS order_data, heard_updated_at, "
    "synced_updated_at, legacy_id, pending_since, pending_events, attempts, "
    "next_attempt_at, parked, last_error"
)
_LOCK = text(
    f"SELECT {_COLUMNS} FROM legacy_sync WHERE order_id = :id FOR UPDATE"  # noqa: S608  # nosec B608
)
_INSERT = (
    "INSERT INTO legacy_sync (order_id, order_data, heard_updated_at, "
    "synced_updated_at, legacy_id, pending_since, pending_events, attempts, "
    "next_attempt_at, parked, last_error) VALUES (:order_id, "
    "CAST(:order_data AS jsonb), :heard_updated_at, :synced_updated_at, "
    ":legacy_id, :pending_since, :pending_events, :attempts, :next_attempt_at, "
    ":parked, :last_error) "
)
_FIRST = text(_INSERT + "ON CONFLICT (order_id) DO NOTHING RETURNING 1")
_SAVE = text(
    _INSERT + "ON CONFLICT (order_id) DO UPDATE SET "  # nosec B608
    "order_data = EXCLUDED.order_data, heard_updated_at = EXCLUDED.heard_updated_at, "
    "synced_updated_at = EXCLUDED.synced_updated_at, legacy_id = EXCLUDED.legacy_id, "
    "pending_since = EXCLUDED.pending_since, "
    "pending_events = EXCLUDED.pending_events, attempts = EXCLUDED.attempts, "
    "next_attempt_at = EXCLUDED.next_attempt_at, parked = EXCLUDED.parked, "
    "last_error = EXCLUDED.last_error"
)
_CLAIM = text(
    f"SELECT {_COLUMNS} FROM legacy_sync "  # noqa: S608  # nosec B608
    "WHERE pending_since IS NOT NULL AND NOT parked "
    "AND (next_attempt_at IS NULL OR next_attempt_at <= :now) "
    "ORDER BY pending_since LIMIT :limit FOR UPDATE SKIP LOCKED"
)
_LEASE = text(
    "UPDATE legacy_sync SET next_attempt_at = :until WHERE order_id = ANY(:ids)"
)
_LAG = text(
    "SELECT min(pending_since) AS oldest, "
    "coalesce(sum(pending_events), 0) AS pending, "
    "count(*) FILTER (WHERE parked) AS parked "
    "FROM legacy_sync WHERE pending_since IS NOT NULL"
)
# Order events committed but not yet relayed wait too.
_UNRELAYED = text(
    "SELECT min(created_at) AS oldest, count(*) AS pending FROM outbox "
    "WHERE published_at IS NULL AND type = ANY(:types)"
)


class PostgresLegacySync:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def heard(self, event: HeardOrderEvent) -> None:
        async with self._database.transaction() as conn:
            state = await _locked(conn, event.order_id)
            if state is None:
                first = state_after_event(None, event)
                if (await conn.execute(_FIRST, _row(first))).first():
                    return
                # another consumer inserted it meanwhile: now it can be locked
                state = await _locked(conn, event.order_id)
            after = state_after_event(state, event)
            if after != state:
                await conn.execute(_SAVE, _row(after))

    async def claim(
        self, now: datetime, limit: int, lease_seconds: float
    ) -> list[SyncState]:
        async with self._database.transaction() as conn:
            rows = (await conn.execute(_CLAIM, {"now": now, "limit": limit})).all()
            states = [_state(row._mapping) for row in rows]
            if states:
                until = now + timedelta(seconds=lease_seconds)
                ids = [s.order_id for s in states]
                await conn.execute(_LEASE, {"until": until, "ids": ids})
        return states

    async def written(
        self, order_id: str, updated_at: datetime, claimed_events: int, legacy_id: int
    ) -> None:
        async with self._database.transaction() as conn:
            state = await _locked(conn, order_id)
            if state is not None:
                after = state_after_write(state, updated_at, claimed_events, legacy_id)
                await conn.execute(_SAVE, _row(after))

    async def failed(
        self, order_id: str, error: str, *, permanent: bool, now: datetime
    ) -> None:
        async with self._database.transaction() as conn:
            state = await _locked(conn, order_id)
            if state is not None:
                after = state_after_failure(state, error, permanent=permanent, now=now)
                await conn.execute(_SAVE, _row(after))

    async def lag(self, now: datetime) -> Lag:
        async with self._database.read() as conn:
            synced = (await conn.execute(_LAG)).one()
            types = list(DUAL_WRITTEN_EVENTS)
            unrelayed = (await conn.execute(_UNRELAYED, {"types": types})).one()
        oldest = [at for at in (synced.oldest, unrelayed.oldest) if at is not None]
        seconds = max((now - min(oldest)).total_seconds(), 0.0) if oldest else 0.0
        pending = int(synced.pending) + int(unrelayed.pending)
        return Lag(seconds, pending, int(synced.parked))


async def _locked(conn: AsyncConnection, order_id: str) -> SyncState | None:
    row = (await conn.execute(_LOCK, {"id": order_id})).first()
    return None if row is None else _state(row._mapping)


def _state(row: Any) -> SyncState:
    return SyncState(
        order_id=row["order_id"],
        order=orjson.loads(row["order_data"]),
        heard_updated_at=row["heard_updated_at"],
        synced_updated_at=row["synced_updated_at"],
        legacy_id=row["legacy_id"],
        pending_since=row["pending_since"],
        pending_events=row["pending_events"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        parked=row["parked"],
        last_error=row["last_error"],
    )


def _row(state: SyncState) -> dict[str, Any]:
    return {
        "order_id": state.order_id,
        "order_data": orjson.dumps(state.order).decode(),
        "heard_updated_at": state.heard_updated_at,
        "synced_updated_at": state.synced_updated_at,
        "legacy_id": state.legacy_id,
        "pending_since": state.pending_since,
        "pending_events": state.pending_events,
        "attempts": state.attempts,
        "next_attempt_at": state.next_attempt_at,
        "parked": state.parked,
        "last_error": state.last_error,
    }
