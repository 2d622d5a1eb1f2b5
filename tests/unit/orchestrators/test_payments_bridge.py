"""PaymentsBridge (the orders-side PaymentsPort, wired in till.app) over the
real payment commands with in-memory fakes and the sandbox processor."""

from tests.unit.orchestrators.order_rig import OrderRig
from tests.unit.orchestrators.payment_rig import ALICE as PAYER
from tests.unit.orchestrators.payment_rig import Rig
from till.app.orders import PaymentsBridge
from till.kernel.ids import new_id
from till.orders.core.access import Caller

DECLINED = "4000000000000002"  # pragma: allowlist secret
ALICE = Caller("user", PAYER.id)
SHOP = Caller("service", "key_1", scopes=frozenset({"orders:write"}))


async def setup():
    payments, orders = Rig(), OrderRig()
    bridge = PaymentsBridge(payments.commands, payments.queries)
    return payments, bridge, await orders.order(ALICE)


async def test_paying_an_order_charges_its_total_to_its_customer():
    payments, bridge, order = await setup()
    payment_id = new_id("pay")
    attempt = await bridge.start_payment(
        ALICE, order, await payments.card(), payment_id, False
    )
    assert (attempt.payment_id, attempt.status) == (payment_id, "completed")
    charged = payments.store.payments[payment_id]
    assert charged.amount.amount == order.total == 2999
    assert charged.customer_id == order.customer_id
    assert charged.metadata == {"order_id": order.id}
    assert await bridge.payment_status(payment_id) == "completed"
    assert await bridge.payment_status("pay_missing") is None


async def test_a_resumed_payment_is_not_charged_twice():
    payments, bridge, order = await setup()
    card, payment_id = await payments.card(), new_id("pay")
    await bridge.start_payment(ALICE, order, card, payment_id, False)
    again = await bridge.start_payment(ALICE, order, card, payment_id, True)
    assert again.status == "completed"
    assert len(payments.store.payments) == 1


async def test_a_declined_card_is_reported_with_its_code():
    payments, bridge, order = await setup()
    attempt = await bridge.start_payment(
        ALICE, order, await payments.card(DECLINED), new_id("pay"), False
    )
    assert (attempt.status, attempt.failure_code) == ("failed", "card_declined")


async def test_a_service_pays_for_the_customer_and_orders_refund_in_full():
    payments, bridge, order = await setup()
    payment_id = new_id("pay")
    await bridge.start_payment(SHOP, order, await payments.card(), payment_id, False)
    assert payments.store.payments[payment_id].customer_id == order.customer_id
    refund_id = new_id("re")
    await bridge.refund_payment(payment_id, refund_id, False)
    await bridge.refund_payment(payment_id, refund_id, True)  # a retry: no second
    refunded = payments.store.payments[payment_id]
    assert refunded.status.value == "refunded"
    assert [r.id for r in refunded.refunds] == [refund_id]


async def test_the_payers_address_reaches_fraud_screening():
    # Without it every order payment looked like one unknown address: the
    # operator's FRAUD_ALLOWLIST_IPS never applied and per-IP velocity rules
    # (card testing) counted all customers together.
    payments, bridge, order = await setup()
    seen: list[str | None] = []
    create = payments.commands.create_payment

    async def spy(caller, intent, scope, ip=None):
        seen.append(ip)
        return await create(caller, intent, scope, ip)

    payments.commands.create_payment = spy
    card = await payments.card()
    await bridge.start_payment(ALICE, order, card, new_id("pay"), False, "198.51.100.4")
    assert seen == ["198.51.100.4"]
