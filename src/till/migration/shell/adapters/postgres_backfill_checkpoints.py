"""`BackfillCheckpoints` over `legacy_backfill_checkpoints` (migration 0023):
the last legacy id a backfill finished, saved after each batch."""

from datetime import datetime

from sqlalchemy import text

from till.migration.core.sync_ports import Checkpoint
from till.platform.database import Database

_LOAD = text(
    "SELECT name, last_legacy_id, imported, skipped "
    "FROM legacy_backfill_checkpoints WHERE name = :name"
)
_SAVE = text(
    "INSERT INTO legacy_backfill_checkpoints "
    "(name, last_legacy_id, imported, skipped, updated_at) "
    "VALUES (:name, :last, :imported, :skipped, :now) ON CONFLICT (name) DO UPDATE "
    "SET last_legacy_id = EXCLUDED.last_legacy_id, imported = EXCLUDED.imported, "
    "skipped = EXCLUDED.skipped, updated_at = EXCLUDED.updated_at"
)
_RESET = text("DELETE FROM legacy_backfill_checkpoints WHERE name = :name")


class PostgresBackfillCheckpoints:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def load(self, name: str) -> Checkpoint | None:
        async with self._database.read() as conn:
            row = (await conn.execute(_LOAD, {"name": name})).first()
        if row is None:
            return None
        return Checkpoint(row.name, row.last_legacy_id, row.imported, row.skipped)

    async def save(self, checkpoint: Checkpoint, now: datetime) -> None:
        params = {
            "name": checkpoint.name,
            "last": checkpoint.last_legacy_id,
            "imported": checkpoint.imported,
            "skipped": checkpoint.skipped,
            "now": now,
        }
        async with self._database.transaction() as conn:
            await conn.execute(_SAVE, params)

    async def reset(self, name: str) -> None:
        """Start over (`--restart`): imports stay idempotent either way."""
        async with self._database.transaction() as conn:
            await conn.execute(_RESET, {"name": name})
