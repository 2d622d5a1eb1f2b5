"""Reading orders against fakes: owners see their own, staff see all."""

import pytest

from tests.unit.orchestrators.order_rig import ADMIN, ALICE, BOB, SHOP, OrderRig
from till.kernel.errors import Forbidden, NotFound
from till.orders.core.access import Caller
from till.orders.core.commands import OrderListQuery


async def test_a_user_lists_only_their_own_orders_and_staff_filter_by_customer():
    rig = OrderRig()
    mine = await rig.order(ALICE)
    await rig.order(BOB)
    found, more = await rig.queries.list_orders(ALICE, OrderListQuery())
    assert [o.id for o in found] == [mine.id] and more is False
    assert await rig.queries.list_orders(ALICE, OrderListQuery("usr_b")) == ([], False)
    for staff in (ADMIN, SHOP):
        found, _ = await rig.queries.list_orders(staff, OrderListQuery("usr_a"))
        assert [o.id for o in found] == [mine.id]


async def test_an_order_and_its_history_are_hidden_from_other_users():
    rig = OrderRig()
    order = await rig.paid()
    with pytest.raises(NotFound):
        await rig.queries.get_order(BOB, order.id)
    with pytest.raises(NotFound):
        await rig.queries.order_history(BOB, order.id)
    history = await rig.queries.order_history(ALICE, order.id)
    assert [e.type for e in history][-1] == "order.paid"
    assert (await rig.queries.get_order(SHOP, order.id)).id == order.id


async def test_a_service_key_needs_orders_read():
    rig = OrderRig()
    order = await rig.order()
    with pytest.raises(Forbidden):
        await rig.queries.get_order(
            Caller("service", "k", scopes=frozenset()), order.id
        )
