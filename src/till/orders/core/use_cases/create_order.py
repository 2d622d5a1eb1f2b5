"""Create an order (`POST /v1/orders`), awaiting payment.

Rules: 1–100 items, each quantity ≥ 1 and unit_amount ≥ 0 (integers, minor
units); a known currency; totals computed here (a client-sent total is refused
at the edge); a user orders as themselves, a service names the customer."""

from datetime import datetime

from till.kernel.money import currency
from till.orders.core.access import Caller, customer_for, require_scope
from till.orders.core.commands import NewOrder
from till.orders.core.events import OrderEvent
from till.orders.core.items import checked_items
from till.orders.core.models import Order, new_order


def open_order(
    request: NewOrder, caller: Caller, order_id: str, now: datetime
) -> tuple[Order, list[OrderEvent]]:
    require_scope(caller, "orders:write")
    customer = customer_for(caller, request.customer_id)
    return new_order(
        order_id,
        customer,
        currency(request.currency),
        checked_items(request.items),
        now,
    )
