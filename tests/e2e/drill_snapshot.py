"""What the disaster-recovery drill compares between the original database
and its restored copy: every table's row count, the two projections row for
row, the ledger's balances; and raw SQL for tampering with a copy."""

import asyncio
from dataclasses import dataclass

import asyncpg

from tests.e2e.drill_rig import plain_url

_TABLES = (
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
)
_BALANCES = (
    "SELECT t.currency, e.account, sum(e.amount) AS balance FROM ledger_entries e "
    "JOIN ledger_transactions t ON t.id = e.transaction_id "
    "GROUP BY t.currency, e.account ORDER BY t.currency, e.account"
)


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    payments: list[tuple]
    orders: list[tuple]
    balances: list[tuple]


async def _snapshot(database_url: str) -> Snapshot:
    conn = await asyncpg.connect(plain_url(database_url))
    try:
        counts = {}
        for (table,) in await conn.fetch(_TABLES):
            counts[table] = await conn.fetchval(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # nosec B608
        payments = await conn.fetch("SELECT * FROM payments ORDER BY id")
        orders = await conn.fetch("SELECT * FROM orders ORDER BY id")
        balances = await conn.fetch(_BALANCES)
    finally:
        await conn.close()
    return Snapshot(
        counts,
        [tuple(r) for r in payments],
        [tuple(r) for r in orders],
        [tuple(r) for r in balances],
    )


def snapshot(database_url: str) -> Snapshot:
    return asyncio.run(_snapshot(database_url))


def execute(database_url: str, sql: str) -> list[tuple]:
    """Run statements; the rows of the last one (its RETURNING clause)."""

    async def run() -> list[tuple]:
        conn = await asyncpg.connect(plain_url(database_url))
        try:
            *before, last = [part for part in sql.split(";") if part.strip()]
            for statement in before:
                await conn.execute(statement)
            return [tuple(row) for row in await conn.fetch(last)]
        finally:
            await conn.close()

    return asyncio.run(run())
