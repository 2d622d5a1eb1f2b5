"""Fraud screening's outcome on a confirmed payment, and the review queue
(`GET /v1/reviews`, `POST /v1/reviews/{id}/approve|reject`).

Rules: a payment scored `elevated` waits in `requires_review` (no processor
call); one scored `highest` fails with `fraud_suspected` (nothing charged). Only
an admin who passed MFA recently decides a review: approving continues the
payment to the processor, rejecting cancels it. Listing needs an admin."""

from datetime import datetime

from till.payments.core.access import Caller, require_admin_with_mfa
from till.payments.core.events import PaymentEvent
from till.payments.core.fraud import Level, Risk
from till.payments.core.models import Payment

FRAUD_SUSPECTED = "fraud_suspected"
BLOCKED = "the payment was blocked by fraud screening"


def screen(
    payment: Payment, risk: Risk, review_id: str, now: datetime
) -> tuple[Payment, list[PaymentEvent]]:
    """After `confirm`: hold it, block it, or nothing (the processor is next)."""
    if risk.level is Level.ELEVATED:
        return payment.hold_for_review(now, review_id)
    if risk.level is Level.HIGHEST:
        return payment.decline(FRAUD_SUSPECTED, now, BLOCKED)
    return payment, []


def approve(
    payment: Payment, caller: Caller, now: datetime
) -> tuple[Payment, list[PaymentEvent]]:
    require_admin_with_mfa(caller, "approve a review")
    return payment.approve_review(now)


def reject(
    payment: Payment, caller: Caller, now: datetime
) -> tuple[Payment, list[PaymentEvent]]:
    require_admin_with_mfa(caller, "reject a review")
    return payment.reject_review(now)
