"""Payment events: the truth of a payment is its stream of these; the Payment
value is a fold over them (`replay`)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CREATED = "payment.created"
PROCESSING = "payment.processing"
REQUIRES_CAPTURE = "payment.requires_capture"
REQUIRES_REVIEW = "payment.requires_review"
REVIEW_APPROVED = "payment.review_approved"
COMPLETED = "payment.completed"
FAILED = "payment.failed"
CANCELED = "payment.canceled"
REFUNDED = "payment.refunded"  # one refund (partial or the rest)


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    type: str
    payment_id: str
    at: datetime
    amount: int = 0  # minor units this event moves (captured, refunded)
    data: dict[str, Any] = field(default_factory=dict)
