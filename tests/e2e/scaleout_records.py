"""What the scale-out test reads from the database, straight with asyncpg:
the outbox, the webhook deliveries, the payments and the money the sandbox
processor and the ledger recorded, and the scheduler's runs."""

import asyncio
from dataclasses import dataclass
from typing import Any

import asyncpg


def _plain(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://")


async def _fetch(database_url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(_plain(database_url))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def fetch(database_url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    return asyncio.run(_fetch(database_url, sql, *args))


@dataclass
class Progress:
    events: dict[str, str]  # every outbox row's event id -> type
    unpublished: int
    deliveries: dict[str, int]  # webhook_deliveries by status


async def _progress(database_url: str) -> Progress:
    conn = await asyncpg.connect(_plain(database_url))
    try:
        rows = await conn.fetch("SELECT event_id, type, published_at FROM outbox")
        statuses = await conn.fetch(
            "SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status"
        )
    finally:
        await conn.close()
    return Progress(
        {r["event_id"]: r["type"] for r in rows},
        sum(r["published_at"] is None for r in rows),
        {r["status"]: r["n"] for r in statuses},
    )


def progress(database_url: str) -> Progress:
    return asyncio.run(_progress(database_url))


PAYMENTS = (
    "SELECT id, status, amount_received, amount_refunded, gateway_reference, "
    "metadata->>'same_key' AS same_key FROM payments"
)
SANDBOX_MONEY = "SELECT kind, reference, amount FROM sandbox_transactions"
LEDGER = (
    "SELECT kind, source_id, reference FROM ledger_transactions "
    "WHERE kind IN ('capture', 'refund')"
)
SCHEDULER_RUNS = (
    "SELECT job, slot, holder, started_at, finished_at, count, error "
    "FROM scheduler_runs ORDER BY job, started_at"
)
