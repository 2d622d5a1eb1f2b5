"""OrderQueryPort: reads with the visibility rules of API.md (a user sees only
their own orders; services with `orders:read` and admins see all)."""

from dataclasses import replace

from till.kernel.errors import NotFound
from till.orders.core.access import Caller, require_scope, require_visible
from till.orders.core.commands import OrderListQuery
from till.orders.core.events import OrderEvent
from till.orders.core.models import Order
from till.orders.core.ports import OrderReadsPort
from till.platform.tracing import use_case


class OrderQueries:
    """`reads` must see the caller's own writes (the primary: an order by
    id); `lists` may lag by the replication delay (a read replica: lists and
    histories)."""

    def __init__(self, reads: OrderReadsPort, lists: OrderReadsPort | None = None):
        self.reads = reads
        self.lists = lists or reads

    @use_case("orders.get_order")
    async def get_order(self, caller: Caller, order_id: str) -> Order:
        require_scope(caller, "orders:read")
        order = await self.reads.get(order_id)
        if order is None:
            raise NotFound("no such order")
        require_visible(caller, order.customer_id)
        return order

    @use_case("orders.list_orders")
    async def list_orders(
        self, caller: Caller, query: OrderListQuery
    ) -> tuple[list[Order], bool]:
        require_scope(caller, "orders:read")
        if not caller.is_staff:
            if query.customer_id not in (None, caller.id):
                return [], False  # another customer's orders: none visible
            query = replace(query, customer_id=caller.id)
        return await self.lists.page(query)

    @use_case("orders.order_history")
    async def order_history(self, caller: Caller, order_id: str) -> list[OrderEvent]:
        await self.get_order(caller, order_id)
        return await self.lists.events(order_id)
