"""Which reads may lag (DATABASE_REPLICA_URL): with a replica that has not
replayed the newest writes yet, a payment or order by id and the cached
first page of payments still show them (the primary); uncached lists and
histories do not (the replica)."""

import orjson

from tests.fakes.orders import FakeOrderReads, OrdersStore
from tests.fakes.payments import PaymentsStore
from tests.unit.orchestrators.order_rig import ALICE as ORDER_ALICE
from tests.unit.orchestrators.order_rig import OrderRig
from tests.unit.orchestrators.payment_rig import ALICE, SHOP, Rig, _Reads
from till.orders.core.commands import OrderListQuery
from till.orders.shell.orchestrators.order_queries import OrderQueries
from till.payments.core.commands import PaymentListQuery
from till.payments.shell.orchestrators.payment_queries import PaymentQueries


async def test_payment_reads_by_id_and_the_cached_page_see_the_newest_payment():
    rig = Rig()
    payment = (await rig.pay()).result
    lagging = _Reads(PaymentsStore())  # the replica, before replaying it
    queries = PaymentQueries(
        _Reads(rig.store), rig.cache, rig.queries.event_log, rig.clock, lists=lagging
    )
    assert (await queries.get_payment(ALICE, payment.id)).id == payment.id
    document = orjson.loads(await queries.payment_document(ALICE, payment.id))
    assert document["id"] == payment.id
    history = orjson.loads(await queries.history_document(ALICE))
    assert [p["id"] for p in history["data"]] == [payment.id]
    assert await queries.list_payments(ALICE, PaymentListQuery(limit=5)) == ([], False)
    assert await queries.payment_events(SHOP, payment.id) == []


async def test_without_a_replica_lists_read_the_primary():
    rig = Rig()
    payment = (await rig.pay()).result
    found, _ = await rig.queries.list_payments(ALICE, PaymentListQuery(limit=5))
    assert [p.id for p in found] == [payment.id]


async def test_an_order_by_id_sees_the_newest_order_its_list_and_history_may_not():
    rig = OrderRig()
    order = await rig.order()
    queries = OrderQueries(FakeOrderReads(rig.store), FakeOrderReads(OrdersStore()))
    assert (await queries.get_order(ORDER_ALICE, order.id)).id == order.id
    assert await queries.list_orders(ORDER_ALICE, OrderListQuery()) == ([], False)
    assert await queries.order_history(ORDER_ALICE, order.id) == []
