"""The public shapes of API.md as plain data: the payment and refund objects.
One source for HTTP responses, outbox payloads and webhooks."""

from datetime import UTC, datetime
from typing import Any

from till.payments.core.models import Payment
from till.payments.core.refunds import Refund


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def payment_view(payment: Payment) -> dict[str, Any]:
    failure = None
    if payment.failure_code is not None:
        failure = {"code": payment.failure_code, "message": payment.failure_message}
    return {
        "id": payment.id,
        "object": "payment",
        "amount": payment.amount.amount,
        "currency": payment.currency.code,
        "status": payment.status.value,
        "customer_id": payment.customer_id,
        "payment_method": payment.payment_method,
        "capture_method": payment.capture_method,
        "amount_capturable": payment.amount_capturable,
        "amount_received": payment.amount_received,
        "amount_refunded": payment.amount_refunded,
        "description": payment.description,
        "metadata": payment.metadata,
        # Fraud scoring arrives with the asynchronous side (issue 4); until
        # then no payment is assessed, and the object says so (Stripe's level).
        "risk": {"score": None, "level": "not_assessed"},
        "failure": failure,
        "created_at": rfc3339(payment.created_at),
        "updated_at": rfc3339(payment.updated_at),
    }


def refund_view(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.id,
        "object": "refund",
        "payment_id": refund.payment_id,
        "amount": refund.amount,
        "status": refund.status.value,
        "reason": refund.reason,
        "failure_code": refund.failure_code,
        "created_at": rfc3339(refund.created_at),
    }
