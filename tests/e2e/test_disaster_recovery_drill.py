"""The disaster-recovery drill of docs/runbooks/disaster-recovery.md, run as a
test: a database seeded through the app is dumped as an operator would
(`pg_dump -Fc`), restored into a new database (`pg_restore`), checked with
`till audit verify`, its projections rebuilt with `till projections rebuild`,
and compared with the original. A tampered copy must fail the audit."""

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.drill_rig import Seeded, dump, restored, seed
from tests.e2e.drill_snapshot import Snapshot, execute, snapshot
from tests.e2e.migration_rig import fresh_database, till
from tests.e2e.servers import PASSWORD, running_till


@dataclass(frozen=True)
class Drill:
    dump: Path
    original: Snapshot
    seeded: Seeded
    env: dict[str, str]


@pytest.fixture(scope="module")
def drill() -> Iterator[Drill]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL")
    }
    # Checkpoints every second, so the restored copy carries some to check.
    env |= {
        "TILL_LOG_LEVEL": "warning",
        "TILL_AUDIT_CHECKPOINT_SECONDS": "1",
        "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
    }
    with fresh_database() as source, tempfile.TemporaryDirectory() as folder:
        env["DATABASE_URL"] = source
        with (
            running_till(env) as server,
            httpx.Client(base_url=server.url, timeout=15) as http,
        ):
            seeded = seed(http, env)
        path = Path(folder) / "till.dump"
        dump(source, path)
        yield Drill(path, snapshot(source), seeded, env)


def test_a_restored_dump_passes_the_audit_and_rebuilds_the_same_projections(drill):
    with restored(drill.dump) as url:
        env = drill.env | {"DATABASE_URL": url}
        assert snapshot(url) == drill.original  # the dump lost nothing
        audit = till(["audit", "verify"], env)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        assert "audit: ok (0 problems)" in audit.stdout
        # As if the read models were lost: the streams alone must bring them back.
        execute(url, "DELETE FROM payments; DELETE FROM orders")
        rebuilt = till(["projections", "rebuild"], env)
        assert rebuilt.returncode == 0, rebuilt.stderr
        payments, orders = len(drill.original.payments), len(drill.original.orders)
        assert f"rebuilt {payments} payment(s)" in rebuilt.stdout
        assert f"rebuilt {orders} order(s)" in rebuilt.stdout
        after = snapshot(url)
    original = drill.original
    assert after.payments == original.payments
    assert after.orders == original.orders
    assert after.balances == original.balances
    assert after.counts == original.counts
    assert original.counts["payment_events"] > len(original.payments) > 6
    assert original.counts["order_events"] > len(original.orders) == 4
    assert original.counts["payment_audit_checkpoints"] >= 1


def test_every_currency_in_the_restored_ledger_balances(drill):
    by_currency: dict[str, int] = {}
    for currency, _account, balance in drill.original.balances:
        by_currency[currency] = by_currency.get(currency, 0) + balance
    assert set(by_currency) == {"usd", "eur", "jpy"}
    assert set(by_currency.values()) == {0}


def test_the_app_serves_the_restored_database_with_its_data_keys(drill):
    with restored(drill.dump) as url:
        env = drill.env | {"DATABASE_URL": url}
        with (
            running_till(env) as server,
            httpx.Client(base_url=server.url, timeout=15) as http,
        ):
            login = {"email": drill.seeded.customer_email, "password": PASSWORD}
            token = http.post("/v1/auth/login", json=login).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            listed = http.get("/v1/payments?limit=100", headers=auth).json()["data"]
            # The stored card is sealed under TILL_DATA_KEYS: charging it again
            # proves the keys were restored with the database.
            body = {
                "amount": 123,
                "currency": "usd",
                "confirm": True,
                "payment_method": drill.seeded.payment_method,
            }
            key = {"Idempotency-Key": "drill-after-restore"}
            again = http.post("/v1/payments", json=body, headers=auth | key)
    # Every payment is the customer's (orders pay as the customer too).
    assert sorted(p["id"] for p in listed) == [r[0] for r in drill.original.payments]
    assert again.status_code == 201 and again.json()["status"] == "completed"


# Three edits past the append-only triggers (a superuser with direct access
# can switch triggers off, which is what this does), each on its own stream.
_TAMPER = """
SET session_replication_role = replica;
WITH edited_payment AS (
    UPDATE payment_events SET amount = amount + 1 WHERE type = 'payment.completed'
    AND stream_id = (SELECT id FROM payments WHERE status = 'refunded' LIMIT 1)
    RETURNING 'payment' AS kind, stream_id, version
), edited_order AS (
    UPDATE order_events SET data = jsonb_set(data, '{items,0,unit_amount}', '1')
    WHERE version = 1
    AND stream_id = (SELECT id FROM orders WHERE status = 'canceled' LIMIT 1)
    RETURNING 'order' AS kind, stream_id, version
), deleted AS (
    DELETE FROM payment_events WHERE type = 'payment.failed'
    RETURNING 'deleted' AS kind, stream_id, version
)
SELECT * FROM edited_payment UNION ALL SELECT * FROM edited_order
UNION ALL SELECT * FROM deleted
"""


def test_a_tampered_restored_copy_fails_the_audit_naming_each_edit(drill):
    with restored(drill.dump) as url:
        edits = {
            kind: (stream, version) for kind, stream, version in execute(url, _TAMPER)
        }
        audit = till(["audit", "verify"], drill.env | {"DATABASE_URL": url})
    assert audit.returncode == 1, audit.stdout + audit.stderr
    lines = audit.stdout.splitlines()
    payment, order = edits["payment"], edits["order"]
    deleted, version = edits["deleted"]
    assert (
        f"TAMPERED {payment[0]} v{payment[1]}: content does not match its hash" in lines
    )
    assert f"TAMPERED {order[0]} v{order[1]}: content does not match its hash" in lines
    # Deleting a stream's newest event leaves a valid chain: the checkpoint
    # that recorded the old head is what finds it.
    assert (
        f"TAMPERED {deleted} (checkpointed with {version} events): "
        f"events after v{version - 1} missing"
    ) in lines
    assert lines[-1] == "audit: FAILED (3 problems)"
