"""The inputs of the payments commands and queries (validated at the edge by
pydantic, again here by the value objects they hold)."""

from dataclasses import dataclass, field

from till.kernel.idempotency import StoredResponse
from till.kernel.money import Money
from till.payments.core.billing import BillingDetails
from till.payments.core.models import Payment
from till.payments.core.refunds import Refund


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    """`POST /v1/payments`: what the caller wants charged."""

    amount: Money
    customer_id: str | None = None
    payment_method: str | None = None
    description: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    capture_method: str = "automatic"
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class NewPaymentMethod:
    """A card (number, expiry, CVC) or a bank account (IBAN). `secret` is the
    card number or IBAN: never in repr."""

    type: str  # "card" or "bank_transfer"
    secret: str = field(repr=False)
    exp_month: int | None = None
    exp_year: int | None = None
    cvc: str | None = field(default=None, repr=False)
    customer_id: str | None = None
    billing: BillingDetails | None = None


@dataclass(frozen=True, slots=True)
class RefundRequest:
    amount: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentListQuery:
    customer_id: str | None = None
    status: str | None = None
    limit: int = 20
    starting_after: str | None = None


CommandResult = Payment | Refund


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    result: CommandResult
    response: StoredResponse
