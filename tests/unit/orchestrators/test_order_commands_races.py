"""A command that loses a race to another writer of the same order (the
dual-write's legacy link, a payment's outcome) is decided again on the fresh
state: the client never sees a conflict it did not cause."""

from tests.unit.orchestrators.order_rig import (
    ALICE,
    SHOP,
    OrderRig,
    completed,
    scope,
)
from till.orders.core.events import OrderEvent


def _link(order, legacy_id: int = 7) -> OrderEvent:
    return OrderEvent(
        "order.legacy_linked", order.id, order.created_at, {"legacy_id": legacy_id}
    )


async def test_paying_while_the_dual_write_links_the_order_succeeds():
    rig = OrderRig()
    order = await rig.order()
    rig.store.interloper.append((order.id, _link(order)))
    outcome = await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"))
    assert outcome.result.payment_id is not None
    assert outcome.result.legacy_id == 7
    assert rig.types(order.id)[-2:] == ["order.legacy_linked", "order.payment_started"]


async def test_cancelling_while_the_dual_write_links_the_order_succeeds():
    rig = OrderRig()
    order = await rig.order()
    rig.store.interloper.append((order.id, _link(order)))
    outcome = await rig.commands.cancel_order(ALICE, order.id, scope("re"))
    assert outcome.result.status.value == "canceled"
    assert outcome.result.legacy_id == 7


async def test_a_move_while_the_dual_write_links_the_order_succeeds():
    rig = OrderRig()
    order = await rig.order()
    await rig.commands.pay_order(ALICE, order.id, "pm_1", scope("pay"))
    paid = rig.store.orders[order.id]
    await rig.outcomes.on_event(
        "payment.completed", completed(paid.payment_id, order.id)
    )
    rig.store.interloper.append((order.id, _link(order)))
    outcome = await rig.commands.move_order(SHOP, order.id, "fulfill", scope())
    assert outcome.result.status.value == "fulfilled"
