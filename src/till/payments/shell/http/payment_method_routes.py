"""`POST /v1/payment-methods`: cards and bank accounts, tokenised. The number
and CVC are never returned, logged or stored in clear."""

from fastapi import APIRouter, status

from till.kernel.errors import ValidationFailed
from till.payments.core.billing import BillingDetails
from till.payments.core.commands import NewPaymentMethod
from till.payments.core.payment_methods import PaymentMethod
from till.payments.shell.http.dependencies import (
    Commands,
    LimitedCaller,
    PaymentIpLimit,
)
from till.payments.shell.http.schemas import (
    BankTransferOut,
    CardOut,
    PaymentMethodOut,
    PaymentMethodRequest,
)
from till.platform.openapi import problems

router = APIRouter(tags=["payments"])


def method_out(method: PaymentMethod) -> PaymentMethodOut:
    card = bank = None
    if method.type == "card":
        card = CardOut(
            brand=method.brand or "unknown",
            last4=method.last4,
            exp_month=method.exp_month or 0,
            exp_year=method.exp_year or 0,
        )
    else:
        bank = BankTransferOut(last4=method.last4)
    return PaymentMethodOut(
        id=method.id,
        type=method.type,
        customer_id=method.customer_id,
        card=card,
        bank_transfer=bank,
        billing_details=method.billing.to_dict() if method.billing else None,
    )


def _billing(body: PaymentMethodRequest) -> BillingDetails | None:
    given = body.billing_details
    return None if given is None else BillingDetails(**given.model_dump())


def _new_method(body: PaymentMethodRequest) -> NewPaymentMethod:
    billing = _billing(body)
    if body.type == "card":
        if body.card is None or body.bank_transfer is not None:
            raise ValidationFailed("a card method needs `card` only", param="card")
        card = body.card
        return NewPaymentMethod(
            "card",
            card.number,
            card.exp_month,
            card.exp_year,
            card.cvc,
            body.customer_id,
            billing,
        )
    if body.bank_transfer is None or body.card is not None:
        raise ValidationFailed(
            "a bank transfer method needs `bank_transfer` only", param="bank_transfer"
        )
    return NewPaymentMethod(
        "bank_transfer",
        body.bank_transfer.iban,
        customer_id=body.customer_id,
        billing=billing,
    )


@router.post(
    "/v1/payment-methods",
    status_code=status.HTTP_201_CREATED,
    dependencies=[PaymentIpLimit],
    responses=problems(
        "rate_limited",
        validation_error={"detail": "card number is not valid", "param": "card.number"},
    ),
)
async def add_payment_method(
    body: PaymentMethodRequest, caller: LimitedCaller, payments: Commands
) -> PaymentMethodOut:
    """Validates (Luhn, expiry, CVC length; IBAN mod-97) and keeps brand, last 4
    and expiry; the number only encrypted; the CVC nowhere."""
    try:
        method = await payments.add_payment_method(caller, _new_method(body))
    except ValidationFailed as error:
        # the core names the field; the API names its place in the body, as
        # the schema's own errors do (`card.cvc`)
        if error.param in _CARD_FIELDS:
            error.param = f"card.{error.param}"
        elif error.param == "iban":
            error.param = "bank_transfer.iban"
        elif error.param in _BILLING_FIELDS:
            error.param = f"billing_details.{error.param}"
        raise
    return method_out(method)


_CARD_FIELDS = frozenset({"number", "exp_month", "exp_year", "cvc"})
_BILLING_FIELDS = frozenset(
    {"name", "email", "line1", "city", "postal_code", "country"}
)
