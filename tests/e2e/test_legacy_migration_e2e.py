"""Issue 5's "done when": the whole strangler-fig migration against the PHP
app and MariaDB, with real processes. Seed legacy → backfill → reconcile (0
differences) → roll out 0 → 10 → 50 → 100 % while customers keep creating,
reading, listing and canceling orders → dual-write caught up → reconcile (0
mismatched, 0 missing) → roll back to 0 % → legacy serves every order the
customers got, and MariaDB holds each. No request fails at any flip."""

import asyncio
import os
import time
import uuid

import httpx

from tests.e2e.migration_client import ClientLog, Customer, keep_shopping
from tests.e2e.migration_rig import (
    admin_with_mfa,
    fresh_database,
    legacy_rows,
    link_customers,
    till,
)
from tests.e2e.servers import new_user_token, running_till
from tests.integration.legacy.server import LegacyDatabase, LegacyServer
from till.migration.core.legacy_ids import legacy_id_in_order_id
from till.migration.core.legacy_status import legacy_status_for
from till.migration.core.order_routing import ROUTED_FLAGS

SEEDED = 2_000
CUSTOMERS = 8
LINKED = 3  # of them, known to legacy already (their history is backfilled)
STEPS = (10, 50, 100)
SECONDS_PER_STEP = 2.5
CARD = {
    "number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2031,
    "cvc": "123",
}  # pragma: allowlist secret
BUSIEST = (  # legacy customers with the most history: linked to till users
    "SELECT customer_id FROM orders GROUP BY customer_id "
    "ORDER BY COUNT(*) DESC, customer_id LIMIT %s"
)
REDIS_URL = os.environ.get("TILL_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _env(till_env, database_url: str, legacy: LegacyServer) -> dict[str, str]:
    return till_env | {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "TILL_REDIS_PREFIX": f"till:e2e:{uuid.uuid4().hex[:8]}:",
        "LEGACY_BASE_URL": legacy.base_url,
        "LEGACY_API_TOKEN": legacy.token,
        "LEGACY_DATABASE_URL": legacy.database.url,
        "LEGACY_TZ": legacy.database.timezone,
        "TILL_MIGRATION_DUAL_WRITE": "true",
        "FRAUD_ALLOWLIST_IPS": "127.0.0.1,::1",
        "TILL_AUTH_RATE_LIMIT_PER_MINUTE": "0",
    }


def _reconciled(env: dict[str, str]) -> str:
    done = till(["legacy", "reconcile"], env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "0 missing in new, 0 missing in legacy, 0 mismatched" in out, out
    return out


def _backfilled(env: dict[str, str]) -> str:
    done = till(["legacy", "backfill"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


async def _set_flags(http: httpx.AsyncClient, admin: dict, percentage: int) -> None:
    body = {"enabled": True, "percentage": percentage, "allowlist": []}
    for key in ROUTED_FLAGS:
        put = await http.put(f"/v1/admin/flags/{key}", json=body, headers=admin)
        assert put.status_code == 200, put.text


async def _caught_up(http: httpx.AsyncClient, admin: dict) -> dict:
    for _ in range(150):
        status = (await http.get("/v1/admin/migration/status", headers=admin)).json()
        if status["dual_write"] == {"lag_seconds": 0, "pending": 0}:
            return dict(status)
        await asyncio.sleep(0.2)
    raise AssertionError(f"the dual-write never caught up: {status}")


async def _settled(
    http: httpx.AsyncClient, customers: list[Customer], log: ClientLog
) -> None:
    """Every order paid for has turned paid (its payment's event arrived),
    so the client knows each order's last status before the dual-write is
    awaited."""
    for customer in customers:
        for order_id in customer.shipping:
            for _ in range(100):
                got = await http.get(f"/v1/orders/{order_id}", headers=customer.auth)
                assert log.record("get", got), log.failures
                customer.orders[order_id] = got.json()["status"]
                if got.json()["status"] != "pending_payment":
                    break
                await asyncio.sleep(0.1)
            if customer.orders[order_id] == "pending_payment":  # say why
                path = f"/v1/payments/{got.json()['payment_id']}"
                payment = await http.get(path, headers=customer.auth)
                raise AssertionError(f"{order_id} never paid: {payment.text}")


async def _roll_out(url: str, admin: dict, customers: list[Customer]) -> ClientLog:
    log, stop = ClientLog(), asyncio.Event()
    async with httpx.AsyncClient(base_url=url, timeout=20) as http:
        shopping = asyncio.create_task(keep_shopping(url, customers, admin, stop, log))
        await asyncio.sleep(SECONDS_PER_STEP)  # at 0 %: legacy serves everyone
        for percentage in STEPS:
            await _set_flags(http, admin, percentage)
            await asyncio.sleep(SECONDS_PER_STEP)
        stop.set()
        await shopping
        await _settled(http, customers, log)
        await _caught_up(http, admin)
    return log


def _legacy_serves_every_order(http: httpx.Client, customers: list[Customer]) -> int:
    served = 0
    for customer in customers:
        for order_id, status in customer.orders.items():
            got = http.get(f"/v1/orders/{order_id}", headers=customer.auth)
            assert got.status_code == 200, got.text
            assert got.headers["till-served-by"] == "legacy", order_id
            shown = got.json()["status"]  # legacy has no fulfilled, shipped
            assert legacy_status_for(shown) == legacy_status_for(status), order_id
            served += 1
    return served


async def _in_mariadb(database: LegacyDatabase, customers: list[Customer]) -> None:
    ids = [i for c in customers for i in c.orders]
    by_legacy = [n for i in ids if (n := legacy_id_in_order_id(i)) is not None]
    minted = [i for i in ids if legacy_id_in_order_id(i) is None]
    rows = await legacy_rows(
        database,
        "SELECT id, increment_id FROM orders WHERE deleted_at IS NULL",
    )
    assert set(by_legacy) <= {int(r[0]) for r in rows}
    assert set(minted) <= {str(r[1]) for r in rows}


def test_the_whole_migration_loses_nothing_and_fails_no_request(till_env):
    started = time.monotonic()
    database = LegacyDatabase().create()
    legacy = None
    try:
        database.seed(SEEDED)
        legacy = LegacyServer.start(database)
        with fresh_database() as database_url:
            env = _env(till_env, database_url, legacy)
            with (
                running_till(env) as server,
                httpx.Client(base_url=server.url, timeout=20) as http,
            ):
                admin = admin_with_mfa(http, env)
                customers = []
                for _ in range(CUSTOMERS):
                    token = new_user_token(http, "shopper")
                    auth = {"Authorization": f"Bearer {token}"}
                    me = http.get("/v1/auth/me", headers=auth).json()
                    card = {"type": "card", "card": CARD}
                    method = http.post("/v1/payment-methods", json=card, headers=auth)
                    assert method.status_code == 201, method.text
                    customers.append(
                        Customer(me["id"], auth, payment_method=method.json()["id"])
                    )
                known = asyncio.run(legacy_rows(database, BUSIEST, (LINKED,)))
                linked = {
                    c.user_id: int(r[0])
                    for c, r in zip(customers[:LINKED], known, strict=True)
                }
                asyncio.run(link_customers(database_url, linked))

                print(_backfilled(env))
                print(_reconciled(env))
                log = asyncio.run(_roll_out(server.url, admin, customers))
                assert log.failures == [], log.failures
                print(_backfilled(env))  # legacy-created orders of the rollout
                print(_reconciled(env))

                for key in ROUTED_FLAGS:
                    rolled_back = http.put(
                        f"/v1/admin/flags/{key}",
                        json={"enabled": True, "percentage": 0, "allowlist": []},
                        headers=admin,
                    )
                    assert rolled_back.status_code == 200, rolled_back.text
                served = _legacy_serves_every_order(http, customers)
                asyncio.run(_in_mariadb(database, customers))
            orders = sum(len(c.orders) for c in customers)
            assert served == orders > 0
            print(
                f"e2e migration: {orders} orders, {log.requests} requests "
                f"{dict(log.by_action)}, served by {dict(log.served_by)}, "
                f"{len(STEPS)} flips x {len(ROUTED_FLAGS)} flags, "
                f"{time.monotonic() - started:.1f} s"
            )
    finally:
        if legacy is not None:
            legacy.stop()
        database.drop()
