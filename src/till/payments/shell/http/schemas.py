"""Request and response bodies of the payments API (the OpenAPI schemas).
Requests are strict: unknown fields → 422, no coercion ("10" is not 10)."""

from typing import Annotated, Literal

from pydantic import Field

from till.payments.shell.http import schema_examples as ex
from till.platform.schemas import Response, StrictRequest, examples

Currency = Field(
    min_length=3, max_length=3, examples=["usd"], description="ISO 4217, lowercase"
)
# Stripe's bounds: up to 50 keys of ≤ 40 characters, values of ≤ 500.
Metadata = dict[
    Annotated[str, Field(min_length=1, max_length=40)],
    Annotated[str, Field(max_length=500)],
]


class CardIn(StrictRequest):
    number: str = Field(min_length=12, max_length=23, examples=[ex.TEST_CARD])
    exp_month: int = Field(examples=[12])
    exp_year: int = Field(examples=[2030])
    cvc: str = Field(min_length=3, max_length=4, examples=["123"])


class BankTransferIn(StrictRequest):
    iban: str = Field(max_length=42, examples=["DE89370400440532013000"])


class BillingDetailsIn(StrictRequest):
    """Personal data: stored only encrypted under the customer's own key."""

    name: str | None = Field(default=None, max_length=200, examples=["Ada Lovelace"])
    email: str | None = Field(default=None, max_length=320)
    line1: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, min_length=2, max_length=2)


class PaymentMethodRequest(StrictRequest):
    model_config = examples(ex.NEW_CARD, ex.NEW_BANK_ACCOUNT)

    type: Literal["card", "bank_transfer"]
    card: CardIn | None = None
    bank_transfer: BankTransferIn | None = None
    billing_details: BillingDetailsIn | None = None
    customer_id: str | None = Field(
        default=None, max_length=64, description="Services only."
    )


class CardOut(Response):
    brand: str
    last4: str
    exp_month: int
    exp_year: int


class BankTransferOut(Response):
    last4: str


class PaymentMethodOut(Response):
    model_config = examples(ex.CARD_METHOD)

    id: str = Field(examples=[ex.CARD_ID])
    object: Literal["payment_method"] = "payment_method"
    type: str
    customer_id: str | None
    card: CardOut | None
    bank_transfer: BankTransferOut | None
    billing_details: dict[str, str] | None


class PaymentRequest(StrictRequest):
    model_config = examples(ex.NEW_PAYMENT, ex.NEW_HELD_PAYMENT)

    amount: int = Field(ge=1, examples=[2500], description="Minor units.")
    currency: str = Currency
    payment_method: str | None = Field(default=None, max_length=64)
    customer_id: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=1000)
    metadata: Metadata = Field(default_factory=dict, max_length=50)
    capture_method: Literal["automatic", "manual"] = "automatic"
    confirm: bool = False


class ConfirmRequest(StrictRequest):
    model_config = examples(ex.CONFIRM)

    payment_method: str | None = Field(default=None, max_length=64)


class CaptureRequest(StrictRequest):
    model_config = examples(ex.CAPTURE)

    amount: int | None = Field(default=None, ge=1)


class RefundRequestIn(StrictRequest):
    model_config = examples(ex.REFUND_REQUEST)

    amount: int | None = Field(default=None, ge=1)
    reason: str | None = Field(default=None, max_length=500)


class Risk(Response):
    score: int | None
    level: str


class Failure(Response):
    code: str
    message: str | None


class PaymentOut(Response):
    model_config = examples(ex.PAYMENT, ex.DECLINED_PAYMENT)

    id: str = Field(examples=[ex.PAYMENT_ID])
    object: Literal["payment"] = "payment"
    amount: int
    currency: str
    status: str
    customer_id: str | None
    payment_method: str | None
    capture_method: str
    amount_capturable: int
    amount_received: int
    amount_refunded: int
    description: str | None
    metadata: Metadata
    risk: Risk
    failure: Failure | None
    created_at: str
    updated_at: str


class RefundOut(Response):
    model_config = examples(ex.REFUND)

    id: str = Field(examples=[ex.REFUND_ID])
    object: Literal["refund"] = "refund"
    payment_id: str
    amount: int
    status: str
    reason: str | None
    failure_code: str | None
    created_at: str


class PaymentEventOut(Response):
    model_config = examples(ex.PAYMENT_EVENT)

    version: int
    type: str
    at: str
    amount: int
    data: dict[str, object]


class EventOut(Response):
    """An event as published to RabbitMQ and to webhooks (API.md, Events)."""

    model_config = examples(ex.EVENT)

    id: str
    type: str
    created_at: str
    data: dict[str, object]


class ReviewRisk(Response):
    score: int | None
    level: str | None
    reasons: list[str]


class ReviewOut(Response):
    """A payment that fraud screening held for a person to decide."""

    model_config = examples(ex.REVIEW)

    id: str
    object: Literal["review"] = "review"
    payment_id: str
    open: bool
    reason: str
    amount: int
    currency: str
    customer_id: str | None
    risk: ReviewRisk
    created_at: str
