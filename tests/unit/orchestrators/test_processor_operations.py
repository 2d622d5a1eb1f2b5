"""Capture, cancel and refund against fakes: attempts on record before the
processor is asked, concurrent commands interleaved deterministically."""

import pytest

from tests.unit.orchestrators.payment_rig import ALICE, SHOP, Rig, scope
from till.kernel.errors import Conflict
from till.payments.core.access import Caller
from till.payments.core.commands import RefundRequest
from till.payments.core.gateway import GatewayRejected, GatewayResult, Outcome
from till.payments.core.models import Status

REFUNDER = Caller("service", "key_2", scopes=frozenset({"refunds:write"}))


async def _held(rig):
    outcome = await rig.pay(
        payment_method=await rig.card(), capture_method="manual", confirm=True
    )
    return outcome.result


async def _paid(rig):
    return (await rig.pay(payment_method=await rig.card(), confirm=True)).result


async def test_a_capture_is_on_record_before_the_processor_is_asked():
    rig = Rig()
    held = await _held(rig)
    seen = []
    real = rig.gateway.capture

    async def watching(reference, amount, key):
        seen.append(rig.store.payments[held.id].pending_operation)
        return await real(reference, amount, key)

    rig.gateway.capture = watching
    done = await rig.commands.capture_payment(SHOP, held.id, None, scope())
    assert seen == ["capture"] and done.result.pending_operation is None
    types = [e.type for e in rig.store.streams[held.id]][-2:]
    assert types == ["payment.processor_pending", "payment.completed"]


async def test_a_cancel_waits_while_a_capture_is_at_the_processor():
    rig = Rig()
    held = await _held(rig)
    real = rig.gateway.capture
    refused = []

    async def racing(reference, amount, key):
        try:
            await rig.commands.cancel_payment(ALICE, held.id, scope())
        except Conflict as error:
            refused.append(error)
        return await real(reference, amount, key)

    rig.gateway.capture = racing
    done = await rig.commands.capture_payment(SHOP, held.id, None, scope())
    assert refused and done.result.status is Status.COMPLETED
    assert not rig.gateway.state.charges[done.result.gateway_reference].voided


async def test_a_refund_answered_after_another_was_reserved_still_settles():
    rig = Rig()
    paid = await _paid(rig)
    real = rig.gateway.refund
    inner = []

    async def interleaved(reference, amount, key):
        if key.startswith("re_a") and not inner:  # A at the processor: B runs
            inner.append("started")
            inner.append(
                await rig.commands.refund_payment(
                    REFUNDER, paid.id, RefundRequest(300), scope("re_b")
                )
            )
        return await real(reference, amount, key)

    rig.gateway.refund = interleaved
    first = await rig.commands.refund_payment(
        REFUNDER, paid.id, RefundRequest(200), scope("re_a")
    )
    assert first.result.status.value == "succeeded"
    assert inner[1].result.status.value == "succeeded"
    payment = rig.store.payments[paid.id]
    assert payment.amount_refunded == 500 and payment.refundable == 500
    assert sum(r.type == "refund.completed" for r in rig.store.outbox) == 2


async def test_a_refund_the_processor_refuses_fails_and_releases_its_amount():
    rig = Rig()
    paid = await _paid(rig)

    async def refusing(reference, amount, key):
        raise GatewayRejected("charge_already_refunded")

    rig.gateway.refund = refusing
    outcome = await rig.commands.refund_payment(
        REFUNDER, paid.id, RefundRequest(100), scope("re_x")
    )
    assert outcome.result.status.value == "failed"
    assert rig.store.payments[paid.id].refundable == 1000


async def test_a_refund_the_processor_finishes_later_stays_pending():
    rig = Rig()
    paid = await _paid(rig)

    async def later(reference, amount, key):
        return GatewayResult(Outcome.PENDING, "re_proc_1")

    rig.gateway.refund = later
    outcome = await rig.commands.refund_payment(
        REFUNDER, paid.id, RefundRequest(100), scope("re_y")
    )
    assert outcome.result.status.value == "pending"
    payment = rig.store.payments[paid.id]
    assert payment.status is Status.COMPLETED and payment.refundable == 900


async def test_a_charge_the_processor_refuses_fails_the_payment():
    rig = Rig()

    async def refusing(request):
        raise GatewayRejected("raw card data not enabled")

    rig.gateway.authorize = refusing
    outcome = await rig.pay(payment_method=await rig.card(), confirm=True)
    assert outcome.result.status is Status.FAILED
    assert outcome.result.failure_code == "processing_error"


@pytest.mark.parametrize("operation", ["capture", "void"])
async def test_an_operation_is_refused_while_another_is_in_flight(operation):
    rig = Rig()
    held = await _held(rig)
    other = "void" if operation == "capture" else "capture"
    asked, _ = held.request_processor(other, held.updated_at)
    with pytest.raises(Conflict):
        asked.request_processor(operation, held.updated_at)
