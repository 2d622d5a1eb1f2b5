"""The janitor settles payments whose processor answer went missing, asking
again under the same key: never a second charge, nothing recorded without an
answer."""

import pytest

from tests.unit.orchestrators.payment_rig import SHOP, Rig, scope
from till.payments.core.gateway import GatewayOutcomeUnknown, GatewayUnavailable
from till.payments.core.models import Status

TIMEOUT_CARD = "4000000000000259"  # pragma: allowlist secret


async def _processing(rig):
    method = await rig.card(TIMEOUT_CARD)
    with pytest.raises(GatewayUnavailable):
        await rig.pay(payment_method=method, confirm=True)
    (payment,) = rig.store.payments.values()
    assert payment.status is Status.PROCESSING
    return payment


async def test_a_charge_left_processing_is_settled_once_after_the_grace():
    rig = Rig()
    payment = await _processing(rig)
    assert await rig.janitor.run_once() == 0  # too recent
    rig.clock.advance(120)
    assert await rig.janitor.run_once() == 1
    assert rig.store.payments[payment.id].status is Status.COMPLETED
    assert len(rig.gateway.state.charges) == 1  # asked again, charged once
    assert await rig.janitor.run_once() == 0


async def test_an_unreachable_processor_adds_nothing_to_the_stream():
    rig = Rig()
    payment = await _processing(rig)
    before = len(rig.store.streams[payment.id])

    async def away(request):
        raise GatewayUnavailable("down")

    rig.gateway.authorize = away
    rig.clock.advance(120)
    assert await rig.janitor.run_once() == 0
    assert len(rig.store.streams[payment.id]) == before


async def test_a_capture_whose_answer_was_lost_is_finished_with_its_amount():
    rig = Rig()
    held = (
        await rig.pay(
            payment_method=await rig.card(), capture_method="manual", confirm=True
        )
    ).result
    real = rig.gateway.capture

    async def lost(reference, amount, key):
        await real(reference, amount, key)  # done at the processor...
        raise GatewayOutcomeUnknown("...but the answer never came")

    rig.gateway.capture = lost
    with pytest.raises(GatewayUnavailable):
        await rig.commands.capture_payment(SHOP, held.id, 400, scope())
    assert rig.store.payments[held.id].pending_operation == "capture"
    rig.gateway.capture = real
    rig.clock.advance(120)
    assert await rig.janitor.run_once() == 1
    settled = rig.store.payments[held.id]
    assert settled.status is Status.COMPLETED and settled.amount_received == 400
    (charge,) = rig.gateway.state.charges.values()
    assert charge.captured.amount == 400
