"""`till keys rotate`: re-encrypt every sealed column under the current data
key, so an old key can leave TILL_DATA_KEYS. Each context names its sealed
columns (`SealedColumn`); rows already under the current key are skipped, so a
rerun (or a run interrupted half way) is safe. Each batch is one transaction."""

from dataclasses import dataclass

from sqlalchemy import text

from till.platform.data_keys import PREFIX, DataKeyring
from till.platform.database import Database

BATCH = 500


@dataclass(frozen=True, slots=True)
class SealedColumn:
    table: str
    key_column: str
    column: str
    context: str  # with `{key}` for the row's key, e.g. "totp_secret:{key}"


async def reseal_column(
    database: Database, keys: DataKeyring, sealed: SealedColumn
) -> int:
    """Re-encrypt the column's values not under the current key; the count."""
    current = f"{PREFIX}{keys.current}:"
    t, k, c = sealed.table, sealed.key_column, sealed.column
    # Identifiers come from the contexts' constant declarations; values bind.
    # Plain FOR UPDATE (not SKIP LOCKED): a row locked by a writer is waited
    # for, never skipped, so no value is left under a key about to be removed.
    select = text(
        f"SELECT {k} AS key, {c} AS value FROM {t} "  # noqa: S608  # nosec B608
        f"WHERE {c} IS NOT NULL AND NOT starts_with({c}, :current) "
        f"ORDER BY {k} LIMIT :batch FOR UPDATE"
    )
    update = text(f"UPDATE {t} SET {c} = :value WHERE {k} = :key")  # noqa: S608  # nosec B608
    done = 0
    while True:
        async with database.transaction() as conn:
            rows = (
                await conn.execute(select, {"current": current, "batch": BATCH})
            ).all()
            changes = [
                {
                    "key": row.key,
                    "value": keys.reseal(row.value, sealed.context.format(key=row.key)),
                }
                for row in rows
            ]
            if changes:
                await conn.execute(update, changes)
        done += len(changes)
        if len(rows) < BATCH:
            return done
