"""In-memory fakes of the strangler router's ports (till.migration.core.
router_ports): flags by customer, the new store's snapshots, the legacy shop
in API.md terms, the shadow verdicts."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from till.kernel.errors import NotFound
from till.migration.core.legacy_compare import Difference
from till.migration.core.order_routing import FlagAnswer
from till.migration.core.router_ports import OrderObject, ShadowCount


@dataclass
class CustomerFlags:
    """Flags on for the listed customers only; records what was asked. A
    flag in `split` is a partial rollout: off for the others by their bucket
    (else off for everyone who is not listed)."""

    on: dict[str, set[str]] = field(default_factory=dict)
    asked: list[tuple[str, str]] = field(default_factory=list)
    split: set[str] = field(default_factory=set)

    async def is_on(self, flag: str, targeting_key: str) -> bool:
        self.asked.append((flag, targeting_key))
        return targeting_key in self.on.get(flag, set())

    async def answer(self, flag: str, targeting_key: str) -> FlagAnswer:
        if await self.is_on(flag, targeting_key):
            return FlagAnswer.ON
        return FlagAnswer.OFF_BY_SPLIT if flag in self.split else FlagAnswer.OFF


@dataclass
class StoredOrders:
    orders: dict[str, OrderObject] = field(default_factory=dict)
    lookups: int = 0
    broken: bool = False

    async def snapshot(self, order_id: str) -> OrderObject | None:
        self.lookups += 1
        if self.broken:
            raise RuntimeError("the new store is down")
        return self.orders.get(order_id)

    async def orders_by_legacy_ids(
        self, legacy_ids: Sequence[int]
    ) -> Mapping[int, OrderObject]:
        return {
            o["legacy_id"]: o
            for o in self.orders.values()
            if o.get("legacy_id") in legacy_ids
        }


@dataclass
class LegacyShop:
    orders: dict[str, OrderObject] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)

    async def create(
        self,
        *,
        customer_id: str | None,
        currency: str,
        items: Sequence[Mapping[str, Any]],
    ) -> OrderObject:
        self.calls.append(("create", str(customer_id)))
        order = order_object("ord_00000000000000000000000009", customer_id)
        self.orders[order["id"]] = order
        return order

    async def get(self, order_id: str, *, legacy_id: int | None = None) -> OrderObject:
        self.calls.append(("get", order_id))
        if order_id not in self.orders:
            raise NotFound("No such order.")
        return self.orders[order_id]

    async def list_orders(self, **query: Any) -> OrderObject:
        self.calls.append(("list", str(query.get("customer_id"))))
        data = [
            o
            for o in self.orders.values()
            if query.get("customer_id") in (None, o["customer_id"])
        ]
        return {"data": data, "has_more": False}

    async def cancel(
        self, order_id: str, *, legacy_id: int | None = None
    ) -> OrderObject:
        self.calls.append(("cancel", order_id))
        return {**self.orders[order_id], "status": "canceled"}

    async def transition(
        self, action: str, order_id: str, *, legacy_id: int | None = None
    ) -> OrderObject:
        self.calls.append((action, order_id))
        return {**self.orders[order_id], "status": action + "ed"}


@dataclass
class ShadowVerdicts:
    recorded: list[tuple[str, str, list[Difference]]] = field(default_factory=list)

    async def record(
        self,
        route: str,
        order_id: str,
        differences: Sequence[Difference],
        at: datetime,
    ) -> None:
        self.recorded.append((route, order_id, list(differences)))

    async def counts(self, since: datetime) -> dict[str, ShadowCount]:
        counts: dict[str, ShadowCount] = {}
        for route, _, found in self.recorded:
            was = counts.get(route, ShadowCount(0, 0))
            counts[route] = ShadowCount(was.compared + 1, was.mismatched + bool(found))
        return counts


def order_object(order_id: str, customer_id: str | None, **changes: Any) -> OrderObject:
    """An API.md order object."""
    return {
        "id": order_id,
        "object": "order",
        "status": "pending_payment",
        "customer_id": customer_id,
        "currency": "eur",
        "items": [
            {
                "sku": "MUG",
                "name": "Mug",
                "quantity": 2,
                "unit_amount": 999,
                "amount": 1998,
            }
        ],
        "subtotal": 1998,
        "total": 1998,
        "payment_id": None,
        "legacy_id": 9,
        "created_at": "2026-01-15T12:00:00.123456Z",
        "updated_at": "2026-01-15T12:00:00Z",
        **changes,
    }
