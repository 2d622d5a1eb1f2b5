"""The ledger's reads and the settlement writes in PostgreSQL. Settlement lines
are summed from the ledger entries of capture and refund transactions; a
settlement row and its payout posting are written by one statement, the payout
only if the row was new (UNIQUE (day, currency)), so settling a day twice posts
once."""

from datetime import date, datetime

from till.payments.core.gateway import Movement
from till.payments.core.ledger import Posting
from till.payments.core.settlements import SettlementLine, day_bounds
from till.payments.shell.adapters.postgres_ledger_rows import (
    ledger_ctes,
    ledger_params,
)
from till.platform.database import Database
from till.platform.driver_statements import Statement

_LINES = Statement.of(
    """
    SELECT t.currency,
        coalesce(sum(-e.amount) FILTER (WHERE e.account = 'sales'), 0) AS gross,
        coalesce(sum(e.amount) FILTER (WHERE e.account = 'refunds'), 0) AS refunds,
        coalesce(sum(e.amount) FILTER (WHERE e.account = 'processing_fees'), 0)
            AS fees,
        count(DISTINCT t.id) FILTER (WHERE t.kind = 'capture') AS count
    FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
    WHERE t.occurred_at >= :start AND t.occurred_at < :end
        AND t.kind IN ('capture', 'refund')
        AND (CAST(:currency AS text) IS NULL OR t.currency = :currency)
    GROUP BY t.currency
    """
)
# Each capture or refund transaction as a movement: its amount (the sale or
# the refund) and its fee, under the processor's reference.
_MOVEMENTS = Statement.of(
    """
    SELECT CASE t.kind WHEN 'capture' THEN 'charge' ELSE 'refund' END AS kind,
        coalesce(t.reference, t.source_id) AS reference, t.currency,
        t.occurred_at, t.source_id,
        coalesce(sum(-e.amount) FILTER (WHERE e.account = 'sales'), 0)
            + coalesce(sum(e.amount) FILTER (WHERE e.account = 'refunds'), 0)
            AS amount,
        coalesce(sum(e.amount) FILTER (WHERE e.account = 'processing_fees'), 0)
            AS fee
    FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
    WHERE t.occurred_at >= :start AND t.occurred_at < :end
        AND t.kind IN ('capture', 'refund')
    GROUP BY t.id
    """
)
_SETTLEMENT = """s AS (
    INSERT INTO settlements (id, day, currency, gross, refunds, fees, net, count,
        created_at)
    VALUES (:id, :day, :currency, :gross, :refunds, :fees, :net, :count, :at)
    ON CONFLICT (day, currency) DO NOTHING
    RETURNING id)"""
_SETTLE = Statement.of(f"WITH {_SETTLEMENT}\nSELECT count(*) FROM s")  # nosec B608
_PAYOUT = ledger_ctes("EXISTS (SELECT 1 FROM s)")
_SETTLE_AND_PAY = Statement.of(
    f"WITH {_SETTLEMENT},\n{_PAYOUT}\nSELECT count(*) FROM s"  # nosec B608
)


class SqlaLedger:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def settlement_lines(
        self, day: date, currency: str | None
    ) -> list[SettlementLine]:
        start, end = day_bounds(day)
        params = {"start": start, "end": end, "currency": currency}
        async with self.database.driver() as conn:
            rows = await conn.fetch(_LINES.sql, *_LINES.args(params))
        return [
            SettlementLine(
                day,
                r["currency"],
                int(r["gross"]),
                int(r["refunds"]),
                int(r["fees"]),
                int(r["count"]),
            )
            for r in rows
        ]

    async def store_settlement(
        self,
        settlement_id: str,
        line: SettlementLine,
        payout: Posting | None,
        at: datetime,
    ) -> bool:
        """False when the day and currency were settled already."""
        params = {
            "id": settlement_id,
            "day": line.day,
            "currency": line.currency,
            "gross": line.gross,
            "refunds": line.refunds,
            "fees": line.fees,
            "net": line.net,
            "count": line.count,
            "at": at,
        }
        statement = _SETTLE
        if payout is not None:
            params |= ledger_params([payout])
            statement = _SETTLE_AND_PAY
        async with self.database.driver() as conn:
            inserted = await conn.fetchval(statement.sql, *statement.args(params))
        return bool(inserted)

    async def movements(self, start: datetime, end: datetime) -> list[Movement]:
        """Captures and refunds posted in [start, end), for reconciliation."""
        params = {"start": start, "end": end}
        async with self.database.driver() as conn:
            rows = await conn.fetch(_MOVEMENTS.sql, *_MOVEMENTS.args(params))
        return [
            Movement(
                r["kind"],
                r["reference"],
                r["currency"],
                int(r["amount"]),
                int(r["fee"]),
                r["occurred_at"],
                r["source_id"],
            )
            for r in rows
        ]
