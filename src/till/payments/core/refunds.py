"""Refunds of a payment: each is reserved (`refund.created`, status `pending`)
before the processor is asked, so two concurrent refunds can never give back
more than was received; then `refund.completed` or `refund.failed`."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from till.kernel.errors import NotFound
from till.payments.core import events as ev
from till.payments.core.events import PaymentEvent


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    payment_id: str
    amount: int  # minor units of the payment's currency
    status: RefundStatus
    reason: str | None
    created_at: datetime
    failure_code: str | None = None


def pending_amount(refunds: tuple[Refund, ...]) -> int:
    return sum(r.amount for r in refunds if r.status is RefundStatus.PENDING)


def find_pending(refunds: tuple[Refund, ...], refund_id: str) -> Refund:
    for refund in refunds:
        if refund.id == refund_id and refund.status is RefundStatus.PENDING:
            return refund
    raise NotFound(f"no pending refund {refund_id}")


def apply_refund_event(
    refunds: tuple[Refund, ...], event: PaymentEvent
) -> tuple[Refund, ...]:
    """The refunds after one refund.* event (a fold step; no rule checked)."""
    refund_id = str(event.data["refund_id"])
    if event.type == ev.REFUND_CREATED:
        reason = event.data.get("reason")
        created = Refund(
            refund_id,
            event.payment_id,
            event.amount,
            RefundStatus.PENDING,
            None if reason is None else str(reason),
            event.at,
        )
        return (*refunds, created)
    status, code = RefundStatus.SUCCEEDED, None
    if event.type == ev.REFUND_FAILED:
        status, code = RefundStatus.FAILED, str(event.data.get("code"))
    return tuple(
        replace(r, status=status, failure_code=code) if r.id == refund_id else r
        for r in refunds
    )
