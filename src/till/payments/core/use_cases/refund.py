"""Refund a payment (`POST /v1/payments/{id}/refunds`): reserve, ask the
processor, record its answer.

Rules: a service or an admin; above the configured threshold an admin must have
passed MFA recently (a service is trusted by its key); only a completed or
partly refunded payment; 1 ≤ amount ≤ refundable (received less refunded and
pending). The reservation commits before the processor is asked, so concurrent
refunds never give back more than was received."""

from datetime import datetime

from till.payments.core.access import (
    Caller,
    MfaRequired,
    require_staff,
    require_visible,
)
from till.payments.core.commands import RefundRequest
from till.payments.core.events import PaymentEvent
from till.payments.core.gateway import GatewayResult, Outcome
from till.payments.core.models import Payment


def reserve_refund(
    payment: Payment,
    caller: Caller,
    request: RefundRequest,
    refund_id: str,
    mfa_threshold: int,
    now: datetime,
) -> tuple[Payment, list[PaymentEvent]]:
    require_visible(caller, payment.customer_id, "payment")
    require_staff(caller, "refund a payment")
    amount = payment.refundable if request.amount is None else request.amount
    if not caller.is_service and amount > mfa_threshold and not caller.recent_mfa:
        raise MfaRequired(f"refunds above {mfa_threshold} need a recent MFA check")
    return payment.refund(now, request.amount, refund_id, request.reason)


def refund_key(refund_id: str) -> str:
    return f"{refund_id}:refund"


def settle_refund(
    payment: Payment, refund_id: str, result: GatewayResult, now: datetime
) -> tuple[Payment, list[PaymentEvent]]:
    if result.outcome is Outcome.DECLINED:
        code = result.decline_code or "processing_error"
        return payment.fail_refund(refund_id, code, now)
    if result.outcome is Outcome.PENDING:
        return payment, []  # the processor finishes later (its webhook, issue 4)
    return payment.complete_refund(refund_id, now, result.reference)
