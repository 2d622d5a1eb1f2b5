"""Payments made through the API leave matching, balanced ledger rows; the
settlement report reads them (JSON and CSV); settling a day posts its payout
once; the database itself refuses unbalanced or rewritten postings."""

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import text

from tests.fakes.clock import FixedClock
from tests.integration.identity.flows import assert_problem
from tests.integration.payments.flows import admin as flows_admin
from tests.integration.payments.flows import card, pay, post, service, user
from till.payments.shell.adapters.postgres_ledger import SqlaLedger
from till.payments.shell.orchestrators.settlements import Settlements

SUMS = """
    SELECT e.account, sum(e.amount) AS total
    FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
    WHERE t.currency = :c GROUP BY e.account
"""
UNBALANCED = """
    SELECT t.id FROM ledger_transactions t JOIN ledger_entries e
        ON e.transaction_id = t.id GROUP BY t.id HAVING sum(e.amount) <> 0
"""


async def _query(database, sql, **params):
    async with database.read() as conn:
        return (await conn.execute(text(sql), params)).all()


async def test_api_payments_post_to_the_ledger_and_the_settlement_report(client):
    today = datetime.now(UTC).date()
    staff = await service(
        client, ["payments:read", "payments:write", "refunds:write", "reports:read"]
    )
    _, auth = await user(client)
    paid = await pay(
        client, auth, amount=1000, currency="nok", confirm=True,
        payment_method=await card(client, auth),
    )  # fmt: skip
    held = await pay(
        client, auth, amount=2000, currency="nok", confirm=True,
        capture_method="manual", payment_method=await card(client, auth),
    )  # fmt: skip
    captured = await post(
        client, f"/v1/payments/{held['id']}/capture", staff, amount=1500
    )
    refunded = await post(
        client, f"/v1/payments/{paid['id']}/refunds", staff, amount=300
    )
    assert (captured.status_code, refunded.status_code) == (200, 201)

    database = client.app.state.settlements.ledger.database
    sums = dict(await _query(database, SUMS, c="nok"))
    # fees: 1000 → 29 + 30; 1500 → 43.5 → 44, + 30
    assert sums == {
        "sales": -2500,
        "processing_fees": 59 + 74,
        "refunds": 300,
        "processor_balance": 2500 - 133 - 300,
    }
    assert await _query(database, UNBALANCED) == []

    path = f"/v1/reports/settlements?date={today}&currency=NOK"
    report = await client.get(path, headers=staff)
    assert report.status_code == 200, report.text
    assert report.json()["data"] == [
        {
            "object": "settlement",
            "date": str(today),
            "currency": "nok",
            "gross": 2500,
            "refunds": 300,
            "fees": 133,
            "net": 2067,
            "count": 2,
        }
    ]
    as_csv = await client.get(path, headers=staff | {"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines() == [
        "date,currency,gross,refunds,fees,net,count",
        f"{today},nok,2500,300,133,2067,2",
    ]
    bad_day = await client.get("/v1/reports/settlements?date=2026-13-01", headers=staff)
    assert_problem(bad_day, 422, "validation_error")
    bad_code = await client.get(f"{path[:-3]}xyz", headers=staff)
    assert_problem(bad_code, 422, "validation_error")
    assert_problem(await client.get(path, headers=auth), 403, "forbidden")
    no_scope = await service(client, ["payments:read"])
    assert_problem(await client.get(path, headers=no_scope), 403, "forbidden")

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    settling = Settlements(SqlaLedger(database), FixedClock(tomorrow))
    assert await settling.generate(today) >= 1
    assert await settling.generate(today) == 0  # once per day and currency
    after = dict(await _query(database, SUMS, c="nok"))
    assert after["bank"] == 2067 and after["processor_balance"] == 0


async def test_the_database_refuses_unbalanced_repeated_or_rewritten_postings(
    client,
):
    _, auth = await user(client)
    paid = await pay(
        client, auth, amount=500, currency="sek", confirm=True,
        payment_method=await card(client, auth),
    )  # fmt: skip
    database = client.app.state.settlements.ledger.database
    ((tx_id, version),) = await _query(
        database,
        "SELECT id, source_version FROM ledger_transactions WHERE source_id = :p",
        p=paid["id"],
    )
    async with database.driver() as conn:
        await conn.execute(
            "INSERT INTO ledger_transactions (id, kind, currency, occurred_at, "
            "source_id, source_version) VALUES ('ltx_x', 'capture', 'sek', now(), "
            "'pay_x', 1)"
        )
        with pytest.raises(asyncpg.CheckViolationError, match="does not balance"):
            await conn.execute(
                "INSERT INTO ledger_entries VALUES ('ltx_x', 0, 'sales', -5), "
                "('ltx_x', 1, 'processor_balance', 4)"
            )
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(
                "INSERT INTO ledger_transactions (id, kind, currency, occurred_at, "
                "source_id, source_version) VALUES ('ltx_y', 'capture', 'sek', "
                "now(), $1, $2)",
                paid["id"],
                version,
            )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(
                "UPDATE ledger_entries SET amount = 1 WHERE transaction_id = $1", tx_id
            )


async def test_reconciliation_matches_the_api_payments_and_reports_differences(
    client,
):
    staff = await service(client, ["payments:write", "refunds:write"])
    _, auth = await user(client)
    paid = await pay(
        client, auth, amount=1200, currency="chf", confirm=True,
        payment_method=await card(client, auth),
    )  # fmt: skip
    refund = await post(client, f"/v1/payments/{paid['id']}/refunds", staff, amount=200)
    other = await pay(
        client, auth, amount=800, currency="chf", confirm=True,
        payment_method=await card(client, auth),
    )  # fmt: skip
    sandbox = client.app.state.payment_commands.moves.routes.processors["sandbox"]
    book = sandbox.gateway.book
    await book.flush()
    references = {}
    async with book.database.driver() as conn:
        for payment in (paid, other):
            references[payment["id"]] = await conn.fetchval(
                "SELECT gateway_reference FROM payments WHERE id = $1", payment["id"]
            )
        # the processor's book says it kept one more on the second payment,
        # and holds a charge the ledger never heard of
        await conn.execute(
            "UPDATE sandbox_transactions SET fee = fee + 1 WHERE reference = $1",
            references[other["id"]],
        )
        await conn.execute(
            "INSERT INTO sandbox_transactions VALUES ('charge:sbx_ch_ghost', "
            "'charge', 'sbx_ch_ghost', 500, 'chf', 45, now())"
        )
    admin = await flows_admin(client)
    answer = await client.post(
        "/v1/reports/reconciliations",
        json={"date": str(datetime.now(UTC).date())},
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert report["id"].startswith("rpt_")
    assert refund.status_code == 201
    assert references[paid["id"]] in report["matched"]
    unmatched = report["missing_at_processor"] + report["mismatched"]
    assert paid["id"] not in [m["payment_id"] for m in unmatched]  # its refund too
    (mismatch,) = [
        m for m in report["mismatched"] if m["reference"] == references[other["id"]]
    ]
    assert mismatch["payment_id"] == other["id"]
    assert mismatch["differences"] == {"fee": {"ledger": 53, "processor": 54}}
    assert "sbx_ch_ghost" in [m["reference"] for m in report["missing_in_ledger"]]

    again = await client.get(
        f"/v1/reports/reconciliations/{report['id']}", headers=admin
    )
    assert again.status_code == 200 and again.json()["counts"] == report["counts"]
    assert_problem(
        await client.post(
            "/v1/reports/reconciliations", json={"date": "2026-02-30"}, headers=admin
        ),
        422,
        "validation_error",
    )
    assert_problem(
        await client.post("/v1/reports/reconciliations", json={}, headers=staff),
        403,
        "forbidden",
    )
    missing = await client.get("/v1/reports/reconciliations/rpt_nope", headers=admin)
    assert_problem(missing, 404, "not_found")
