"""Add a payment method (`POST /v1/payment-methods`).

Rules: a card passes Luhn, has a CVC of its brand's length and is not expired;
a bank account has an IBAN passing mod-97. Only brand, last 4 and expiry are
kept in clear; the number (or IBAN) goes to the vault encrypted; the CVC is
checked and dropped. A user adds methods for themselves; a service may name
the customer."""

from dataclasses import replace
from datetime import datetime

from till.kernel.errors import ValidationFailed
from till.payments.core.access import Caller, customer_for
from till.payments.core.cards import CardDetails
from till.payments.core.commands import NewPaymentMethod
from till.payments.core.payment_methods import (
    PaymentMethod,
    bank_transfer_method,
    card_method,
)


def payment_method_from(
    request: NewPaymentMethod, caller: Caller, method_id: str, now: datetime
) -> tuple[PaymentMethod, str]:
    """The method to keep and the secret to vault."""
    customer = customer_for(caller, request.customer_id)
    if request.type == "bank_transfer":
        method, secret = bank_transfer_method(method_id, request.secret, customer, now)
    elif request.type == "card":
        if request.exp_month is None or request.exp_year is None or request.cvc is None:
            raise ValidationFailed("a card needs exp_month, exp_year and cvc")
        card = CardDetails(
            request.secret, request.exp_month, request.exp_year, request.cvc
        )
        method, secret = card_method(method_id, card, customer, now), card.number
    else:
        raise ValidationFailed("unknown payment method type", param="type")
    return replace(method, billing=request.billing), secret
