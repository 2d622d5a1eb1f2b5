"""The payments read model is a cache: rebuilding it from the event streams gives
the same rows, and an older state never overwrites a newer one."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from till.kernel.ids import new_id
from till.kernel.money import Money, currency
from till.payments.core.models import create_payment
from till.payments.shell.adapters.postgres_payment_projection import (
    SqlaPaymentProjection,
    rebuild_payment_projection,
)
from till.payments.shell.adapters.postgres_payment_transactions import (
    SqlaPaymentTransactions,
)
from till.platform.database import Database
from till.platform.settings import async_database_url

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


async def _record(engine, steps, capture="automatic"):
    """Run the steps, storing events and projection in one transaction each."""
    payment, events = create_payment(
        new_id("pay"),
        Money(2500, currency("jpy")),
        "usr_1",
        capture,
        T0,
        {"o": "1"},
        payment_method="pm_1",
    )
    database = Database(async_database_url(str(engine.url)), pool_size=1)
    try:
        # the command write path: events, projection row and hash in one statement
        await SqlaPaymentTransactions(database).record(0, payment, events)
        for i, step in enumerate(steps, start=1):
            before = payment.version
            payment, events = step(payment, T0 + timedelta(seconds=i))
            await SqlaPaymentTransactions(database).record(before, payment, events)
    finally:
        await database.close()
    return payment


async def _rows(engine, ids):
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT * FROM payments WHERE id = ANY(:ids) ORDER BY id"),
            {"ids": ids},
        )
        return [tuple(row) for row in result]


async def test_rebuilding_gives_the_same_rows(engine):
    payments = [
        await _record(engine, []),
        await _record(engine, [lambda p, t: p.confirm(t), lambda p, t: p.authorize(t)]),
        await _record(
            engine,
            [
                lambda p, t: p.confirm(t),
                lambda p, t: p.authorize(t),
                lambda p, t: p.capture(t, amount=2000),
                lambda p, t: p.refund(t, amount=500, refund_id="re_1"),
                lambda p, t: p.complete_refund("re_1", t),
            ],
            capture="manual",
        ),
        await _record(
            engine,
            [lambda p, t: p.confirm(t), lambda p, t: p.decline("card_declined", t)],
        ),
    ]
    ids = [p.id for p in payments]
    before = await _rows(engine, ids)
    async with engine.begin() as conn:
        assert await rebuild_payment_projection(conn) >= len(ids)
    assert await _rows(engine, ids) == before and len(before) == 4


async def test_an_older_state_never_overwrites_a_newer_one(engine):
    payment = await _record(engine, [lambda p, t: p.confirm(t)])
    stale, _ = create_payment(
        payment.id, payment.amount, "usr_1", "automatic", T0
    )  # version 1, status pending
    async with engine.begin() as conn:
        await SqlaPaymentProjection(conn).save(stale)
    async with engine.connect() as conn:
        stored = await SqlaPaymentProjection(conn).get(payment.id)
    assert stored == payment and stored.status.value == "processing"
