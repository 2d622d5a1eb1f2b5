"""Backfill and reconciliation for real: `till legacy backfill` killed with
SIGKILL mid-run and run again imports every legacy order exactly once; then
`reconcile` finds 0 mismatches and stores its summary."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiomysql  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from tests.integration.legacy.server import LegacyDatabase
from till.app.legacy_tools import reconcile_legacy
from till.migration.shell.adapters.mysql_url import mysql_connect_args

TILL = str(Path(sys.executable).with_name("till"))
FIRST_ID = 3_000_000  # far from the legacy ids other tests import
SEEDED = 1_500


@pytest.fixture
def shop() -> Iterator[LegacyDatabase]:
    database = LegacyDatabase().create()
    yield database
    database.drop()


async def _sql(database: LegacyDatabase, sql: str, *params: object) -> int:
    conn = await aiomysql.connect(**mysql_connect_args(database.url), autocommit=True)
    try:
        async with conn.cursor() as cursor:
            await cursor.execute(sql, params)
            row = await cursor.fetchone()
    finally:
        conn.close()
    return int(row[0]) if row else 0


async def _placeholder(database: LegacyDatabase) -> None:
    """A soft-deleted row at FIRST_ID: the seed appends after it."""
    await _sql(
        database,
        "INSERT INTO orders (id, increment_id, customer_id, status, currency_code, "
        "sub_total, grand_total, created_at, updated_at, deleted_at) VALUES "
        "(%s, %s, 1, 'canceled', 'EUR', 0, 0, '2025-01-02 03:04:05', "
        "'2025-01-02 03:04:05', '2025-01-03 00:00:00')",
        FIRST_ID,
        str(100_000_000 + FIRST_ID),
    )


async def _placeholder_count(database: LegacyDatabase) -> int:
    return await _sql(
        database, "SELECT COUNT(*) FROM orders WHERE deleted_at IS NOT NULL"
    )


def _backfill(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [TILL, "legacy", "backfill", "--batch-size", "50", "--concurrency", "4"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def _checkpoint(database) -> int:  # type: ignore[no-untyped-def]
    async with database.read() as conn:
        found = await conn.scalar(
            text("SELECT last_legacy_id FROM legacy_backfill_checkpoints")
        )
    return int(found or 0)


async def test_a_killed_backfill_resumes_and_reconciles_to_zero_mismatches(
    client, database_url, shop: LegacyDatabase, monkeypatch: pytest.MonkeyPatch
):
    await _placeholder(shop)
    shop.seed(SEEDED, seed=5)
    deleted = await _placeholder_count(shop)
    env = {**os.environ, "DATABASE_URL": database_url, "LEGACY_DATABASE_URL": shop.url}
    database = client.app.state.outbox_relay.database

    first = _backfill(env)
    while (done := await _checkpoint(database)) < FIRST_ID + 150:
        assert first.poll() is None, first.stdout.read() if first.stdout else ""
        await asyncio.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert done < FIRST_ID + SEEDED  # killed mid-run

    second = _backfill(env)
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output
    assert "orders/s" in output and f"legacy ids {done + 1}" in output

    async with database.read() as conn:
        imported = (
            await conn.execute(
                text(
                    "SELECT count(*) AS orders, count(DISTINCT legacy_id) AS ids, "
                    "(SELECT count(*) FROM order_events e JOIN orders o "
                    " ON o.id = e.stream_id WHERE e.type = 'order.created' "
                    " AND o.legacy_id > :first) AS created "
                    "FROM orders WHERE legacy_id > :first"
                ),
                {"first": FIRST_ID},
            )
        ).one()
    live = SEEDED + 1 - deleted
    assert (imported.orders, imported.ids, imported.created) == (live, live, live)

    monkeypatch.setenv("LEGACY_DATABASE_URL", shop.url)
    summary = await reconcile_legacy(database_url, repair=None, page=400)
    assert (summary.mismatched, summary.missing_new) == (0, 0), summary.samples
    assert (summary.matched, summary.deleted_in_legacy) == (live, deleted)
    latest = await client.app.state.legacy_reconciliations.latest()
    assert latest["matched"] == live and latest["mismatched"] == 0
    assert latest["orders_per_second"] > 0
