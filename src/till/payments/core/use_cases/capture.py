"""Capture a held payment (`POST /v1/payments/{id}/capture`).

Rules: a service or an admin; only `requires_capture`; 1 ≤ amount ≤ capturable
(default: all of it). The processor is asked under a key derived from the
payment, so two concurrent captures never take the money twice."""

from datetime import datetime

from till.kernel.errors import InvalidState
from till.payments.core.access import Caller, require_staff, require_visible
from till.payments.core.events import PaymentEvent
from till.payments.core.fees import FeeSchedule, recorded_fee
from till.payments.core.gateway import GatewayResult
from till.payments.core.models import Payment, Status


def check_capture(payment: Payment, caller: Caller, amount: int | None) -> int:
    """The amount to capture, once every rule holds (nothing is recorded yet)."""
    require_visible(caller, payment.customer_id, "payment")
    require_staff(caller, "capture a payment")
    payment.capture(payment.updated_at, amount)  # the rules, on a throwaway copy
    return payment.amount_capturable if amount is None else amount


def capture_key(payment: Payment) -> str:
    return f"{payment.id}:capture"


def settle_capture(
    payment: Payment,
    amount: int,
    now: datetime,
    result: GatewayResult | None,
    fees: FeeSchedule,
) -> tuple[Payment, list[PaymentEvent]]:
    """The capture the processor made, with its fee (its own figure from
    `result`, else `fees`')."""
    if payment.status is not Status.REQUIRES_CAPTURE:
        raise InvalidState(state=payment.status.value, action="capture")
    given = None if result is None else result.fee
    return payment.capture(now, amount, recorded_fee(amount, given, fees))
