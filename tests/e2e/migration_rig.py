"""Parts of the legacy migration's end-to-end test: a PostgreSQL database of
its own (the run's shared one holds other tests' orders and flags, which a
whole-store reconciliation would count), `till` CLI calls, an admin who has
stepped up with TOTP, and MariaDB read directly."""

import asyncio
import os
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import aiomysql
import asyncpg
import httpx

from tests.e2e.conftest import TILL
from tests.e2e.servers import PASSWORD
from tests.integration.legacy.server import LegacyDatabase
from till.identity.core.totp import time_step, totp_code
from till.kernel.clock import SystemClock

PG_ADMIN_URL = os.environ.get("TILL_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


async def _admin_sql(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def fresh_database() -> Iterator[str]:
    """DATABASE_URL of a new, empty database (`till serve` migrates it),
    dropped on exit."""
    name = f"till_e2e_mig_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_sql(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
    finally:
        asyncio.run(_admin_sql(f'DROP DATABASE "{name}" WITH (FORCE)'))


def till(
    args: Sequence[str], env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TILL, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def _code(secret: str, offset: int = 0) -> str:
    return totp_code(secret, time_step(SystemClock().now()) + offset)


def admin_with_mfa(http: httpx.Client, env: dict[str, str]) -> dict[str, str]:
    """`till user create --admin`, then TOTP enrolment and a step-up over
    HTTP (as bench/run_webhooks.sh does): the admin's auth header."""
    return stepped_up_admin(http, new_admin(env))


def new_admin(env: dict[str, str]) -> str:
    """`till user create --admin` (needs only the database): its email."""
    email = f"mig-admin-{uuid.uuid4().hex[:8]}@example.com"
    made = till(["user", "create", "--email", email, "--admin"], env, PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    return email


def stepped_up_admin(http: httpx.Client, email: str) -> dict[str, str]:
    """The admin logs in, enrols TOTP and steps up: its auth header."""
    login = http.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    enrol = http.post("/v1/auth/mfa/totp", headers=auth)
    assert enrol.status_code == 201, enrol.text
    secret = enrol.json()["secret"]
    verified = http.post(
        "/v1/auth/mfa/totp/verify", json={"code": _code(secret, -1)}, headers=auth
    )
    assert verified.status_code == 200, verified.text
    stepped = http.post(
        "/v1/auth/mfa/challenge", json={"code": _code(secret)}, headers=auth
    )
    assert stepped.status_code == 200, stepped.text
    return {"Authorization": f"Bearer {stepped.json()['access_token']}"}


async def link_customers(database_url: str, pairs: dict[str, int]) -> None:
    """Till users ↔ legacy customer ids in the customer map, as an operator
    loads them before the backfill (`legacy_customers`, migration 0021)."""
    conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        await conn.executemany(
            "INSERT INTO legacy_customers (customer_id, legacy_customer_id) "
            "VALUES ($1, $2)",
            list(pairs.items()),
        )
    finally:
        await conn.close()


async def legacy_rows(
    database: LegacyDatabase, sql: str, args: Sequence[object] = ()
) -> list[tuple]:
    conn = await aiomysql.connect(
        host=database.host, port=database.port, user="root", db=database.name
    )
    try:
        async with conn.cursor() as cursor:
            await cursor.execute(sql, args)
            return list(await cursor.fetchall())
    finally:
        conn.close()
