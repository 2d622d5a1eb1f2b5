"""The strangler router's decision for one request (rules in
`core/order_routing`): asks the route's flag for the right customer and, for
an order the new service minted, the new store for its customer and legacy
id."""

from till.migration.core.access import Caller
from till.migration.core.order_routing import (
    FlagAnswer,
    KnownOrder,
    Reason,
    Route,
    Side,
    legacy_created,
    route_known_order,
    route_new_request,
    targeting_key,
)
from till.migration.core.router_ports import NewOrderSnapshots, RolloutFlags
from till.platform.metrics import ROUTED_REQUESTS


class OrderRouter:
    def __init__(self, flags: RolloutFlags, orders: NewOrderSnapshots) -> None:
        self.flags = flags
        self.orders = orders

    async def for_customer(
        self, caller: Caller, flag: str, customer_id: str | None
    ) -> Route:
        """Create and list: the flag for the customer the request is for."""
        on = await self.flags.is_on(flag, targeting_key(caller, customer_id))
        return _counted(flag, route_new_request(on))

    async def for_order(self, flag: str, order_id: str) -> Route:
        """One order: sticky to legacy if legacy created it, else the flag for
        the order's own customer (whoever asks)."""
        legacy_id = legacy_created(order_id)
        if legacy_id is not None:
            return _counted(flag, Route(Side.LEGACY, Reason.LEGACY_CREATED, legacy_id))
        found = await self.orders.snapshot(order_id)
        if found is None:
            return _counted(flag, route_known_order(None, FlagAnswer.OFF))
        known = KnownOrder(str(found.get("customer_id")), found.get("legacy_id"))
        answer = await self.flags.answer(flag, known.customer_id)
        return _counted(flag, route_known_order(known, answer))


def _counted(flag: str, route: Route) -> Route:
    ROUTED_REQUESTS.labels(flag, route.side.value, route.reason.value).inc()
    return route
