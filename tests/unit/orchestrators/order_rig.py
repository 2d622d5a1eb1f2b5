"""The orders orchestrators wired to in-memory fakes."""

import itertools
from dataclasses import dataclass, field

import orjson

from tests.fakes.clock import FixedClock
from tests.fakes.orders import FakeOrderReads, FakeOrdersUnit, FakePayments, OrdersStore
from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.kernel.ids import new_id
from till.orders.core.access import Caller
from till.orders.core.commands import NewOrder
from till.orders.core.items import LineItem
from till.orders.core.models import Order
from till.orders.core.views import order_view
from till.orders.shell.orchestrators.order_commands import OrderCommands
from till.orders.shell.orchestrators.order_imports import OrderImports
from till.orders.shell.orchestrators.order_queries import OrderQueries
from till.orders.shell.orchestrators.payment_outcomes import PaymentOutcomes

ALICE = Caller("user", "usr_a")
BOB = Caller("user", "usr_b")
ADMIN = Caller("user", "usr_admin", admin=True)
SHOP = Caller("service", "key_1", scopes=frozenset({"orders:read", "orders:write"}))
ITEMS = (LineItem("MUG", "Mug", 2, 1250), LineItem("TEA", "Tea", 1, 499))
_keys = itertools.count(1)


def _render(order: Order) -> StoredResponse:
    return StoredResponse(200, "application/json", orjson.dumps(order_view(order)))


def scope(prefix: str = "ord", resource_id: str | None = None, resumed: bool = False):
    return IdempotencyScope(
        "user:usr_a",
        f"key-{next(_keys)}",
        resource_id or new_id(prefix),
        resumed,
        _render,
    )


@dataclass
class OrderRig:
    clock: FixedClock = field(default_factory=FixedClock)
    store: OrdersStore = field(default_factory=OrdersStore)
    payments: FakePayments = field(default_factory=FakePayments)

    def __post_init__(self) -> None:
        def units() -> FakeOrdersUnit:
            return FakeOrdersUnit(self.store)

        reads = FakeOrderReads(self.store)
        self.commands = OrderCommands(units, self.payments, self.clock)
        self.queries = OrderQueries(reads)
        self.imports = OrderImports(units, reads, self.clock)
        self.outcomes = PaymentOutcomes(units, reads, self.payments, self.clock)

    async def order(self, caller: Caller = ALICE, items=ITEMS) -> Order:
        outcome = await self.commands.create_order(
            caller, NewOrder("usd", items), scope()
        )
        return outcome.result

    async def paid(self, caller: Caller = ALICE) -> Order:
        order = await self.order(caller)
        started = await self.commands.pay_order(caller, order.id, "pm_1", scope("pay"))
        payment_id = started.result.payment_id or ""
        await self.outcomes.on_event(
            "payment.completed", completed(payment_id, order.id)
        )
        return self.store.orders[order.id]

    def types(self, order_id: str) -> list[str]:
        return [e.type for e in self.store.streams[order_id]]


def completed(payment_id: str, order_id: str, type_: str = "payment.completed"):
    return {
        "id": new_id("evt"),
        "type": type_,
        "data": {
            "id": payment_id,
            "object": "payment",
            "metadata": {"order_id": order_id},
            "failure": None,
        },
    }
