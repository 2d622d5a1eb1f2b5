"""Request and response bodies of the payments API (the OpenAPI schemas).
Requests are strict: unknown fields → 422, no coercion ("10" is not 10)."""

from typing import Annotated, Literal

from pydantic import Field

from till.platform.schemas import Response, StrictRequest

Currency = Field(
    min_length=3, max_length=3, examples=["usd"], description="ISO 4217, lowercase"
)
# Stripe's bounds: up to 50 keys of ≤ 40 characters, values of ≤ 500.
Metadata = dict[
    Annotated[str, Field(min_length=1, max_length=40)],
    Annotated[str, Field(max_length=500)],
]


class CardIn(StrictRequest):
    number: str = Field(min_length=12, max_length=23, examples=["4242424242424242"])
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
    id: str = Field(examples=["pm_01JD3Q4Z5X6Y7W8V9T0S1R2Q3P"])
    object: Literal["payment_method"] = "payment_method"
    type: str
    customer_id: str | None
    card: CardOut | None = None
    bank_transfer: BankTransferOut | None = None
    billing_details: dict[str, str] | None = None


class PaymentRequest(StrictRequest):
    amount: int = Field(ge=1, examples=[1050], description="Minor units.")
    currency: str = Currency
    payment_method: str | None = Field(default=None, max_length=64)
    customer_id: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=1000)
    metadata: Metadata = Field(default_factory=dict, max_length=50)
    capture_method: Literal["automatic", "manual"] = "automatic"
    confirm: bool = False


class ConfirmRequest(StrictRequest):
    payment_method: str | None = Field(default=None, max_length=64)


class CaptureRequest(StrictRequest):
    amount: int | None = Field(default=None, ge=1)


class RefundRequestIn(StrictRequest):
    amount: int | None = Field(default=None, ge=1)
    reason: str | None = Field(default=None, max_length=500)


class Risk(Response):
    score: int | None
    level: str


class Failure(Response):
    code: str
    message: str | None


class PaymentOut(Response):
    id: str = Field(examples=["pay_01JD3Q4Z5X6Y7W8V9T0S1R2Q3P"])
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
    id: str = Field(examples=["re_01JD3Q4Z5X6Y7W8V9T0S1R2Q3P"])
    object: Literal["refund"] = "refund"
    payment_id: str
    amount: int
    status: str
    reason: str | None
    failure_code: str | None
    created_at: str


class PaymentEventOut(Response):
    version: int
    type: str
    at: str
    amount: int
    data: dict[str, object]
