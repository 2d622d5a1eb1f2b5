"""The payment commands over HTTP: each POST runs under its Idempotency-Key
and answers with the response stored in the command's transaction."""

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Request, status
from starlette.responses import Response

from till.kernel.idempotency import StoredResponse
from till.kernel.money import Money, currency
from till.payments.core.commands import PaymentIntent, RefundRequest
from till.payments.core.models import Payment, Status
from till.payments.core.refunds import Refund
from till.payments.core.views import payment_view, refund_view
from till.payments.shell.http import schema_examples as ex
from till.payments.shell.http.dependencies import (
    Commands,
    Idempotency,
    LimitedCaller,
    PaymentIpLimit,
)
from till.payments.shell.http.idempotent import (
    JSON_PROBLEM,
    json_response,
    run_idempotent,
)
from till.payments.shell.http.schemas import (
    CaptureRequest,
    ConfirmRequest,
    PaymentOut,
    PaymentRequest,
    RefundOut,
    RefundRequestIn,
)
from till.platform.client_address import client_ip
from till.platform.openapi import problems
from till.platform.problems import problem_body
from till.platform.request_context import request_id_var

router = APIRouter(
    tags=["payments"],
    dependencies=[PaymentIpLimit],
    responses=problems("rate_limited", "gateway_unavailable"),
)
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Required: 1–255 characters, unique per operation.",
    ),
]


def _payment(code: int) -> Callable[[Any], StoredResponse]:
    def render(payment: Payment) -> StoredResponse:
        return json_response(code, payment_view(payment))

    return render


def _confirmed(payment: Payment) -> StoredResponse:
    """Confirming a card that is declined answers 402 with the decline code."""
    if payment.status is not Status.FAILED:
        return json_response(200, payment_view(payment))
    body = problem_body(
        402,
        payment.failure_code or "card_declined",
        payment.failure_message or "the payment was declined",
        "payment_method",
        request_id_var.get(),
    )
    body["payment"] = payment_view(payment)
    return StoredResponse(402, JSON_PROBLEM, orjson.dumps(body))


def _refund(refund: Refund) -> StoredResponse:
    return json_response(201, refund_view(refund))


@router.post(
    "/v1/payments",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentOut,
    responses=problems(forbidden={"detail": "a user can only pay as themselves"}),
)
async def create_payment(
    request: Request,
    body: PaymentRequest,
    caller: LimitedCaller,
    payments: Commands,
    keys: Idempotency,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Creates a payment; with `confirm: true` charges it at once (a declined
    card still answers 201, with `status: failed` and `failure.code`)."""
    intent = PaymentIntent(
        amount=Money(body.amount, currency(body.currency)),
        customer_id=body.customer_id,
        payment_method=body.payment_method,
        description=body.description,
        metadata=body.metadata,
        capture_method=body.capture_method,
        confirm=body.confirm,
    )
    return await run_idempotent(
        request,
        caller,
        keys,
        "pay",
        _payment(201),
        lambda scope: payments.create_payment(
            caller, intent, scope, client_ip(request)
        ),
    )


@router.post(
    "/v1/payments/{payment_id}/confirm",
    response_model=PaymentOut,
    responses=problems(
        card_declined={"payment": ex.DECLINED_PAYMENT},
        invalid_state={"detail": "cannot confirm when status is completed"},
    ),
)
async def confirm_payment(
    request: Request,
    payment_id: str,
    caller: LimitedCaller,
    payments: Commands,
    keys: Idempotency,
    body: ConfirmRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Charges a pending payment (owner or service). A decline answers 402 with
    its code (`card_declined`, `insufficient_funds`, ...)."""
    method = body.payment_method if body else None
    return await run_idempotent(
        request,
        caller,
        keys,
        "pay",
        _confirmed,
        lambda scope: payments.confirm_payment(
            caller, payment_id, method, scope, client_ip(request)
        ),
    )


@router.post(
    "/v1/payments/{payment_id}/capture",
    response_model=PaymentOut,
    responses=problems(
        forbidden={"detail": "only a service or an admin may capture a payment"},
        invalid_state={"detail": "cannot capture when status is completed"},
    ),
)
async def capture_payment(
    request: Request,
    payment_id: str,
    caller: LimitedCaller,
    payments: Commands,
    keys: Idempotency,
    body: CaptureRequest | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Takes a held payment (service or admin); `amount` ≤ capturable."""
    amount = body.amount if body else None
    return await run_idempotent(
        request,
        caller,
        keys,
        "pay",
        _payment(200),
        lambda scope: payments.capture_payment(caller, payment_id, amount, scope),
    )


@router.post(
    "/v1/payments/{payment_id}/cancel",
    response_model=PaymentOut,
    responses=problems("invalid_state"),
)
async def cancel_payment(
    request: Request,
    payment_id: str,
    caller: LimitedCaller,
    payments: Commands,
    keys: Idempotency,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Cancels a pending or held payment; any other status → 409 `invalid_state`."""
    return await run_idempotent(
        request,
        caller,
        keys,
        "pay",
        _payment(200),
        lambda scope: payments.cancel_payment(caller, payment_id, scope),
    )


@router.post(
    "/v1/payments/{payment_id}/refunds",
    status_code=status.HTTP_201_CREATED,
    response_model=RefundOut,
    responses=problems(
        forbidden={"detail": "only a service or an admin may refund a payment"},
        mfa_required={"detail": "refunds above 100000 need a recent MFA check"},
        invalid_state={"detail": "cannot refund when status is pending"},
        validation_error={
            "detail": "refund of 3000 exceeds refundable 2500",
            "param": "amount",
        },
    ),
)
async def refund_payment(
    request: Request,
    payment_id: str,
    caller: LimitedCaller,
    payments: Commands,
    keys: Idempotency,
    body: RefundRequestIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Gives money back (service or admin; an admin needs recent MFA above the
    configured amount). More than refundable → 422."""
    wanted = RefundRequest(
        amount=body.amount if body else None, reason=body.reason if body else None
    )
    return await run_idempotent(
        request,
        caller,
        keys,
        "re",
        _refund,
        lambda scope: payments.refund_payment(caller, payment_id, wanted, scope),
    )
