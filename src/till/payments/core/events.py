"""Payment events: the truth of a payment is its stream of these; the Payment
value is a fold over them (`replay`). Type names are the public event names of
API.md (published to RabbitMQ and webhooks), plus `payment.review_approved`."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CREATED = "payment.created"
PROCESSING = "payment.processing"
REQUIRES_CAPTURE = "payment.requires_capture"
REQUIRES_REVIEW = "payment.requires_review"
REVIEW_APPROVED = "payment.review_approved"
PROCESSOR_PENDING = "payment.processor_pending"  # answer later, or unknown
COMPLETED = "payment.completed"
FAILED = "payment.failed"
CANCELED = "payment.canceled"
REFUND_CREATED = "refund.created"  # the amount is reserved, the processor asked
REFUND_COMPLETED = "refund.completed"  # the processor gave the money back
REFUND_FAILED = "refund.failed"  # it did not: the reservation is released


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    type: str
    payment_id: str
    at: datetime
    amount: int = 0  # minor units this event moves (captured, refunded)
    data: dict[str, Any] = field(default_factory=dict)
