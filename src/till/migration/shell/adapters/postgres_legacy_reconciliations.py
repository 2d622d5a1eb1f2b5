"""`ReconciliationLog` over `legacy_reconciliations` (migration 0023): one
row per `till legacy reconcile` run; the status endpoint shows the latest."""

from typing import Any

import orjson
from sqlalchemy import text

from till.migration.core.legacy_orders import rfc3339
from till.migration.core.sync_ports import ReconciliationSummary
from till.platform.database import Database

_SAVE = text(
    "INSERT INTO legacy_reconciliations (started_at, finished_at, repair, compared, "
    "matched, missing_new, missing_legacy, mismatched, deleted_in_legacy, repaired, "
    "not_repaired, orders_per_second, samples) VALUES (:started_at, :finished_at, "
    ":repair, :compared, :matched, :missing_new, :missing_legacy, :mismatched, "
    ":deleted_in_legacy, :repaired, :not_repaired, :orders_per_second, "
    "CAST(:samples AS jsonb)) RETURNING id"
)
_LATEST = text(
    "SELECT id, started_at, finished_at, repair, compared, matched, missing_new, "
    "missing_legacy, mismatched, deleted_in_legacy, repaired, not_repaired, "
    "orders_per_second, samples::text AS samples "
    "FROM legacy_reconciliations ORDER BY id DESC LIMIT 1"
)


class PostgresLegacyReconciliations:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def save(self, summary: ReconciliationSummary) -> int:
        params = {
            "started_at": summary.started_at,
            "finished_at": summary.finished_at,
            "repair": summary.repair,
            "compared": summary.compared,
            "matched": summary.matched,
            "missing_new": summary.missing_new,
            "missing_legacy": summary.missing_legacy,
            "mismatched": summary.mismatched,
            "deleted_in_legacy": summary.deleted_in_legacy,
            "repaired": summary.repaired,
            "not_repaired": summary.not_repaired,
            "orders_per_second": summary.orders_per_second,
            "samples": orjson.dumps(dict(summary.samples)).decode(),
        }
        async with self._database.transaction() as conn:
            return int((await conn.execute(_SAVE, params)).scalar_one())

    async def latest(self) -> dict[str, Any] | None:
        async with self._database.read() as conn:
            row = (await conn.execute(_LATEST)).first()
        if row is None:
            return None
        found = dict(row._mapping)
        found["started_at"] = rfc3339(row.started_at)
        found["finished_at"] = rfc3339(row.finished_at)
        found["samples"] = orjson.loads(row.samples)
        return found
