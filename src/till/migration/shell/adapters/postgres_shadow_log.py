"""`ShadowLog` in PostgreSQL (migration 0022): an hourly count per route,
and each mismatch with its differences."""

from collections.abc import Sequence
from datetime import datetime

import orjson
from sqlalchemy import text

from till.migration.core.legacy_compare import Difference
from till.migration.core.router_ports import ShadowCount
from till.platform.database import Database

_COUNT = text(
    "INSERT INTO migration_shadow_counts (hour, route, compared, mismatched) "
    "VALUES (date_trunc('hour', CAST(:at AS timestamptz)), :route, 1, :bad) "
    "ON CONFLICT (hour, route) DO UPDATE SET "
    "compared = migration_shadow_counts.compared + 1, "
    "mismatched = migration_shadow_counts.mismatched + EXCLUDED.mismatched"
)
_MISMATCH = text(
    "INSERT INTO migration_shadow_mismatches "
    "(route, order_id, differences, observed_at) "
    "VALUES (:route, :order_id, CAST(:differences AS jsonb), :at)"
)
_COUNTS = text(
    "SELECT route, sum(compared), sum(mismatched) FROM migration_shadow_counts "
    "WHERE hour >= date_trunc('hour', CAST(:since AS timestamptz)) GROUP BY route"
)


class SqlaShadowLog:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def record(
        self,
        route: str,
        order_id: str,
        differences: Sequence[Difference],
        at: datetime,
    ) -> None:
        async with self.database.transaction() as conn:
            bad = 1 if differences else 0
            await conn.execute(_COUNT, {"at": at, "route": route, "bad": bad})
            if differences:
                await conn.execute(
                    _MISMATCH,
                    {
                        "route": route,
                        "order_id": order_id,
                        "differences": _json(differences),
                        "at": at,
                    },
                )

    async def counts(self, since: datetime) -> dict[str, ShadowCount]:
        async with self.database.read() as conn:
            rows = (await conn.execute(_COUNTS, {"since": since})).all()
        return {route: ShadowCount(int(c), int(m)) for route, c, m in rows}


def _json(differences: Sequence[Difference]) -> str:
    shown = [{"field": d.field, "new": d.new, "legacy": d.legacy} for d in differences]
    return orjson.dumps(shown, default=str).decode()
