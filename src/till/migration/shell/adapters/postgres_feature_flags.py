"""Feature flags in PostgreSQL, each change saved with its audit row in one
transaction, and only over the version it was decided on."""

import json
from typing import Any

from sqlalchemy import text

from till.migration.core.flags import FeatureFlag, flag_to_dict
from till.migration.core.ports import FlagChange, StaleFlag
from till.platform.database import Database

_COLUMNS = "key, enabled, percentage, allowlist, version, updated_at, updated_by"
_ALL = text(f"SELECT {_COLUMNS} FROM feature_flags")  # noqa: S608  # nosec B608
_ONE = text(f"SELECT {_COLUMNS} FROM feature_flags WHERE key = :key")  # noqa: S608  # nosec B608
_CREATE = text(
    f"INSERT INTO feature_flags ({_COLUMNS}) VALUES (:key, :enabled, "  # noqa: S608  # nosec B608
    ":percentage, :allowlist, :version, :updated_at, :updated_by) "
    "ON CONFLICT (key) DO NOTHING"
)
_REPLACE = text(
    "UPDATE feature_flags SET enabled = :enabled, percentage = :percentage, "
    "allowlist = :allowlist, version = :version, updated_at = :updated_at, "
    "updated_by = :updated_by WHERE key = :key AND version = :version - 1"
)
_AUDIT = text(
    "INSERT INTO feature_flag_changes "
    "(flag_key, version, changed_at, changed_by, before, after) VALUES "
    "(:key, :version, :changed_at, :changed_by, CAST(:before AS jsonb), "
    "CAST(:after AS jsonb))"
)


class SqlaFeatureFlags:
    """FeatureFlagStore."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def all(self) -> list[FeatureFlag]:
        async with self.database.read() as conn:
            return [_flag(row) for row in await conn.execute(_ALL)]

    async def get(self, key: str) -> FeatureFlag | None:
        async with self.database.read() as conn:
            row = (await conn.execute(_ONE, {"key": key})).first()
        return None if row is None else _flag(row)

    async def save(self, change: FlagChange) -> None:
        after = change.after
        params = {
            "key": after.key,
            "enabled": after.enabled,
            "percentage": after.percentage,
            "allowlist": sorted(after.allowlist),
            "version": after.version,
            "updated_at": after.updated_at,
            "updated_by": after.updated_by,
        }
        async with self.database.transaction() as conn:
            statement = _CREATE if change.before is None else _REPLACE
            written = await conn.execute(statement, params)
            if getattr(written, "rowcount", 0) != 1:
                raise StaleFlag(after.key)
            await conn.execute(
                _AUDIT,
                {
                    "key": after.key,
                    "version": after.version,
                    "changed_at": after.updated_at,
                    "changed_by": after.updated_by,
                    "before": None
                    if change.before is None
                    else json.dumps(flag_to_dict(change.before)),
                    "after": json.dumps(flag_to_dict(after)),
                },
            )


def _flag(row: Any) -> FeatureFlag:
    return FeatureFlag(
        key=row.key,
        enabled=row.enabled,
        percentage=row.percentage,
        allowlist=frozenset(row.allowlist),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        version=row.version,
    )
