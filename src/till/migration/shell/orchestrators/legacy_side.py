"""Orders served by the legacy shop, for a till caller. Legacy knows one
static token, not our callers: API.md's access rules are applied here
(`core/order_access`) so an answer from legacy is the answer the new service
would give. Staff may see and move every order, so their writes skip the
extra read that checking an owner needs."""

from collections.abc import Mapping, Sequence
from typing import Any

from till.migration.core.access import Caller
from till.migration.core.order_access import (
    customer_for,
    listed_customer,
    require_may,
    require_scope,
    require_visible,
)
from till.migration.core.router_ports import LegacyOrders, OrderObject


class LegacySide:
    def __init__(self, legacy: LegacyOrders) -> None:
        self.legacy = legacy

    async def create(
        self,
        caller: Caller,
        *,
        customer_id: str | None,
        currency: str,
        items: Sequence[Mapping[str, Any]],
    ) -> OrderObject:
        require_scope(caller, "orders:write")
        customer = customer_for(caller, customer_id)
        return await self.legacy.create(
            customer_id=customer, currency=currency, items=items
        )

    async def get(
        self, caller: Caller, order_id: str, legacy_id: int | None
    ) -> OrderObject:
        require_scope(caller, "orders:read")
        order = await self.legacy.get(order_id, legacy_id=legacy_id)
        require_visible(caller, order.get("customer_id"))
        return order

    async def list_orders(
        self,
        caller: Caller,
        *,
        customer_id: str | None,
        status: str | None,
        limit: int,
        starting_after: str | None,
    ) -> OrderObject:
        require_scope(caller, "orders:read")
        customer, nothing = listed_customer(caller, customer_id)
        if nothing:
            return {"data": [], "has_more": False}
        return await self.legacy.list_orders(
            customer_id=customer,
            status=status,
            limit=limit,
            starting_after=starting_after,
        )

    async def act(
        self, caller: Caller, action: str, order_id: str, legacy_id: int | None
    ) -> OrderObject:
        """cancel, fulfill, ship or deliver."""
        require_scope(caller, "orders:write")
        if not caller.is_staff:
            order = await self.legacy.get(order_id, legacy_id=legacy_id)
            require_visible(caller, order.get("customer_id"))
            require_may(caller, order.get("customer_id"), action)
        if action == "cancel":
            return await self.legacy.cancel(order_id, legacy_id=legacy_id)
        return await self.legacy.transition(action, order_id, legacy_id=legacy_id)
