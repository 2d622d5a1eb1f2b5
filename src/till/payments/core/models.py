"""The Payment aggregate and its state machine (API.md, Payments):

    pending ─confirm→ processing ─→ completed ─refund→ partially_refunded ─→ refunded
       │                 ├─→ requires_capture ─capture→ completed
       │                 ├─→ requires_review ─approve→ processing / ─reject→ canceled
       │                 └─→ failed
       └─cancel→ canceled            requires_capture ─cancel→ canceled

Each action checks the rules, emits one event and returns the payment that the
event leads to (`evolve`). Replaying a payment's events rebuilds it exactly.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from till.kernel.errors import InvalidState, ValidationFailed
from till.kernel.money import Currency, Money
from till.payments.core import events as ev
from till.payments.core.errors import AmountTooLarge
from till.payments.core.events import PaymentEvent


class Status(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    REQUIRES_REVIEW = "requires_review"
    COMPLETED = "completed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    FAILED = "failed"
    CANCELED = "canceled"


TERMINAL = frozenset({Status.REFUNDED, Status.FAILED, Status.CANCELED})
CAPTURE_METHODS = frozenset({"automatic", "manual"})


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    amount: Money
    customer_id: str | None
    capture_method: str
    status: Status
    created_at: datetime
    updated_at: datetime
    amount_capturable: int = 0
    amount_received: int = 0
    amount_refunded: int = 0
    failure_code: str | None = None
    version: int = 0  # events applied: the stream position, for concurrency
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def currency(self) -> Currency:
        return self.amount.currency

    @property
    def refundable(self) -> int:
        return self.amount_received - self.amount_refunded

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise InvalidState(state=self.status.value, action=action)

    def _emit(
        self, type_: str, at: datetime, amount: int = 0, **data: Any
    ) -> tuple["Payment", list[PaymentEvent]]:
        event = PaymentEvent(type_, self.id, at, amount, data)
        return evolve(self, event), [event]

    def confirm(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("confirm", Status.PENDING)
        return self._emit(ev.PROCESSING, at)

    def authorize(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        """The processor approved: completed (automatic capture) or waiting for a
        capture (manual)."""
        self._require("authorize", Status.PROCESSING)
        if self.capture_method == "manual":
            return self._emit(ev.REQUIRES_CAPTURE, at, self.amount.amount)
        return self._emit(ev.COMPLETED, at, self.amount.amount)

    def decline(self, code: str, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("decline", Status.PROCESSING)
        return self._emit(ev.FAILED, at, code=code)

    def hold_for_review(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("hold for review", Status.PROCESSING)
        return self._emit(ev.REQUIRES_REVIEW, at)

    def approve_review(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("approve", Status.REQUIRES_REVIEW)
        return self._emit(ev.REVIEW_APPROVED, at)

    def reject_review(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("reject", Status.REQUIRES_REVIEW)
        return self._emit(ev.CANCELED, at, reason="review_rejected")

    def capture(
        self, at: datetime, amount: int | None = None
    ) -> tuple["Payment", list[PaymentEvent]]:
        """Rules: only a payment waiting for capture; at most the capturable
        amount, at least 1 (the rest is released)."""
        self._require("capture", Status.REQUIRES_CAPTURE)
        taking = self.amount_capturable if amount is None else amount
        _positive(taking)
        if taking > self.amount_capturable:
            raise AmountTooLarge(
                f"capture of {taking} exceeds capturable {self.amount_capturable}"
            )
        return self._emit(ev.COMPLETED, at, taking)

    def cancel(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("cancel", Status.PENDING, Status.REQUIRES_CAPTURE)
        return self._emit(ev.CANCELED, at, reason="requested")

    def refund(
        self, at: datetime, amount: int | None = None, refund_id: str = ""
    ) -> tuple["Payment", list[PaymentEvent]]:
        """Rules: only a completed (or partly refunded) payment; at most what was
        received and not yet refunded, at least 1."""
        self._require("refund", Status.COMPLETED, Status.PARTIALLY_REFUNDED)
        giving = self.refundable if amount is None else amount
        _positive(giving)
        if giving > self.refundable:
            raise AmountTooLarge(
                f"refund of {giving} exceeds refundable {self.refundable}"
            )
        return self._emit(ev.REFUNDED, at, giving, refund_id=refund_id)


def _positive(amount: int) -> None:
    if type(amount) is not int or amount < 1:
        raise ValidationFailed("amount must be a positive integer", param="amount")


def create_payment(
    payment_id: str,
    amount: Money,
    customer_id: str | None,
    capture_method: str,
    at: datetime,
    metadata: dict[str, str] | None = None,
) -> tuple[Payment, list[PaymentEvent]]:
    """Rules: a positive amount; capture method `automatic` or `manual`."""
    _positive(amount.amount)
    if capture_method not in CAPTURE_METHODS:
        raise ValidationFailed("unknown capture method", param="capture_method")
    event = PaymentEvent(
        ev.CREATED,
        payment_id,
        at,
        amount.amount,
        {
            "currency": amount.currency.code,
            "customer_id": customer_id,
            "capture_method": capture_method,
            "metadata": dict(metadata or {}),
        },
    )
    return replay([event]), [event]


def evolve(payment: Payment, event: PaymentEvent) -> Payment:
    """The state after `event`: no rule is checked here (events are facts)."""
    moved = replace(payment, updated_at=event.at, version=payment.version + 1)
    match event.type:
        case ev.PROCESSING | ev.REVIEW_APPROVED:
            return replace(moved, status=Status.PROCESSING)
        case ev.REQUIRES_REVIEW:
            return replace(moved, status=Status.REQUIRES_REVIEW)
        case ev.REQUIRES_CAPTURE:
            return replace(
                moved, status=Status.REQUIRES_CAPTURE, amount_capturable=event.amount
            )
        case ev.COMPLETED:
            return replace(
                moved,
                status=Status.COMPLETED,
                amount_capturable=0,
                amount_received=event.amount,
            )
        case ev.FAILED:
            code = str(event.data.get("code", "processing_error"))
            return replace(moved, status=Status.FAILED, failure_code=code)
        case ev.CANCELED:
            return replace(moved, status=Status.CANCELED, amount_capturable=0)
        case ev.REFUNDED:
            refunded = payment.amount_refunded + event.amount
            fully = refunded == payment.amount_received
            status = Status.REFUNDED if fully else Status.PARTIALLY_REFUNDED
            return replace(moved, status=status, amount_refunded=refunded)
    raise ValueError(f"unknown payment event {event.type!r}")


def replay(events: list[PaymentEvent]) -> Payment:
    """Rebuild a payment from its stream (the first event is its creation)."""
    first, rest = events[0], events[1:]
    if first.type != ev.CREATED:
        raise ValueError("a payment stream starts with payment.created")
    payment = Payment(
        id=first.payment_id,
        amount=Money(first.amount, Currency(str(first.data["currency"]))),
        customer_id=first.data.get("customer_id"),
        capture_method=str(first.data["capture_method"]),
        status=Status.PENDING,
        created_at=first.at,
        updated_at=first.at,
        version=1,
        metadata=dict(first.data.get("metadata", {})),
    )
    for event in rest:
        payment = evolve(payment, event)
    return payment
