"""The order commands against fakes: creation, paying through PaymentsPort,
cancelling (with the refund of a paid order), moves and who may do them."""

import pytest

from tests.unit.orchestrators.order_rig import (
    ADMIN,
    ALICE,
    BOB,
    SHOP,
    OrderRig,
    scope,
)
from till.kernel.errors import Forbidden, InvalidState, NotFound, ValidationFailed
from till.orders.core.commands import NewOrder
from till.orders.core.errors import PaymentDeclined, PaymentsUnavailable
from till.orders.core.items import LineItem


async def test_a_created_order_is_recorded_published_and_answered():
    rig = OrderRig()
    order = await rig.order()
    assert order.total == 2999 and order.customer_id == "usr_a"
    assert rig.types(order.id) == ["order.created"]
    assert [n.type for n in rig.store.outbox] == ["order.created"]
    assert rig.store.outbox[0].payload["data"]["total"] == 2999
    assert len(rig.store.responses) == 1


async def test_a_resumed_creation_answers_the_order_the_first_attempt_recorded():
    rig = OrderRig()
    first = scope()
    await rig.commands.create_order(
        ALICE, NewOrder("usd", (LineItem("A", "A", 1, 5),)), first
    )
    again = scope(resource_id=first.resource_id, resumed=True)
    outcome = await rig.commands.create_order(
        ALICE, NewOrder("usd", (LineItem("A", "A", 1, 5),)), again
    )
    assert outcome.result.id == first.resource_id
    assert rig.types(first.resource_id) == ["order.created"]


async def test_a_service_must_name_the_customer_and_a_user_orders_as_themselves():
    rig = OrderRig()
    with pytest.raises(ValidationFailed):
        await rig.order(SHOP)
    with pytest.raises(Forbidden):
        await rig.commands.create_order(
            ALICE, NewOrder("usd", (LineItem("A", "A", 1, 5),), "usr_b"), scope()
        )


async def test_paying_records_the_payment_before_asking_payments_for_it():
    rig = OrderRig()
    order = await rig.order()
    pay = scope("pay")
    outcome = await rig.commands.pay_order(ALICE, order.id, "pm_1", pay)
    assert outcome.result.payment_id == pay.resource_id
    assert outcome.result.status.value == "pending_payment"  # paid comes by event
    assert rig.payments.started == [(order.id, "pm_1", pay.resource_id, False)]
    assert rig.types(order.id) == ["order.created", "order.payment_started"]
    assert [n.type for n in rig.store.outbox] == ["order.created"]  # internal


async def test_paying_hands_the_clients_address_to_payments_for_fraud_screening():
    rig = OrderRig()
    order = await rig.order()
    await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"), "203.0.113.9")
    assert rig.payments.ips == ["203.0.113.9"]


async def test_a_retried_payment_resumes_the_same_payment_without_recording_again():
    rig = OrderRig()
    order = await rig.order()
    rig.payments.error = PaymentsUnavailable("processor away")
    pay = scope("pay")
    with pytest.raises(PaymentsUnavailable):
        await rig.commands.pay_order(ALICE, order.id, "pm_1", pay)
    rig.payments.error = None
    retry = scope("pay", resource_id=pay.resource_id, resumed=True)
    await rig.commands.pay_order(ALICE, order.id, "pm_1", retry)
    assert [p[2] for p in rig.payments.started] == [pay.resource_id] * 2
    assert rig.payments.started[-1][3] is True
    assert rig.types(order.id).count("order.payment_started") == 1


async def test_a_declined_payment_answers_402_and_frees_the_order_to_pay_again():
    rig = OrderRig(payments=type(OrderRig().payments)(status="failed"))
    order = await rig.order()
    with pytest.raises(PaymentDeclined) as declined:
        await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"))
    assert declined.value.code == "card_declined"
    assert rig.store.orders[order.id].payment_id is None
    rig.payments.status = "completed"
    again = await rig.commands.pay_order(ALICE, order.id, "pm_2", scope("pay"))
    assert again.result.payment_id is not None


async def test_a_payment_refused_before_charging_frees_the_order_too():
    rig = OrderRig()
    order = await rig.order()
    rig.payments.error = NotFound("no such payment method", param="payment_method")
    with pytest.raises(NotFound):
        await rig.commands.pay_order(ALICE, order.id, "pm_x", scope("pay"))
    assert rig.types(order.id)[-1] == "order.payment_failed"


async def test_a_second_payment_while_one_is_in_flight_is_a_conflict():
    rig = OrderRig()
    order = await rig.order()
    await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"))
    with pytest.raises(Exception, match="in progress"):
        await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"))


async def test_an_order_of_nothing_is_paid_without_a_payment():
    rig = OrderRig()
    order = await rig.order(items=(LineItem("FREE", "Sample", 1, 0),))
    outcome = await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"))
    assert outcome.result.status.value == "paid"
    assert rig.payments.started == []


async def test_canceling_a_paid_order_records_the_refund_then_asks_for_it():
    rig = OrderRig()
    order = await rig.paid()
    cancel = scope("re")
    outcome = await rig.commands.cancel_order(ALICE, order.id, cancel)
    assert outcome.result.status.value == "canceled"
    assert outcome.result.refund_id == cancel.resource_id
    assert rig.payments.refunds == [(order.payment_id, cancel.resource_id, False)]


async def test_a_retried_cancel_asks_for_the_same_refund_again():
    rig = OrderRig()
    order = await rig.paid()
    rig.payments.error = PaymentsUnavailable("processor away")
    cancel = scope("re")
    with pytest.raises(PaymentsUnavailable):
        await rig.commands.cancel_order(ALICE, order.id, cancel)
    rig.payments.error = None
    retry = scope("re", resource_id=cancel.resource_id, resumed=True)
    await rig.commands.cancel_order(ALICE, order.id, retry)
    assert [r[1] for r in rig.payments.refunds] == [cancel.resource_id] * 2
    assert rig.types(order.id).count("order.canceled") == 1


async def test_canceling_an_unpaid_order_refunds_nothing():
    rig = OrderRig()
    order = await rig.order()
    await rig.commands.cancel_order(ALICE, order.id, scope("re"))
    assert rig.payments.refunds == []
    assert rig.store.orders[order.id].status.value == "canceled"


async def test_moves_are_for_staff_and_follow_the_state_machine():
    rig = OrderRig()
    order = await rig.paid()
    with pytest.raises(Forbidden):
        await rig.commands.move_order(ALICE, order.id, "fulfill", scope())
    with pytest.raises(InvalidState):
        await rig.commands.move_order(SHOP, order.id, "ship", scope())
    for action in ("fulfill", "ship", "deliver"):
        moved = await rig.commands.move_order(ADMIN, order.id, action, scope())
    assert moved.result.status.value == "delivered"
    with pytest.raises(NotFound):
        await rig.commands.move_order(ADMIN, order.id, "teleport", scope())


async def test_another_customers_order_does_not_exist_for_a_user():
    rig = OrderRig()
    order = await rig.order()
    with pytest.raises(NotFound):
        await rig.commands.cancel_order(BOB, order.id, scope("re"))
    with pytest.raises(NotFound):
        await rig.commands.pay_order(BOB, order.id, "pm_1", scope("pay"))
    with pytest.raises(NotFound):
        await rig.commands.cancel_order(ALICE, "ord_missing", scope("re"))


async def test_a_service_key_without_orders_write_may_not_act():
    rig = OrderRig()
    order = await rig.order()
    reader = type(SHOP)("service", "key_2", scopes=frozenset({"orders:read"}))
    with pytest.raises(Forbidden):
        await rig.commands.move_order(reader, order.id, "fulfill", scope())
