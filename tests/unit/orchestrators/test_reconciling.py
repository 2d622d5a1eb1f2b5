"""Reconciling the ledger of commands run through the sandbox against the
sandbox's own book; differences count on the metric an alert watches."""

from datetime import date

import pytest
from prometheus_client import REGISTRY

from tests.fakes.ledger import FakeLedger, FakeReports
from tests.unit.orchestrators.payment_rig import SHOP, Rig, scope
from till.kernel.errors import Forbidden, NotFound
from till.payments.core.access import Caller
from till.payments.core.commands import RefundRequest
from till.payments.core.gateway import Movement
from till.payments.core.ledger import postings_for
from till.payments.core.models import replay
from till.payments.core.refunds import RefundStatus
from till.payments.shell.orchestrators.reconciliations import Reconciliations

ADMIN = Caller("user", "usr_root", admin=True)
REFUNDER = Caller("service", "key_2", scopes=frozenset({"refunds:write"}))
DAY = date(2026, 1, 15)  # the rig's clock


def _differences(kind):
    found = REGISTRY.get_sample_value(
        "till_reconciliation_differences_total", {"kind": kind}
    )
    return found or 0


async def _paid_and_refunded(rig):
    method = await rig.card()
    paid = await rig.pay(payment_method=method, confirm=True)
    refund = RefundRequest(300)
    await rig.commands.refund_payment(REFUNDER, paid.result.id, refund, scope("re_1"))
    return paid.result.id


def _ledger_of(rig):
    postings = []
    for stream in rig.store.streams.values():
        postings += postings_for(replay(stream), 0, stream)
    return FakeLedger(postings)


async def test_what_the_commands_did_matches_the_sandboxs_book():
    rig = Rig()
    payment_id = await _paid_and_refunded(rig)
    assert rig.store.payments[payment_id].refunds[0].status is RefundStatus.SUCCEEDED
    reports = FakeReports()
    recon = Reconciliations(
        _ledger_of(rig), {"sandbox": rig.gateway}, reports, rig.clock
    )
    report = await recon.run(ADMIN, "2026-01-15", None, None)
    assert report["counts"] == {
        "matched": 2,
        "missing_at_processor": 0,
        "missing_in_ledger": 0,
        "mismatched": 0,
    }
    assert await recon.get(ADMIN, report["id"]) == report


async def test_differences_are_reported_and_counted_for_alerts():
    rig = Rig()
    await _paid_and_refunded(rig)
    ledger = _ledger_of(rig)
    rig.gateway.book.movements[0] = Movement(
        "charge",
        rig.gateway.book.movements[0].reference,
        "usd",
        1000,
        60,  # the processor kept one more than we recorded
        rig.clock.now(),
    )
    rig.gateway.book.add(Movement("charge", "sbx_ch_x", "usd", 5, 0, rig.clock.now()))
    before = (_differences("mismatched"), _differences("missing_in_ledger"))
    recon = Reconciliations(ledger, {"sandbox": rig.gateway}, FakeReports(), rig.clock)
    report = await recon.reconcile_day(DAY)
    assert report["counts"]["mismatched"] == 1
    assert report["mismatched"][0]["differences"] == {
        "fee": {"ledger": 59, "processor": 60}
    }
    assert [m["reference"] for m in report["missing_in_ledger"]] == ["sbx_ch_x"]
    after = (_differences("mismatched"), _differences("missing_in_ledger"))
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


async def test_only_admins_reconcile_and_unknown_reports_are_not_found():
    rig = Rig()
    recon = Reconciliations(FakeLedger(), {}, FakeReports(), rig.clock)
    with pytest.raises(Forbidden):
        await recon.run(SHOP, "2026-01-15", None, None)
    with pytest.raises(NotFound):
        await recon.get(ADMIN, "rpt_nope")
