"""The strangler router (ADR 0017): mounted in front of the orders routes
when a legacy shop is configured. Each request is sent to one side, decided
by `OrderRouter`: the new service, called in process through
`NewOrdersPort` (the orders routes themselves, with their own validation,
idempotency and errors), or the legacy shop through `LegacySide`. Either
way the answer is API.md's, plus `Till-Served-By: new|legacy`. GETs legacy
answered may be shadow-read. `/pay` and `/history` are not declared here:
the orders routes behind serve them."""

from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from till.migration.core.access import Caller
from till.migration.core.order_routing import (
    CREATE_FLAG,
    READ_FLAG,
    TRANSITION_FLAG,
    TRANSITIONS,
    Route,
    Side,
)
from till.migration.core.router_ports import OrderObject
from till.migration.shell.http.dependencies import CurrentCaller
from till.migration.shell.http.legacy_idempotency import run_on_legacy
from till.migration.shell.http.strangler_schemas import OrderRequest, StatusFilter
from till.migration.shell.orchestrators.legacy_side import LegacySide
from till.migration.shell.orchestrators.order_router import OrderRouter
from till.migration.shell.orchestrators.shadow_reads import ShadowReads
from till.platform.idempotency import IdempotencyStore
from till.platform.idempotent_http import json_response
from till.platform.pagination import Limit, StartingAfter

SERVED_BY = "Till-Served-By"
router = APIRouter(include_in_schema=False)  # the orders routes document them


class NewOrdersPort(Protocol):
    async def forward(self, request: Request) -> Response:
        """The orders service's own answer to this request (in process)."""


class Strangler:
    """What the router's handlers need, put on `app.state.strangler`."""

    def __init__(
        self,
        routing: OrderRouter,
        new: NewOrdersPort,
        legacy: LegacySide,
        shadow: ShadowReads,
        keys: IdempotencyStore,
    ) -> None:
        self.routing = routing
        self.new = new
        self.legacy = legacy
        self.shadow = shadow
        self.keys = keys


async def _strangler(request: Request) -> Strangler:
    strangler: Strangler = request.app.state.strangler
    return strangler


Parts = Annotated[Strangler, Depends(_strangler)]


def _served(response: Response, side: Side) -> Response:
    response.headers[SERVED_BY] = side.value
    return response


def _json(answer: OrderObject) -> Response:
    stored = json_response(200, answer)
    return Response(stored.body, 200, media_type=stored.content_type)


async def _new(parts: Strangler, request: Request) -> Response:
    return _served(await parts.new.forward(request), Side.NEW)


@router.post("/v1/orders")
async def create_order(
    request: Request, body: OrderRequest, caller: CurrentCaller, parts: Parts
) -> Response:
    route = await parts.routing.for_customer(caller, CREATE_FLAG, body.customer_id)
    if route.side is Side.NEW:
        return await _new(parts, request)
    items = [item.model_dump() for item in body.items]
    answer = await run_on_legacy(
        request,
        caller,
        parts.keys,
        201,
        lambda: parts.legacy.create(
            caller, customer_id=body.customer_id, currency=body.currency, items=items
        ),
    )
    return _served(answer, Side.LEGACY)


@router.get("/v1/orders")
async def list_orders(
    request: Request,
    caller: CurrentCaller,
    parts: Parts,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    status: StatusFilter | None = None,
    limit: Limit = 20,
    starting_after: StartingAfter = None,
) -> Response:
    """Served wholly by the side `orders.read` picks for the customer."""
    route = await parts.routing.for_customer(caller, READ_FLAG, customer_id)
    if route.side is Side.NEW:
        return await _new(parts, request)
    page = await parts.legacy.list_orders(
        caller,
        customer_id=customer_id,
        status=status,
        limit=limit,
        starting_after=starting_after,
    )
    parts.shadow.after_list("list", page.get("data") or [])
    answer = {"object": "list", "data": page["data"], "has_more": page["has_more"]}
    return _served(_json(answer), Side.LEGACY)


@router.get("/v1/orders/{order_id}")
async def get_order(
    request: Request, order_id: str, caller: CurrentCaller, parts: Parts
) -> Response:
    route = await parts.routing.for_order(READ_FLAG, order_id)
    if route.side is Side.NEW:
        return await _new(parts, request)
    order = await parts.legacy.get(caller, order_id, route.legacy_id)
    parts.shadow.after_get("get", order)
    return _served(_json(order), Side.LEGACY)


async def _act(
    action: str, request: Request, order_id: str, caller: Caller, parts: Strangler
) -> Response:
    route: Route = await parts.routing.for_order(TRANSITION_FLAG, order_id)
    if route.side is Side.NEW:
        return await _new(parts, request)

    async def call() -> dict[str, Any]:
        return await parts.legacy.act(caller, action, order_id, route.legacy_id)

    answer = await run_on_legacy(request, caller, parts.keys, 200, call)
    return _served(answer, Side.LEGACY)


def _transition(action: str) -> None:
    async def transition(
        request: Request, order_id: str, caller: CurrentCaller, parts: Parts
    ) -> Response:
        return await _act(action, request, order_id, caller, parts)

    transition.__name__ = f"{action}_order"
    router.post(f"/v1/orders/{{order_id}}/{action}")(transition)


for _action in TRANSITIONS:
    _transition(_action)
