"""The payment commands against fakes and the sandbox: what is recorded, what
the processor is asked, and how retries resume."""

import pytest

from tests.unit.orchestrators.payment_rig import ALICE, SHOP, Rig, scope
from till.kernel.errors import InvalidState, NotFound, ValidationFailed
from till.kernel.money import Money, currency
from till.payments.core.access import Caller
from till.payments.core.commands import PaymentIntent, RefundRequest
from till.payments.core.gateway import GatewayUnavailable
from till.payments.core.models import Status

TIMEOUT_CARD = "4000000000000259"  # pragma: allowlist secret
UNAVAILABLE_CARD = "4000000000000341"  # pragma: allowlist secret
DECLINED_CARD = "4000000000000002"  # pragma: allowlist secret


async def test_create_and_confirm_records_twice_around_the_processor_call():
    rig = Rig()
    outcome = await rig.pay(payment_method=await rig.card(), confirm=True)
    payment = outcome.result
    assert payment.status is Status.COMPLETED and rig.store.records == 2
    types = [e.type for e in rig.store.streams[payment.id]]
    assert types == ["payment.created", "payment.processing", "payment.completed"]
    assert [n.type for n in rig.store.outbox] == types
    # one invalidation when the command ends, for both records
    assert rig.cache.invalidated == [f"payment:{payment.id}", "history:usr_a"]
    assert rig.store.settled == 1
    assert outcome.response in rig.store.responses.values()


async def test_a_payment_created_without_confirm_is_one_record():
    rig = Rig()
    outcome = await rig.pay()
    assert outcome.result.status is Status.PENDING and rig.store.records == 1


async def test_a_decline_is_recorded_as_failed():
    rig = Rig()
    outcome = await rig.pay(payment_method=await rig.card(DECLINED_CARD), confirm=True)
    assert outcome.result.status is Status.FAILED
    assert outcome.result.failure_code == "card_declined"


async def test_an_unknown_outcome_keeps_processing_and_the_retry_resumes_it():
    rig = Rig()
    method = await rig.card(TIMEOUT_CARD)
    first = scope()
    intent = {"payment_method": method, "confirm": True}
    with pytest.raises(GatewayUnavailable):
        await rig.commands.create_payment(ALICE, _intent(**intent), first)
    (payment,) = rig.store.payments.values()
    assert payment.status is Status.PROCESSING and payment.id == first.resource_id
    retry = scope(first.resource_id, resumed=True)
    outcome = await rig.commands.create_payment(ALICE, _intent(**intent), retry)
    assert outcome.result.id == payment.id
    assert outcome.result.status is Status.COMPLETED
    assert len(rig.gateway.state.charges) == 1


async def test_an_unavailable_processor_leaves_nothing_charged():
    rig = Rig()
    method = await rig.card(UNAVAILABLE_CARD)
    with pytest.raises(GatewayUnavailable):
        await rig.pay(payment_method=method, confirm=True)
    (payment,) = rig.store.payments.values()
    assert payment.status is Status.PROCESSING and not rig.gateway.state.charges


async def test_a_resumed_create_of_a_settled_payment_answers_its_state():
    rig = Rig()
    first = await rig.pay()
    again = await rig.commands.create_payment(
        ALICE, _intent(), scope(first.result.id, resumed=True)
    )
    assert again.result == first.result and rig.store.records == 1


async def test_confirm_needs_a_visible_payment_and_a_method():
    rig = Rig()
    pending = (await rig.pay()).result
    with pytest.raises(NotFound):
        await rig.commands.confirm_payment(ALICE, "pay_missing", None, scope())
    with pytest.raises(ValidationFailed):
        await rig.commands.confirm_payment(ALICE, pending.id, None, scope())
    confirmed = await rig.commands.confirm_payment(
        ALICE, pending.id, await rig.card(), scope()
    )
    assert confirmed.result.status is Status.COMPLETED


async def test_capture_cancel_and_refund_move_the_money_at_the_processor():
    rig = Rig()
    held = await rig.pay(
        payment_method=await rig.card(), capture_method="manual", confirm=True
    )
    payment_id = held.result.id
    captured = await rig.commands.capture_payment(SHOP, payment_id, 700, scope())
    assert captured.result.amount_received == 700
    (charge,) = rig.gateway.state.charges.values()
    assert charge.captured.amount == 700
    refunded = await rig.commands.refund_payment(
        _refunder(), payment_id, RefundRequest(200, "late"), scope()
    )
    assert refunded.result.amount == 200 and refunded.result.status.value == "succeeded"
    assert rig.store.payments[payment_id].status is Status.PARTIALLY_REFUNDED
    with pytest.raises(InvalidState):
        await rig.commands.cancel_payment(SHOP, payment_id, scope())


async def test_canceling_a_held_payment_voids_it_first():
    rig = Rig()
    held = await rig.pay(
        payment_method=await rig.card(), capture_method="manual", confirm=True
    )
    canceled = await rig.commands.cancel_payment(ALICE, held.result.id, scope())
    assert canceled.result.status is Status.CANCELED
    (charge,) = rig.gateway.state.charges.values()
    assert charge.voided


async def test_a_resumed_refund_asks_again_for_the_reserved_refund():
    rig = Rig()
    paid = await rig.pay(payment_method=await rig.card(), confirm=True)
    first = scope("re_1")
    done = await rig.commands.refund_payment(
        _refunder(), paid.result.id, RefundRequest(100), first
    )
    again = await rig.commands.refund_payment(
        _refunder(), paid.result.id, RefundRequest(100), scope("re_1", resumed=True)
    )
    assert again.result == done.result  # no second refund
    assert rig.store.payments[paid.result.id].amount_refunded == 100


def _intent(**kw):
    return PaymentIntent(Money(1000, currency("usd")), **kw)


def _refunder():
    return Caller("service", "key_2", scopes=frozenset({"refunds:write"}))


async def test_a_failed_command_still_drops_what_it_recorded():
    rig = Rig()
    method = await rig.card(UNAVAILABLE_CARD)
    with pytest.raises(GatewayUnavailable):
        await rig.pay(payment_method=method, confirm=True)
    (payment,) = rig.store.payments.values()
    assert rig.cache.invalidated == [f"payment:{payment.id}", "history:usr_a"]


async def test_a_resumed_confirm_of_a_settled_payment_answers_its_state():
    rig = Rig()
    pending = (await rig.pay()).result
    method = await rig.card()
    first = await rig.commands.confirm_payment(ALICE, pending.id, method, scope())
    again = await rig.commands.confirm_payment(
        ALICE, pending.id, method, scope(pending.id, resumed=True)
    )
    assert again.result == first.result and again.result.status is Status.COMPLETED
