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
        "risk": risk_view(payment),
        "failure": failure,
        "created_at": rfc3339(payment.created_at),
        "updated_at": rfc3339(payment.updated_at),
    }


def risk_view(payment: Payment) -> dict[str, Any]:
    """Score and Stripe's level; the reasons stay with staff (reviews), so a
    payer cannot learn which rule to dodge. Unconfirmed: not assessed yet."""
    if payment.risk is None:
        return {"score": None, "level": "not_assessed"}
    return {"score": payment.risk.score, "level": payment.risk.level.value}


def review_view(payment: Payment) -> dict[str, Any]:
    """A review in the queue (Stripe's review object, trimmed)."""
    risk = payment.risk
    return {
        "id": payment.review_id,
        "object": "review",
        "payment_id": payment.id,
        "open": payment.status.value == "requires_review",
        "reason": "rule",
        "amount": payment.amount.amount,
        "currency": payment.currency.code,
        "customer_id": payment.customer_id,
        "risk": {
            "score": None if risk is None else risk.score,
            "level": None if risk is None else risk.level.value,
            "reasons": [] if risk is None else list(risk.reasons),
        },
        "created_at": rfc3339(payment.updated_at),
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
