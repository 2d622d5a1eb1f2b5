"""The Payment aggregate and its state machine (API.md, Payments):

    pending ─confirm→ processing ─→ completed ─refund→ partially_refunded ─→ refunded
       │                 ├─→ requires_capture ─capture→ completed
       │                 ├─→ requires_review ─approve→ processing / ─reject→ canceled
       │                 └─→ failed
       └─cancel→ canceled            requires_capture ─cancel→ canceled

Each action checks the rules, emits one event and returns the payment that the
event leads to (`evolve`). Replaying a payment's events rebuilds it exactly.
A refund is reserved first (`refund`) and moves the status only when the
processor has given the money back (`complete_refund`).
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from till.kernel.errors import Conflict, InvalidState, ValidationFailed
from till.kernel.money import Currency, Money
from till.payments.core import events as ev
from till.payments.core.errors import AmountTooLarge
from till.payments.core.events import PaymentEvent
from till.payments.core.fraud import Risk
from till.payments.core.refunds import (
    Refund,
    apply_refund_event,
    find_pending,
    pending_amount,
)


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
    failure_message: str | None = None
    version: int = 0  # events applied: the stream position, for concurrency
    metadata: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    payment_method: str | None = None
    gateway: str | None = None  # the processor that got the payment
    gateway_reference: str | None = None  # its id for the charge
    refunds: tuple[Refund, ...] = ()
    # A capture or void asked of the processor and not answered yet: another
    # such request waits (409) until it is settled, so the two never race there.
    pending_operation: str | None = None
    risk: Risk | None = None  # the fraud screening's verdict, from confirm on
    review_id: str | None = None  # set when screening held it for a person

    @property
    def currency(self) -> Currency:
        return self.amount.currency

    @property
    def refundable(self) -> int:
        """Received, less what is refunded or being refunded."""
        return (
            self.amount_received - self.amount_refunded - pending_amount(self.refunds)
        )

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise InvalidState(state=self.status.value, action=action)

    def _emit(
        self, type_: str, at: datetime, amount: int = 0, **data: Any
    ) -> tuple["Payment", list[PaymentEvent]]:
        event = PaymentEvent(type_, self.id, at, amount, data)
        return evolve(self, event), [event]

    def confirm(
        self,
        at: datetime,
        payment_method: str | None = None,
        gateway: str = "",
        risk: Risk | None = None,
    ) -> tuple["Payment", list[PaymentEvent]]:
        """Rules: only a pending payment; it needs a payment method (given now or
        at creation). The event records the processor about to be asked and the
        fraud screening's verdict."""
        self._require("confirm", Status.PENDING)
        method = payment_method or self.payment_method
        if method is None:
            raise ValidationFailed(
                "a payment method is needed to confirm", param="payment_method"
            )
        data: dict[str, Any] = {"payment_method": method, "gateway": gateway}
        if risk is not None:
            data["risk"] = risk.as_data()
        return self._emit(ev.PROCESSING, at, **data)

    def authorize(
        self, at: datetime, reference: str | None = None, fee: int = 0
    ) -> tuple["Payment", list[PaymentEvent]]:
        """The processor approved: completed (automatic capture, `fee` kept by
        the processor) or waiting for a capture (manual)."""
        self._require("authorize", Status.PROCESSING)
        if self.capture_method == "manual":
            return self._emit(
                ev.REQUIRES_CAPTURE, at, self.amount.amount, reference=reference
            )
        _fee_within(fee, self.amount.amount)
        return self._emit(
            ev.COMPLETED, at, self.amount.amount, reference=reference, fee=fee
        )

    def await_processor(
        self, at: datetime, reference: str | None, reason: str
    ) -> tuple["Payment", list[PaymentEvent]]:
        """The processor's answer comes later (a bank transfer) or is unknown (a
        timeout): the payment stays `processing`, the attempt on record."""
        self._require("await the processor", Status.PROCESSING)
        return self._emit(ev.PROCESSOR_PENDING, at, reference=reference, reason=reason)

    def decline(
        self, code: str, at: datetime, message: str | None = None
    ) -> tuple["Payment", list[PaymentEvent]]:
        self._require("decline", Status.PROCESSING)
        return self._emit(ev.FAILED, at, code=code, message=message)

    def hold_for_review(
        self, at: datetime, review_id: str
    ) -> tuple["Payment", list[PaymentEvent]]:
        self._require("hold for review", Status.PROCESSING)
        return self._emit(ev.REQUIRES_REVIEW, at, review_id=review_id)

    def approve_review(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("approve", Status.REQUIRES_REVIEW)
        return self._emit(ev.REVIEW_APPROVED, at)

    def reject_review(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("reject", Status.REQUIRES_REVIEW)
        return self._emit(ev.CANCELED, at, reason="review_rejected")

    def request_processor(
        self, operation: str, at: datetime, amount: int = 0
    ) -> tuple["Payment", list[PaymentEvent]]:
        """Record that a capture or void is being asked of the processor, before
        asking: the attempt is on record whatever happens next."""
        self._require(operation, Status.REQUIRES_CAPTURE)
        self._no_other_operation(operation)
        return self._emit(
            ev.PROCESSOR_PENDING, at, amount, operation=operation, reason="requested"
        )

    def _no_other_operation(self, operation: str) -> None:
        if self.pending_operation not in (None, operation):
            raise Conflict(
                f"a {self.pending_operation} is in progress at the processor; "
                "retry once it is settled"
            )

    def capture(
        self, at: datetime, amount: int | None = None, fee: int = 0
    ) -> tuple["Payment", list[PaymentEvent]]:
        """Rules: only a payment waiting for capture; at most the capturable
        amount, at least 1 (the rest is released); the processor's `fee` at
        most the amount taken."""
        self._require("capture", Status.REQUIRES_CAPTURE)
        self._no_other_operation("capture")
        taking = self.amount_capturable if amount is None else amount
        _positive(taking)
        if taking > self.amount_capturable:
            raise AmountTooLarge(
                f"capture of {taking} exceeds capturable {self.amount_capturable}"
            )
        _fee_within(fee, taking)
        return self._emit(ev.COMPLETED, at, taking, fee=fee)

    def cancel(self, at: datetime) -> tuple["Payment", list[PaymentEvent]]:
        self._require("cancel", Status.PENDING, Status.REQUIRES_CAPTURE)
        self._no_other_operation("void")
        return self._emit(ev.CANCELED, at, reason="requested")

    def refund(
        self,
        at: datetime,
        amount: int | None = None,
        refund_id: str = "re_",
        reason: str | None = None,
    ) -> tuple["Payment", list[PaymentEvent]]:
        """Reserve a refund. Rules: only a completed (or partly refunded) payment;
        at most what was received and is not refunded or being refunded, at
        least 1."""
        self._require("refund", Status.COMPLETED, Status.PARTIALLY_REFUNDED)
        giving = self.refundable if amount is None else amount
        _positive(giving)
        if giving > self.refundable:
            raise AmountTooLarge(
                f"refund of {giving} exceeds refundable {self.refundable}"
            )
        return self._emit(
            ev.REFUND_CREATED, at, giving, refund_id=refund_id, reason=reason
        )

    def complete_refund(
        self, refund_id: str, at: datetime, reference: str | None = None
    ) -> tuple["Payment", list[PaymentEvent]]:
        refund = find_pending(self.refunds, refund_id)
        return self._emit(
            ev.REFUND_COMPLETED,
            at,
            refund.amount,
            refund_id=refund_id,
            reference=reference,
        )

    def fail_refund(
        self, refund_id: str, code: str, at: datetime
    ) -> tuple["Payment", list[PaymentEvent]]:
        refund = find_pending(self.refunds, refund_id)
        return self._emit(
            ev.REFUND_FAILED, at, refund.amount, refund_id=refund_id, code=code
        )


def _positive(amount: int) -> None:
    if type(amount) is not int or amount < 1:
        raise ValidationFailed("amount must be a positive integer", param="amount")


def _fee_within(fee: int, amount: int) -> None:
    if type(fee) is not int or not 0 <= fee <= amount:
        raise ValidationFailed("a fee must be between 0 and the amount", param="fee")


def create_payment(
    payment_id: str,
    amount: Money,
    customer_id: str | None,
    capture_method: str,
    at: datetime,
    metadata: dict[str, str] | None = None,
    description: str | None = None,
    payment_method: str | None = None,
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
            "description": description,
            "payment_method": payment_method,
        },
    )
    return replay([event]), [event]


def evolve(payment: Payment, event: PaymentEvent) -> Payment:
    """The state after `event`: no rule is checked here (events are facts)."""
    moved = replace(payment, updated_at=event.at, version=payment.version + 1)
    reference = event.data.get("reference") or payment.gateway_reference
    match event.type:
        case ev.PROCESSING:
            risk = event.data.get("risk")
            return replace(
                moved,
                status=Status.PROCESSING,
                payment_method=event.data.get("payment_method"),
                gateway=event.data.get("gateway"),
                risk=None if risk is None else Risk.from_data(risk),
            )
        case ev.REVIEW_APPROVED:
            return replace(moved, status=Status.PROCESSING)
        case ev.PROCESSOR_PENDING:
            operation = event.data.get("operation")
            return replace(
                moved,
                gateway_reference=reference,
                pending_operation=operation or payment.pending_operation,
            )
        case ev.REQUIRES_REVIEW:
            return replace(
                moved, status=Status.REQUIRES_REVIEW, review_id=event.data["review_id"]
            )
        case ev.REQUIRES_CAPTURE:
            return replace(
                moved,
                status=Status.REQUIRES_CAPTURE,
                amount_capturable=event.amount,
                gateway_reference=reference,
            )
        case ev.COMPLETED:
            return replace(
                moved,
                pending_operation=None,
                status=Status.COMPLETED,
                amount_capturable=0,
                amount_received=event.amount,
                gateway_reference=reference,
            )
        case ev.FAILED:
            return replace(
                moved,
                status=Status.FAILED,
                failure_code=str(event.data.get("code") or "processing_error"),
                failure_message=event.data.get("message"),
            )
        case ev.CANCELED:
            return replace(
                moved,
                status=Status.CANCELED,
                amount_capturable=0,
                pending_operation=None,
            )
        case ev.REFUND_CREATED | ev.REFUND_FAILED:
            return replace(moved, refunds=apply_refund_event(payment.refunds, event))
        case ev.REFUND_COMPLETED:
            refunded = payment.amount_refunded + event.amount
            fully = refunded == payment.amount_received
            return replace(
                moved,
                status=Status.REFUNDED if fully else Status.PARTIALLY_REFUNDED,
                amount_refunded=refunded,
                refunds=apply_refund_event(payment.refunds, event),
            )
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
        description=first.data.get("description"),
        payment_method=first.data.get("payment_method"),
    )
    for event in rest:
        payment = evolve(payment, event)
    return payment
