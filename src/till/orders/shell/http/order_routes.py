"""The order commands over HTTP: each POST runs under its Idempotency-Key and
answers with the response stored in the command's transaction."""

from typing import Annotated

from fastapi import APIRouter, Header, Request, status
from starlette.responses import Response

from till.kernel.idempotency import StoredResponse
from till.orders.core.commands import NewOrder
from till.orders.core.errors import PaymentsUnavailable
from till.orders.core.items import LineItem
from till.orders.core.models import Order
from till.orders.core.views import order_view
from till.orders.shell.http.dependencies import Commands, CurrentCaller, Idempotency
from till.orders.shell.http.schemas import OrderOut, OrderRequest, PayRequest
from till.platform.client_address import client_ip
from till.platform.idempotent_http import json_response, run_idempotent
from till.platform.openapi import problems

router = APIRouter(tags=["orders"])
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Required: 1–255 characters, unique per operation.",
    ),
]
RESUMABLE = (PaymentsUnavailable,)


def _created(order: Order) -> StoredResponse:
    return json_response(201, order_view(order))


def _ok(order: Order) -> StoredResponse:
    return json_response(200, order_view(order))


@router.post(
    "/v1/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderOut,
    responses=problems(
        forbidden={"detail": "a user can only order as themselves"},
        validation_error={"detail": "Extra inputs are not permitted", "param": "total"},
    ),
)
async def create_order(
    request: Request,
    body: OrderRequest,
    caller: CurrentCaller,
    orders: Commands,
    keys: Idempotency,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Creates an order awaiting payment; totals are computed from the items
    (`amount = quantity × unit_amount`, minor units)."""
    wanted = NewOrder(
        currency=body.currency,
        items=tuple(
            LineItem(i.sku, i.name, i.quantity, i.unit_amount) for i in body.items
        ),
        customer_id=body.customer_id,
    )
    return await run_idempotent(
        request,
        f"{caller.kind}:{caller.id}",
        keys,
        "ord",
        _created,
        lambda scope: orders.create_order(caller, wanted, scope),
    )


@router.post(
    "/v1/orders/{order_id}/pay",
    response_model=OrderOut,
    responses=problems(
        "card_declined",
        "gateway_unavailable",
        invalid_state={"detail": "cannot pay when status is paid"},
    ),
)
async def pay_order(
    request: Request,
    order_id: str,
    body: PayRequest,
    caller: CurrentCaller,
    orders: Commands,
    keys: Idempotency,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Charges the order's total (owner or service): 200 with `payment_id`;
    the order turns `paid` when `payment.completed` arrives. A decline → 402
    with its code, and the order may be paid again."""
    return await run_idempotent(
        request,
        f"{caller.kind}:{caller.id}",
        keys,
        "pay",
        _ok,
        lambda scope: orders.pay_order(
            caller, order_id, body.payment_method, scope, client_ip(request)
        ),
        RESUMABLE,
    )


@router.post(
    "/v1/orders/{order_id}/cancel",
    response_model=OrderOut,
    responses=problems(
        "gateway_unavailable",
        invalid_state={"detail": "cannot cancel when status is shipped"},
    ),
)
async def cancel_order(
    request: Request,
    order_id: str,
    caller: CurrentCaller,
    orders: Commands,
    keys: Idempotency,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Owner, service or admin; awaiting payment or paid (a paid order's
    payment is refunded in full); otherwise 409 `invalid_state`."""
    return await run_idempotent(
        request,
        f"{caller.kind}:{caller.id}",
        keys,
        "re",
        _ok,
        lambda scope: orders.cancel_order(caller, order_id, scope),
        RESUMABLE,
    )


def _move(action: str, doc: str, before: str) -> None:
    async def move(
        request: Request,
        order_id: str,
        caller: CurrentCaller,
        orders: Commands,
        keys: Idempotency,
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        return await run_idempotent(
            request,
            f"{caller.kind}:{caller.id}",
            keys,
            "ord",
            _ok,
            lambda scope: orders.move_order(caller, order_id, action, scope),
        )

    move.__doc__ = doc
    move.__name__ = f"{action}_order"
    router.post(
        f"/v1/orders/{{order_id}}/{action}",
        response_model=OrderOut,
        responses=problems(
            forbidden={"detail": f"you may not {action} this order"},
            invalid_state={"detail": f"cannot {action} when status is {before}"},
        ),
    )(move)


_move("fulfill", "A paid order is fulfilled (service or admin).", "pending_payment")
_move("ship", "A fulfilled order is shipped (service or admin).", "paid")
_move("deliver", "A shipped order is delivered (service or admin).", "fulfilled")
