"""The payment event store on the real PostgreSQL: streams replay to the live
state, concurrent appends conflict, rows cannot be changed, tampering is found."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from till.kernel.ids import new_id
from till.kernel.money import Money, currency
from till.payments.core.errors import StreamConflict
from till.payments.core.models import create_payment, replay
from till.payments.shell.adapters.postgres_event_store import (
    SqlaPaymentEventStore,
    verify_audit_chain,
)

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


async def _stored_payment(engine):
    payment, events = create_payment(
        new_id("pay"),
        Money(1000, currency("eur")),
        "usr_1",
        "automatic",
        T0,
        payment_method="pm_1",
    )
    payment, more = payment.confirm(T0)
    events += more
    payment, more = payment.authorize(T0)
    events += more
    async with engine.begin() as conn:
        await SqlaPaymentEventStore(conn).append(payment.id, 0, events)
    return payment


async def test_a_stored_stream_replays_to_the_live_payment(engine):
    payment = await _stored_payment(engine)
    async with engine.connect() as conn:
        events = await SqlaPaymentEventStore(conn).load(payment.id)
    assert replay(events) == payment and len(events) == 3


async def test_two_appends_after_the_same_version_one_conflicts(engine):
    payment = await _stored_payment(engine)
    refund_a, events_a = payment.refund(T0, amount=100)
    refund_b, events_b = payment.refund(T0, amount=200)

    async def append(events):
        async with engine.begin() as conn:
            await SqlaPaymentEventStore(conn).append(
                payment.id, payment.version, events
            )

    results = await asyncio.gather(
        append(events_a), append(events_b), return_exceptions=True
    )
    assert sum(isinstance(r, StreamConflict) for r in results) == 1
    async with engine.connect() as conn:
        stored = replay(await SqlaPaymentEventStore(conn).load(payment.id))
    assert stored in (refund_a, refund_b)  # exactly one refund, never both


async def test_recorded_events_cannot_be_updated_or_deleted(engine):
    payment = await _stored_payment(engine)
    for statement in (
        "UPDATE payment_events SET amount = 1 WHERE stream_id = :s",
        "DELETE FROM payment_events WHERE stream_id = :s",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text(statement), {"s": payment.id})


async def test_an_edit_made_past_the_trigger_is_found_by_the_audit(engine):
    payment = await _stored_payment(engine)
    async with engine.connect() as conn:
        transaction = await conn.begin()
        assert await verify_audit_chain(conn) == []
        # a superuser can switch triggers off for the session: the chain catches it
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(
            text(
                "UPDATE payment_events SET amount = 1 "
                "WHERE stream_id = :s AND version = 3"
            ),
            {"s": payment.id},
        )
        problems = await verify_audit_chain(conn)
        await transaction.rollback()  # leave the shared test database clean
    assert problems == [f"{payment.id} v3: content does not match its hash"]
