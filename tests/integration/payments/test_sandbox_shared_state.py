"""The sandbox processor is one service for every till process: two sandboxes
on the same PostgreSQL (as two API processes, or an API process and the
scheduler's janitor) share charges and idempotency answers. Before, each kept
its own in memory, and a retry of a timed-out charge through the other
process charged a second time (found by tests/e2e/test_scale_out_processes.py)."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from tests.fakes.clock import FixedClock
from till.kernel.money import Money, currency
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayRejected,
    Outcome,
)
from till.payments.shell.adapters.postgres_sandbox_state import PostgresSandboxState
from till.payments.shell.adapters.sandbox_gateway import (
    TIMEOUT_AFTER_PROCESSING_CARD,
    SandboxGateway,
)
from till.platform.database import Database

VISA = "4242424242424242"  # pragma: allowlist secret
USD = currency("usd")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def two(database_url, clock) -> AsyncIterator[tuple[SandboxGateway, ...]]:
    """Two sandboxes, each with its own pool, as in two processes."""
    databases = [Database(database_url, pool_size=2) for _ in range(2)]
    try:
        yield tuple(
            SandboxGateway(clock, state=PostgresSandboxState(db), bank_transfer_delay=5)
            for db in databases
        )
    finally:
        for db in databases:
            await db.close()


def _charge(
    secret: str = VISA, amount: int = 1000, method: str = "card"
) -> ChargeRequest:
    payment = f"pay_{uuid.uuid4().hex}"
    return ChargeRequest(
        payment, Money(amount, USD), method, secret, 12, 2031, True,
        f"{payment}:authorize",
    )  # fmt: skip


async def _charges(gateway: SandboxGateway, payment_id: str) -> int:
    async with gateway.state.database.driver() as conn:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM sandbox_charges WHERE payment_id = $1", payment_id
            )
        )


async def test_a_charge_retried_through_another_process_is_not_charged_again(two):
    first, other = two
    request = _charge(TIMEOUT_AFTER_PROCESSING_CARD)
    with pytest.raises(GatewayOutcomeUnknown):  # charged, then no answer
        await first.authorize(request)
    retried = await other.authorize(request)  # the same key, elsewhere
    assert retried.outcome is Outcome.SUCCEEDED
    assert await _charges(first, request.payment_id) == 1
    assert [m.kind for m in other.book.movements] == []  # moved once, by first
    assert [m.reference for m in first.book.movements] == [retried.reference]


async def test_a_charge_made_in_one_process_is_refunded_through_another(two):
    first, other = two
    charged = await first.authorize(_charge(amount=1000))
    reference = charged.reference
    refund = await other.refund(reference, Money(600, USD), f"re_{uuid.uuid4().hex}")
    assert refund.outcome is Outcome.SUCCEEDED
    with pytest.raises(GatewayRejected):  # 400 left, wherever it is asked
        await first.refund(reference, Money(401, USD), f"re_{uuid.uuid4().hex}")
    assert (await first.lookup(reference)).outcome is Outcome.SUCCEEDED


async def test_one_key_sent_to_two_processes_at_once_moves_money_once(two):
    first, other = two
    reference = (await first.authorize(_charge(amount=1000))).reference
    key = f"re_{uuid.uuid4().hex}"
    answers = await asyncio.gather(
        first.refund(reference, Money(1000, USD), key),
        other.refund(reference, Money(1000, USD), key),
    )
    assert answers[0] == answers[1]
    refunds = [m for g in two for m in g.book.movements if m.kind == "refund"]
    assert len(refunds) == 1


async def test_two_full_refunds_through_two_processes_at_once_one_is_refused(two):
    first, other = two
    reference = (await first.authorize(_charge(amount=1000))).reference
    answers = await asyncio.gather(
        first.refund(reference, Money(1000, USD), f"re_{uuid.uuid4().hex}"),
        other.refund(reference, Money(1000, USD), f"re_{uuid.uuid4().hex}"),
        return_exceptions=True,
    )
    assert sorted(type(a).__name__ for a in answers) == [
        "GatewayRejected",
        "GatewayResult",
    ]


async def test_a_key_reused_with_other_parameters_elsewhere_is_refused(two):
    first, other = two
    request = _charge(amount=1000)
    await first.authorize(request)
    with pytest.raises(GatewayRejected):
        await other.authorize(replace(request, amount=Money(999, USD)))


async def test_a_bank_transfer_settles_once_whichever_process_looks(two, clock):
    first, other = two
    transfer = _charge("DE89370400440532013000", method="bank_transfer")
    reference = (await first.authorize(transfer)).reference
    assert (await other.lookup(reference)).outcome is Outcome.PENDING
    clock.advance(5)
    looked = await asyncio.gather(other.lookup(reference), first.lookup(reference))
    assert {r.outcome for r in looked} == {Outcome.SUCCEEDED}
    settled = [m for g in two for m in g.book.movements if m.reference == reference]
    assert len(settled) == 1
