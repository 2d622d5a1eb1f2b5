"""Reading payments: one, a list, and the audit trail of one."""

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query
from starlette.responses import Response

from till.kernel.errors import ValidationFailed
from till.kernel.ids import is_id_of
from till.payments.core.commands import PaymentListQuery
from till.payments.core.views import payment_view, rfc3339
from till.payments.shell.http.dependencies import CurrentCaller, Queries
from till.payments.shell.http.schemas import PaymentEventOut, PaymentOut
from till.platform.openapi import problems
from till.platform.pagination import Limit, StartingAfter
from till.platform.schemas import ListOf

router = APIRouter(tags=["payments"])
StatusFilter = Literal[
    "pending",
    "processing",
    "requires_capture",
    "requires_review",
    "completed",
    "partially_refunded",
    "refunded",
    "failed",
    "canceled",
]


def _json(data: object) -> Response:
    return Response(orjson.dumps(data), media_type="application/json")


@router.get("/v1/payments/{payment_id}", response_model=PaymentOut)
async def get_payment(
    payment_id: str, caller: CurrentCaller, payments: Queries
) -> Response:
    """The owner, a service or an admin; anyone else gets 404."""
    document = await payments.payment_document(caller, payment_id)
    return Response(document, media_type="application/json")


@router.get("/v1/payments", response_model=ListOf[PaymentOut])
async def list_payments(
    caller: CurrentCaller,
    payments: Queries,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    status: StatusFilter | None = None,
    limit: Limit = 20,
    starting_after: StartingAfter = None,
) -> Response:
    """Newest first. A user sees only their own payments."""
    if starting_after is not None and not is_id_of("pay", starting_after):
        raise ValidationFailed("unknown cursor", param="starting_after")
    query = PaymentListQuery(customer_id, status, limit, starting_after)
    if query == PaymentListQuery() and not caller.is_staff:
        history = await payments.history_document(caller)
        return Response(history, media_type="application/json")
    found, more = await payments.list_payments(caller, query)
    return _json(
        {
            "object": "list",
            "data": [payment_view(p) for p in found],
            "has_more": more,
        }
    )


@router.get(
    "/v1/payments/{payment_id}/events",
    response_model=ListOf[PaymentEventOut],
    responses=problems(
        forbidden={
            "detail": "only a service or an admin may read a payment's audit trail"
        }
    ),
)
async def payment_events(
    payment_id: str, caller: CurrentCaller, payments: Queries
) -> Response:
    """The payment's event stream, oldest first (services and admins)."""
    events = await payments.payment_events(caller, payment_id)
    data = [
        {
            "version": version,
            "type": e.type,
            "at": rfc3339(e.at),
            "amount": e.amount,
            "data": e.data,
        }
        for version, e in enumerate(events, start=1)
    ]
    return _json({"object": "list", "data": data, "has_more": False})
