"""SIGTERM on `till serve` under load: /readyz turns 503 at once while requests
are still served for TILL_SHUTDOWN_DRAIN_SECONDS, then the server stops
accepting (new connections are refused) and lets the requests in flight
finish. No request that was sent got a 5xx or lost its answer, every payment
answered 201 exists, and the process exits 0 within the grace period.
Once with one process, once with `--workers 2`."""

import asyncio
import os
import signal
import time
import uuid

import asyncpg
import httpx
import pytest

from tests.e2e.servers import new_user_token, running_till
from tests.e2e.shutdown_load import Outcomes, PaymentLoad

GRACE_SECONDS = 10.0
DRAIN_SECONDS = 1.0
REDIS = os.environ.get("TILL_TEST_REDIS", "redis://127.0.0.1:6379/0")


async def _stored(
    database_url: str, table: str, column: str, values: list[str]
) -> set[str]:
    url = database_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            f"SELECT {column} AS v FROM {table} WHERE {column} = ANY($1)",  # noqa: S608  # nosec B608
            values,
        )
    finally:
        await connection.close()
    return {row["v"] for row in rows}


def _stop_under_load(
    env: dict[str, str], args: list[str]
) -> tuple[Outcomes, float, int]:
    """SIGTERM 1.5 s into the load: the outcomes, the seconds the process
    took to exit and its exit code."""
    with running_till(env, args=args) as server:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            token = new_user_token(http, "shutdown")
        load = PaymentLoad(server.url, token, clients=8, seconds=GRACE_SECONDS)
        load.start()
        time.sleep(1.5)
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=GRACE_SECONDS + 5)
        took = time.monotonic() - signalled
        outcomes = load.join()
    assert outcomes.not_ready_at is not None
    assert outcomes.not_ready_at - signalled < DRAIN_SECONDS, "readiness went 503 late"
    return outcomes, took, code


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_under_load_loses_no_accepted_request(database_url, till_env, workers):
    till_env |= {
        "DATABASE_URL": database_url,
        "TILL_SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
        "TILL_SHUTDOWN_DRAIN_SECONDS": str(DRAIN_SECONDS),
        "TILL_PAYMENTS_SANDBOX_LATENCY_SECONDS": "0.2",  # requests in flight
    }
    if workers > 1:
        till_env |= {
            "REDIS_URL": REDIS,
            "TILL_REDIS_PREFIX": f"till:e2e:{uuid.uuid4().hex[:8]}:",
        }
    outcomes, took, code = _stop_under_load(till_env, ["--workers", str(workers)])

    assert code == 0
    assert took < GRACE_SECONDS + 1
    assert outcomes.created and set(outcomes.statuses) == {201}
    assert outcomes.served_while_draining > 0  # readiness 503, still serving
    assert outcomes.refused > 0  # then no longer accepting
    # A request sent and then cut off must not have been taken on by till.
    taken = asyncio.run(
        _stored(database_url, "idempotency_keys", "key", outcomes.dropped)
    )
    assert taken == set(), f"{len(taken)} accepted requests lost their answer"
    found = asyncio.run(_stored(database_url, "payments", "id", outcomes.created))
    assert found == set(outcomes.created)
