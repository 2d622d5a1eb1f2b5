"""What `StripeGateway` sends to Stripe and how it reads the answers: pure
functions from the core's value types to Stripe parameters and from Stripe
objects (PaymentIntent, Refund, card errors) to `GatewayResult`."""

import hashlib
import re
from typing import TYPE_CHECKING, Any, cast

import stripe

from till.kernel.money import Money
from till.payments.core.gateway import (
    DECLINE_CODES,
    ChargeRequest,
    GatewayRejected,
    GatewayResult,
    Outcome,
)

if TYPE_CHECKING:
    from stripe.params import PaymentIntentCreateParams

# Stripe keeps ISK two-decimal in its API (100 = 1 króna); till follows ISO (0).
_STRIPE_SCALE = {"isk": 100}
_INTENT_OUTCOMES = {
    "succeeded": Outcome.SUCCEEDED,
    "requires_capture": Outcome.REQUIRES_CAPTURE,
    "processing": Outcome.PENDING,
    "requires_action": Outcome.PENDING,
    "requires_confirmation": Outcome.PENDING,
}
_REFUND_OUTCOMES = {
    "succeeded": Outcome.SUCCEEDED,
    "pending": Outcome.PENDING,
    "requires_action": Outcome.PENDING,
}
# Card numbers (12-19 digits, maybe grouped), IBANs, Stripe secret keys.
_SECRETS = re.compile(
    r"\d(?:[ -]?\d){11,18}|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b|\b[sr]k_(?:live|test)_\w+"
)


def stripe_idempotency_key(operation: str, key: str) -> str:
    """The Stripe key for our `key`: one per operation, since Stripe refuses a key
    reused on another endpoint; hashed when over Stripe's 255 characters."""
    derived = f"till:{operation}:{key}"
    if len(derived) <= 255:
        return derived
    return f"till:{operation}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def scrub(text: str | None, secret: str | None = None) -> str:
    """`text` without `secret` nor anything shaped like a card number, an IBAN or
    a Stripe secret key."""
    text = text or ""
    if secret:
        text = text.replace(secret, "[redacted]")
    return _SECRETS.sub("[redacted]", text)


def stripe_amount(money: Money) -> int:
    return money.amount * _STRIPE_SCALE.get(money.currency.code, 1)


def charge_params(request: ChargeRequest) -> "PaymentIntentCreateParams":
    """A PaymentIntent created and confirmed at once. Raw card data: the Stripe
    account must be enabled for it. The params types omit `payment_method_data.
    card` (it is not in Stripe's public spec), hence the cast."""
    metadata = {"till_payment_id": request.payment_id}
    if request.customer_id:
        metadata["till_customer_id"] = request.customer_id
    params: dict[str, Any] = {
        "amount": stripe_amount(request.amount),
        "currency": request.amount.currency.code,
        "capture_method": "automatic" if request.capture else "manual",
        "confirm": True,
        "metadata": metadata,
    }
    if request.description:
        params["description"] = request.description
    if request.method_type == "card":
        card: dict[str, Any] = {"number": request.secret}
        if request.exp_month is not None and request.exp_year is not None:
            card |= {"exp_month": request.exp_month, "exp_year": request.exp_year}
        params["payment_method_types"] = ["card"]
        params["payment_method_data"] = {"type": "card", "card": card}
        params["error_on_requires_action"] = True  # no 3-D Secure flow: decline
    elif request.method_type == "bank_transfer":
        params["payment_method_types"] = ["sepa_debit"]
        params["payment_method_data"] = {
            "type": "sepa_debit",
            "sepa_debit": {"iban": request.secret},
        }
        params["mandate_data"] = {"customer_acceptance": {"type": "offline"}}
    else:
        raise GatewayRejected(f"stripe cannot charge a {request.method_type!r}")
    return cast("PaymentIntentCreateParams", params)


def _decline_code(decline_code: str | None, code: str | None) -> str:
    for candidate in (decline_code, code):
        if candidate is not None and candidate in DECLINE_CODES:
            return candidate
    return "card_declined"


def declined_result(error: stripe.CardError, secret: str | None) -> GatewayResult:
    """A 402 card error; its PaymentIntent (if any) is the reference."""
    details = error.error
    if details is None:
        return GatewayResult(Outcome.DECLINED, None, _decline_code(None, error.code))
    intent = details.payment_intent
    return GatewayResult(
        Outcome.DECLINED,
        reference=intent.id if intent is not None else None,
        decline_code=_decline_code(details.decline_code, error.code),
        message=scrub(details.message, secret) or "declined",
    )


def intent_result(
    intent: stripe.PaymentIntent, canceled: Outcome = Outcome.DECLINED
) -> GatewayResult:
    """A PaymentIntent's status. `canceled` is a success for a void, and no
    charge (DECLINED, message "canceled") for a lookup."""
    if intent.status == "canceled":
        return GatewayResult(canceled, intent.id, message="canceled")
    if intent.status in _INTENT_OUTCOMES:
        return GatewayResult(_INTENT_OUTCOMES[intent.status], intent.id)
    failure = intent.last_payment_error  # requires_payment_method: it failed
    if failure is None:
        return GatewayResult(Outcome.DECLINED, intent.id, "card_declined", "failed")
    return GatewayResult(
        Outcome.DECLINED,
        intent.id,
        _decline_code(failure.decline_code, failure.code),
        scrub(failure.message) or intent.status,
    )


def refund_result(refund: stripe.Refund) -> GatewayResult:
    if refund.status in _REFUND_OUTCOMES:
        return GatewayResult(_REFUND_OUTCOMES[refund.status], refund.id)
    reason = refund.failure_reason or refund.status or "failed"
    return GatewayResult(Outcome.DECLINED, refund.id, "processing_error", reason)
