"""Audit retention and checkpoints on the real PostgreSQL: retention deletes
an expired stream through the one path the append-only trigger allows and
leaves a tombstone, so `till audit verify` stays quiet; a stream deleted
behind the system's back (triggers off) is reported. Each test runs in a
transaction it rolls back, so the shared database is left as it was."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from till.kernel.ids import new_id
from till.kernel.money import Money, currency
from till.payments.core.models import create_payment
from till.payments.shell.adapters.postgres_audit_checkpoints import (
    checkpoint_in,
    verify_checkpoints,
)
from till.payments.shell.adapters.postgres_audit_retention import expire_streams_in
from till.payments.shell.adapters.postgres_event_store import SqlaPaymentEventStore

LONG_AGO = datetime(2010, 3, 1, tzinfo=UTC)
NOW = datetime(2018, 1, 1, tzinfo=UTC)  # more than 7 years later
KEPT = timedelta(days=2557)
_PROJECTION = text(
    "INSERT INTO payments (id, amount, currency, status, capture_method, "
    "amount_capturable, amount_received, amount_refunded, metadata, created_at, "
    "updated_at, version) VALUES (:id, 1000, 'EUR', 'completed', 'automatic', 0, "
    "1000, 0, '{}', :at, :at, 3)"
)


async def _old_payment(conn) -> str:
    payment, events = create_payment(
        new_id("pay"),
        Money(1000, currency("eur")),
        "usr_1",
        "automatic",
        LONG_AGO,
        payment_method="pm_1",
    )
    payment, more = payment.confirm(LONG_AGO)
    events += more
    payment, more = payment.authorize(LONG_AGO)
    await SqlaPaymentEventStore(conn).append(payment.id, 0, events + more)
    await conn.execute(_PROJECTION, {"id": payment.id, "at": LONG_AGO})
    return payment.id


async def _count(conn, sql: str, payment_id: str) -> int:
    return int(await conn.scalar(text(sql), {"s": payment_id}))


async def test_retention_deletes_through_the_sanctioned_path_only(engine):
    async with engine.connect() as conn:
        transaction = await conn.begin()
        payment_id = await _old_payment(conn)
        assert await checkpoint_in(conn, NOW) >= 1
        # the retention setting alone does not open the trigger: a tombstone must
        with pytest.raises(DBAPIError, match="append-only"):
            async with conn.begin_nested():
                await conn.execute(
                    text("SELECT set_config('till.audit_retention', 'on', true)")
                )
                await conn.execute(
                    text("DELETE FROM payment_events WHERE stream_id = :s"),
                    {"s": payment_id},
                )
        deleted = await expire_streams_in(conn, NOW, KEPT, limit=10_000)
        problems = await verify_checkpoints(conn, KEPT)
        events = await _count(
            conn, "SELECT count(*) FROM payment_events WHERE stream_id = :s", payment_id
        )
        projection = await _count(
            conn, "SELECT count(*) FROM payments WHERE id = :s", payment_id
        )
        tombstone = (
            await conn.execute(
                text(
                    "SELECT events, status FROM payment_stream_tombstones "
                    "WHERE stream_id = :s"
                ),
                {"s": payment_id},
            )
        ).one()
        await transaction.rollback()
    assert payment_id in deleted and (events, projection) == (0, 0)
    assert (tombstone.events, tombstone.status) == (3, "completed")
    assert [p for p in problems if payment_id in p] == []


async def test_a_stream_deleted_behind_the_systems_back_is_reported(engine):
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await checkpoint_in(conn, NOW)
        payment_id = await _old_payment(conn)
        # the second checkpoint records only what grew since the first
        assert await checkpoint_in(conn, NOW) == 1
        # a superuser can switch the triggers off: the checkpoint still knows
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(
            text("DELETE FROM payment_events WHERE stream_id = :s"), {"s": payment_id}
        )
        problems = await verify_checkpoints(conn, KEPT)
        await transaction.rollback()
    assert (
        f"{payment_id} (checkpointed with 3 events): stream missing, "
        "no retention record"
    ) in problems
