"""OrderRouter: the flag asked for the right customer, stickiness without a
lookup for legacy-created orders, the kill switch."""

from tests.fakes.strangler import CustomerFlags, StoredOrders, order_object
from till.kernel.ids import new_id
from till.migration.core.access import Caller
from till.migration.core.legacy_ids import order_id_for_legacy
from till.migration.core.order_routing import READ_FLAG, Reason, Side
from till.migration.shell.orchestrators.order_router import OrderRouter

SHOP = Caller("service", "key_shop")


def rig(
    on: dict[str, set[str]] | None = None,
) -> tuple[OrderRouter, CustomerFlags, StoredOrders]:
    flags, store = CustomerFlags(on or {}), StoredOrders()
    return OrderRouter(flags, store), flags, store


async def test_a_create_asks_the_flag_for_the_customer_a_service_names() -> None:
    router, flags, _ = rig({"orders.create": {"usr_b"}})
    route = await router.for_customer(SHOP, "orders.create", "usr_b")
    assert route.side is Side.NEW
    assert flags.asked == [("orders.create", "usr_b")]
    other = await router.for_customer(SHOP, "orders.create", "usr_c")
    assert other.side is Side.LEGACY


async def test_a_legacy_created_order_stays_legacy_with_the_flag_on_and_no_lookup() -> (
    None
):
    router, flags, store = rig({READ_FLAG: {"usr_a"}})
    route = await router.for_order(READ_FLAG, order_id_for_legacy(5))
    assert (route.side, route.reason, route.legacy_id) == (
        Side.LEGACY,
        Reason.LEGACY_CREATED,
        5,
    )
    assert (store.lookups, flags.asked) == (0, [])


async def test_a_minted_order_follows_its_own_customers_flag_whoever_asks() -> None:
    router, flags, store = rig({READ_FLAG: {"usr_a"}})
    order_id = new_id("ord")
    store.orders[order_id] = order_object(order_id, "usr_a", legacy_id=11)
    assert (await router.for_order(READ_FLAG, order_id)).side is Side.NEW
    assert flags.asked == [(READ_FLAG, "usr_a")]


async def test_turning_the_flag_off_routes_a_minted_order_to_legacy_at_once() -> None:
    router, flags, store = rig({READ_FLAG: {"usr_a"}})
    order_id = new_id("ord")
    store.orders[order_id] = order_object(order_id, "usr_a", legacy_id=11)
    flags.on[READ_FLAG] = set()
    route = await router.for_order(READ_FLAG, order_id)
    assert (route.side, route.legacy_id) == (Side.LEGACY, 11)


async def test_an_unknown_minted_id_is_left_to_the_new_service() -> None:
    router, flags, _ = rig()
    route = await router.for_order(READ_FLAG, new_id("ord"))
    assert (route.side, route.reason, flags.asked) == (
        Side.NEW,
        Reason.UNKNOWN_ORDER,
        [],
    )


async def test_a_minted_order_stays_new_when_its_customer_is_split_off() -> None:
    router, flags, store = rig({READ_FLAG: {"usr_b"}})
    flags.split.add(READ_FLAG)  # on for a share of customers, not usr_a
    order_id = new_id("ord")
    store.orders[order_id] = order_object(order_id, "usr_a", legacy_id=11)
    route = await router.for_order(READ_FLAG, order_id)
    assert (route.side, route.reason) == (Side.NEW, Reason.CREATED_BY_NEW)
