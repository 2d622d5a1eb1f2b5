"""Stored reconciliation reports (`rpt_…`): the counts as columns (for a
dashboard's query), the whole report as JSON."""

from typing import Any

import orjson

from till.platform.database import Database
from till.platform.driver_statements import Statement

_STORE = Statement.of(
    """
    INSERT INTO reconciliations (id, period_start, period_end, matched,
        missing_at_processor, missing_in_ledger, mismatched, report, created_at)
    VALUES (:id, :start, :end, :matched, :map, :mil, :mis, CAST(:report AS jsonb),
        :at)
    """
)
_GET = Statement.of("SELECT report::text AS report FROM reconciliations WHERE id = :id")


class SqlaReconciliations:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def store(self, report: dict[str, Any]) -> None:
        counts = report["counts"]
        params = {
            "id": report["id"],
            "start": report["period"]["start"],
            "end": report["period"]["end"],
            "matched": counts["matched"],
            "map": counts["missing_at_processor"],
            "mil": counts["missing_in_ledger"],
            "mis": counts["mismatched"],
            "report": orjson.dumps(report).decode(),
            "at": report["created_at"],
        }
        async with self.database.driver() as conn:
            await conn.execute(_STORE.sql, *_STORE.args(params))

    async def get(self, report_id: str) -> dict[str, Any] | None:
        async with self.database.driver() as conn:
            found = await conn.fetchval(_GET.sql, *_GET.args({"id": report_id}))
        return None if found is None else dict(orjson.loads(found))
