"""Settling a day: once per currency, with its payout; the report's rules."""

from datetime import UTC, date, datetime

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.ledger import FakeLedger
from tests.unit.orchestrators.payment_rig import SHOP, Rig, scope
from till.kernel.errors import Forbidden, ValidationFailed
from till.kernel.money import Money, currency
from till.payments.core.access import Caller
from till.payments.core.ledger import Account, Kind, balances, postings_for
from till.payments.core.models import create_payment
from till.payments.shell.orchestrators.settlements import Settlements

DAY = date(2026, 1, 15)
NOON = datetime(2026, 1, 15, 12, tzinfo=UTC)
ADMIN = Caller("user", "usr_root", admin=True)


def _ledger_with_a_sale(amount=1000, fee=59, code="usd"):
    payment, _ = create_payment(
        "pay_1", Money(amount, currency(code)), None, "automatic", NOON
    )
    processing, _ = payment.confirm(NOON, "pm_1")
    paid, events = processing.authorize(NOON, "ch_1", fee)
    return FakeLedger(postings_for(paid, processing.version, events))


async def test_settling_a_day_twice_pays_out_once():
    ledger = _ledger_with_a_sale()
    settlements = Settlements(ledger, FixedClock(datetime(2026, 1, 16, 1, tzinfo=UTC)))
    assert await settlements.generate(DAY) == 1
    assert await settlements.generate(DAY) == 0
    payouts = [p for p in ledger.postings if p.kind is Kind.PAYOUT]
    assert len(payouts) == 1
    totals = balances(ledger.postings)
    assert totals[("usd", Account.BANK)] == 941
    assert totals[("usd", Account.PROCESSOR_BALANCE)] == 0


async def test_a_day_not_over_is_not_settled():
    settlements = Settlements(_ledger_with_a_sale(), FixedClock(NOON))
    with pytest.raises(ValidationFailed):
        await settlements.generate(DAY)


async def test_a_day_whose_fees_ate_the_sales_settles_without_a_payout():
    ledger = _ledger_with_a_sale(amount=30, fee=30)
    settlements = Settlements(ledger, FixedClock(datetime(2026, 1, 17, tzinfo=UTC)))
    assert await settlements.generate(DAY) == 1  # the line is stored, net 0
    assert [p.kind for p in ledger.postings] == [Kind.CAPTURE]


async def test_the_report_checks_the_caller_then_reads_the_day():
    settlements = Settlements(_ledger_with_a_sale(), FixedClock(NOON))
    (line,) = await settlements.report(ADMIN, "2026-01-15", None)
    assert (line.gross, line.fees, line.net, line.count) == (1000, 59, 941, 1)
    with pytest.raises(Forbidden):
        await settlements.report(SHOP, "2026-01-15", None)  # no reports:read


async def test_commands_record_the_processors_fee_or_the_schedule():
    rig = Rig()
    method = await rig.card()
    paid = await rig.pay(payment_method=method, confirm=True)
    (completed,) = [
        e for e in rig.store.streams[paid.result.id] if e.type == "payment.completed"
    ]
    assert completed.data["fee"] == 59  # the sandbox says its fee: 2.9 % + 30
    held = await rig.pay(payment_method=method, confirm=True, capture_method="manual")
    await rig.commands.capture_payment(SHOP, held.result.id, 400, scope())
    (captured,) = [
        e for e in rig.store.streams[held.result.id] if e.type == "payment.completed"
    ]
    assert (captured.amount, captured.data["fee"]) == (400, 42)
