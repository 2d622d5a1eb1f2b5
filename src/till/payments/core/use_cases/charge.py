"""Confirm a payment: record the attempt (`processing`), ask the processor,
record its answer.

Rules: the payer (or a service) confirms; only a pending payment; the payment
method must belong to the payment's customer (a method without a customer only
to a service's payment without one). The processor is asked under a key derived
from the payment, so asking again after an unknown outcome never charges twice.
An unknown outcome leaves the payment `processing`, never `failed`."""

from datetime import datetime

from till.kernel.errors import NotFound
from till.payments.core.access import Caller, require_owner_or_service
from till.payments.core.events import PaymentEvent
from till.payments.core.fees import FeeSchedule, recorded_fee
from till.payments.core.gateway import ChargeRequest, GatewayResult, Outcome
from till.payments.core.models import Payment
from till.payments.core.payment_methods import PaymentMethod


def require_usable(
    method: PaymentMethod | None, method_id: str, customer_id: str | None
) -> PaymentMethod:
    if method is None or method.customer_id != customer_id:
        raise NotFound("no such payment method", param="payment_method")
    return method


def start_charge(
    payment: Payment,
    caller: Caller,
    method: PaymentMethod | None,
    method_id: str | None,
    gateway: str,
    now: datetime,
) -> tuple[Payment, list[PaymentEvent]]:
    require_owner_or_service(caller, payment.customer_id, "confirm")
    chosen = method_id or payment.payment_method
    if chosen is not None:
        require_usable(method, chosen, payment.customer_id)
    return payment.confirm(now, chosen, gateway=gateway)


def charge_request(
    payment: Payment, method: PaymentMethod, secret: str
) -> ChargeRequest:
    return ChargeRequest(
        payment_id=payment.id,
        amount=payment.amount,
        method_type=method.type,
        secret=secret,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        capture=payment.capture_method == "automatic",
        idempotency_key=f"{payment.id}:authorize",
        customer_id=payment.customer_id,
        description=payment.description,
    )


def settle_charge(
    payment: Payment,
    result: GatewayResult | None,
    now: datetime,
    fees: FeeSchedule,
) -> tuple[Payment, list[PaymentEvent]]:
    """The processor's answer (None: unknown, a timeout) as events; a charge
    taken at once records the processor's fee (its own, else `fees`')."""
    if result is None:
        return payment.await_processor(now, None, "outcome_unknown")
    match result.outcome:
        case Outcome.SUCCEEDED | Outcome.REQUIRES_CAPTURE:
            if payment.capture_method == "manual":
                return payment.authorize(now, result.reference)
            fee = recorded_fee(payment.amount.amount, result.fee, fees)
            return payment.authorize(now, result.reference, fee)
        case Outcome.PENDING:
            return payment.await_processor(now, result.reference, "pending")
    code = result.decline_code or "card_declined"
    return payment.decline(code, now, result.message)
