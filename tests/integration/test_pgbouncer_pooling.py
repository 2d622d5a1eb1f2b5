"""till behind a real PgBouncer (Debian's, < 1.21) in transaction mode with two
server connections: the statement caches break there, TILL_DB_PGBOUNCER
avoids them, and the whole app (sign-in, payments, orders, the scheduler on
DATABASE_SESSION_URL) runs through it."""

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tests.integration.orders.flows import create as create_order
from tests.integration.payments.flows import card, pay, user
from tests.integration.postgres_processes import pgbouncer, psql
from till.kernel.clock import SystemClock
from till.platform.database import Database
from till.platform.postgres_inbox import Inbox
from till.platform.rabbit_worker import Delivery

_MIXED = text("SELECT CAST(:n AS int) + count(*) FROM pg_class WHERE relname = :r")


@pytest.fixture(scope="module")
def bouncer() -> Iterator[int]:
    with pgbouncer(pool_size=2) as port:
        yield port


def _through(database_url: str, port: int) -> str:
    return database_url.replace("127.0.0.1:5432", f"127.0.0.1:{port}")


async def _statement_failures(database: Database, clients: int = 8) -> Counter[str]:
    """Clients reading at once through both paths (SQLAlchemy, the driver)."""
    failures: Counter[str] = Counter()

    async def client(n: int) -> None:
        for i in range(15):
            try:
                async with database.read() as conn:
                    found = await conn.scalar(_MIXED, {"n": n + i, "r": "-"})
                    assert found == n + i
                async with database.driver() as raw:
                    assert await raw.fetchval("SELECT $1::int * 2", i) == 2 * i
            except Exception as error:  # counted: the point of the test
                failures[type(error).__name__] += 1

    await asyncio.gather(*(client(n) for n in range(clients)))
    await database.close()
    return failures


async def test_statement_caches_break_transaction_pooling_and_the_setting_avoids_them(
    database_url, bouncer
):
    url = _through(database_url, bouncer)
    cached = await _statement_failures(Database(url, pool_size=8))
    assert sum(cached.values()) > 0  # prepared statements met the wrong server
    unnamed = await _statement_failures(Database(url, pool_size=8, pgbouncer=True))
    assert unnamed == Counter()


@pytest.fixture
def infra(infra, database_url, bouncer):
    return infra.model_copy(
        update={
            "database_url": _through(database_url, bouncer),
            "database_session_url": database_url,
            "till_db_pgbouncer": True,
            "till_db_pool_size": 8,
        }
    )


def _pgbouncer_clients(port: int) -> set[str]:
    """The application names of PgBouncer's clients (the last column)."""
    rows = psql(port, "SHOW CLIENTS", database="pgbouncer").splitlines()
    return {row.rsplit("|", 1)[-1] for row in rows}


async def _shopper(client) -> None:
    _, auth = await user(client)
    payment = await pay(client, auth, payment_method=await card(client, auth))
    confirmed = await client.post(
        f"/v1/payments/{payment['id']}/confirm",
        json={},
        headers=auth | {"Idempotency-Key": payment["id"]},
    )
    assert confirmed.json()["status"] == "completed", confirmed.text
    assert (await client.get(f"/v1/payments/{payment['id']}", headers=auth)).is_success
    listed = await client.get("/v1/payments?limit=5", headers=auth)
    assert [p["id"] for p in listed.json()["data"]] == [payment["id"]]
    order = await create_order(client, auth)
    assert (await client.get(f"/v1/orders/{order['id']}", headers=auth)).is_success


async def test_the_app_runs_through_pgbouncer_with_the_scheduler_on_a_session(
    client, bouncer, database_url
):
    started = time.time()
    await asyncio.gather(*(_shopper(client) for _ in range(8)))
    seen = _pgbouncer_clients(bouncer)
    assert "till" in seen  # the pool's connections are PgBouncer's clients
    assert "till-scheduler" not in seen  # the job locks' session is direct

    runs = (
        "SELECT count(*) FROM scheduler_runs WHERE job = 'webhook_deliveries' "  # noqa: S608  # nosec B608
        f"AND holder LIKE '%:{os.getpid()}' AND finished_at IS NOT NULL "
        f"AND started_at >= to_timestamp({started})"
    )

    database = database_url.rsplit("/", 1)[1]
    # The scheduler runs on this test's event loop: wait without blocking it
    # (a blocking wait froze the scheduler it waited for: flaky under load).
    deadline = time.monotonic() + 20
    while await asyncio.to_thread(psql, 5432, runs, database) == "0":
        assert time.monotonic() < deadline, "a scheduled run recorded: not in 20 s"
        await asyncio.sleep(0.2)


async def _inbox_handles_all(
    handlers: Database, claims: Database | None, seconds: float
) -> bool:
    """8 events at once, each handler reading through `handlers` while its
    claim is held: whether all were handled within `seconds`."""
    inbox = Inbox(handlers, SystemClock(), claims)

    async def reads_while_claimed(delivery: Delivery) -> None:
        await asyncio.sleep(0.01)  # let the other claims pile up
        async with handlers.read() as conn:
            await conn.execute(text("SELECT 1"))

    once = inbox.once(f"bouncer-{uuid.uuid4().hex[:8]}", reads_while_claimed)
    events = [f"evt_{uuid.uuid4().hex}" for _ in range(8)]
    try:
        await asyncio.wait_for(
            asyncio.gather(
                *(once(Delivery(e, "refund.completed", b"{}", 1)) for e in events)
            ),
            timeout=seconds,
        )
    except TimeoutError:
        return False
    return True


async def test_inbox_claims_held_on_the_pooler_starve_it_and_a_session_pool_does_not(
    database_url, bouncer
):
    """Claims hold their transaction while the handler runs; through a
    transaction-mode PgBouncer each holds one of its few server connections,
    and the handlers queue for another: a stall. Claims on the session URL
    (what the app wires with TILL_DB_PGBOUNCER) leave the pooler to the
    handlers."""
    pooled = Database(_through(database_url, bouncer), pool_size=8, pgbouncer=True)
    direct = Database(database_url, pool_size=4)
    try:
        assert not await _inbox_handles_all(pooled, None, seconds=3)
    finally:
        await pooled.close()
    pooled = Database(_through(database_url, bouncer), pool_size=8, pgbouncer=True)
    try:
        assert await _inbox_handles_all(pooled, direct, seconds=10)
    finally:
        await pooled.close()
        await direct.close()
