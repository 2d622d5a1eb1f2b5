"""Reading orders: one, a list, and the history of one."""

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query
from starlette.responses import Response

from till.kernel.errors import ValidationFailed
from till.kernel.ids import is_id_of
from till.orders.core.commands import OrderListQuery
from till.orders.core.views import history_view, order_view
from till.orders.shell.http.dependencies import CurrentCaller, Queries
from till.orders.shell.http.schemas import OrderEventOut, OrderOut
from till.platform.pagination import Limit, StartingAfter
from till.platform.schemas import ListOf

router = APIRouter(tags=["orders"])
StatusFilter = Literal[
    "pending_payment",
    "paid",
    "fulfilled",
    "shipped",
    "delivered",
    "canceled",
    "refunded",
]


def _json(data: object) -> Response:
    return Response(orjson.dumps(data), media_type="application/json")


@router.get("/v1/orders/{order_id}", response_model=OrderOut)
async def get_order(order_id: str, caller: CurrentCaller, orders: Queries) -> Response:
    """The owner, a service or an admin; anyone else gets 404."""
    return _json(order_view(await orders.get_order(caller, order_id)))


@router.get("/v1/orders", response_model=ListOf[OrderOut])
async def list_orders(
    caller: CurrentCaller,
    orders: Queries,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    status: StatusFilter | None = None,
    limit: Limit = 20,
    starting_after: StartingAfter = None,
) -> Response:
    """Newest first. A user sees only their own orders."""
    if starting_after is not None and not is_id_of("ord", starting_after):
        raise ValidationFailed("unknown cursor", param="starting_after")
    query = OrderListQuery(customer_id, status, limit, starting_after)
    found, more = await orders.list_orders(caller, query)
    return _json(
        {"object": "list", "data": [order_view(o) for o in found], "has_more": more}
    )


@router.get("/v1/orders/{order_id}/history", response_model=ListOf[OrderEventOut])
async def order_history(
    order_id: str, caller: CurrentCaller, orders: Queries
) -> Response:
    """The order's events, oldest first (owner, service, admin)."""
    events = await orders.order_history(caller, order_id)
    return _json({"object": "list", "data": history_view(events), "has_more": False})
