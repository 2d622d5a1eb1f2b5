"""The orders consumer of payment events, against fakes: idempotent, and a
payment that completes after its order was canceled is refunded."""

from tests.unit.orchestrators.order_rig import ALICE, OrderRig, completed, scope
from till.orders.core.events import OrderEvent
from till.orders.core.models import evolve
from till.orders.shell.orchestrators.payment_outcomes import late_refund_id


async def started(rig: OrderRig):
    order = await rig.order()
    outcome = await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"))
    return outcome.result


async def test_payment_completed_marks_the_order_paid_once():
    rig = OrderRig()
    order = await started(rig)
    event = completed(order.payment_id, order.id)
    await rig.outcomes.on_event("payment.completed", event)
    await rig.outcomes.on_event("payment.completed", event)
    assert rig.types(order.id).count("order.paid") == 1
    assert rig.store.outbox[-1].type == "order.paid"
    assert rig.store.outbox[-1].payload["data"]["status"] == "paid"


async def test_another_payments_completion_does_not_pay_the_order():
    rig = OrderRig()
    order = await started(rig)
    await rig.outcomes.on_event("payment.completed", completed("pay_other", order.id))
    assert rig.store.orders[order.id].status.value == "pending_payment"


async def test_a_failed_payment_frees_the_order():
    rig = OrderRig()
    order = await started(rig)
    await rig.outcomes.on_event(
        "payment.failed", completed(order.payment_id, order.id, "payment.failed")
    )
    assert rig.store.orders[order.id].payment_id is None


async def test_a_full_refund_refunds_the_order_and_a_partial_one_does_not():
    rig = OrderRig()
    order = await rig.paid()
    refund = {"data": {"id": "re_1", "payment_id": order.payment_id}}
    rig.payments.statuses[order.payment_id] = "partially_refunded"
    await rig.outcomes.on_event("refund.completed", refund)
    assert rig.store.orders[order.id].status.value == "paid"
    rig.payments.statuses[order.payment_id] = "refunded"
    await rig.outcomes.on_event("refund.completed", refund)
    await rig.outcomes.on_event("refund.completed", refund)
    assert rig.types(order.id).count("order.refunded") == 1


async def test_a_refund_of_an_unknown_payment_is_ignored():
    rig = OrderRig()
    await rig.outcomes.on_event("refund.completed", {"data": {"payment_id": "pay_x"}})
    assert rig.store.orders == {}


async def test_a_payment_completing_after_its_order_was_canceled_is_refunded():
    rig = OrderRig()
    order = await started(rig)
    await rig.commands.cancel_order(ALICE, order.id, scope("re"))
    assert rig.payments.refunds == []  # not paid when canceled
    event = completed(order.payment_id, order.id)
    await rig.outcomes.on_event("payment.completed", event)
    await rig.outcomes.on_event("payment.completed", event)
    refund_id = late_refund_id(
        order.payment_id, int(order.created_at.timestamp() * 1000)
    )
    assert rig.payments.refunds == [(order.payment_id, refund_id, True)] * 2


async def test_a_lost_race_is_decided_again_on_the_fresh_state():
    rig = OrderRig()
    order = await started(rig)
    linked = OrderEvent(
        "order.legacy_linked", order.id, order.created_at, {"legacy_id": 7}
    )
    rig.store.interloper.append((order.id, linked))
    await rig.outcomes.on_event(
        "payment.completed", completed(order.payment_id, order.id)
    )
    after = rig.store.orders[order.id]
    assert after.status.value == "paid" and after.legacy_id == 7
    assert after == evolve(evolve(order, linked), rig.store.streams[order.id][-1])
