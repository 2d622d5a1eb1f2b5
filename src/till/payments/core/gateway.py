"""What a payment processor is asked and what it answers: the value types of
`PaymentGatewayPort`. Pure: the sandbox and Stripe adapters translate these.

Outcomes are data, not exceptions, when the processor gave an answer (approved,
declined, pending). Two exceptions cover the cases with no answer:
`GatewayUnavailable` (the processor certainly did nothing: refused connection,
429 or 5xx before processing, breaker open) and `GatewayOutcomeUnknown` (a
timeout or a dropped connection after the request left: it may have been
processed). Every call carries an idempotency key derived from ours, so asking
again after an unknown outcome never charges twice.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from till.kernel.errors import DomainError
from till.kernel.money import Money


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"  # charged / captured / voided / refunded
    REQUIRES_CAPTURE = "requires_capture"  # authorised, funds held (manual)
    PENDING = "pending"  # accepted, the result comes later (bank transfers)
    DECLINED = "declined"  # the processor said no: `decline_code` says why


# The decline codes of API.md (HTTP 402 when a command is declined).
DECLINE_CODES = frozenset(
    {
        "card_declined",
        "insufficient_funds",
        "expired_card",
        "incorrect_cvc",
        "processing_error",
    }
)


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """Authorise (and, with `capture`, take) `amount` from a payment method.
    `secret` is the card number or IBAN, revealed from the vault for this call
    only; it never appears in repr, logs or results."""

    payment_id: str
    amount: Money
    method_type: str  # "card" or "bank_transfer"
    secret: str = field(repr=False)
    exp_month: int | None
    exp_year: int | None
    capture: bool
    idempotency_key: str
    customer_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class GatewayResult:
    outcome: Outcome
    reference: str | None = None  # the processor's id (Stripe: pi_… / re_…)
    decline_code: str | None = None
    message: str | None = None
    # What the processor kept of a captured amount, when it says (minor units);
    # None: the configured fee schedule stands in (core/fees.py).
    fee: int | None = None


@dataclass(frozen=True, slots=True)
class Movement:
    """Money that moved, as one side of a reconciliation sees it: the
    processor's records (`PaymentGatewayPort.transactions`) or the ledger's.
    `kind` is "charge" (a capture) or "refund"; `reference` the processor's id
    (the charge / PaymentIntent, the refund); amounts in minor units."""

    kind: str
    reference: str
    currency: str
    amount: int
    fee: int
    at: datetime
    payment_id: str | None = None  # known on the ledger's side


class GatewayUnavailable(DomainError):
    """The processor did not process the request (safe to try again later)."""

    code = "gateway_unavailable"

    def __init__(self, message: str = "the payment processor is unavailable") -> None:
        super().__init__(message)


class GatewayOutcomeUnknown(Exception):
    """The request may or may not have been processed (timeout, connection lost
    after sending). The payment stays `processing`; asking again with the same
    idempotency key is safe."""


class GatewayRejected(DomainError):
    """The processor refused the request itself (not a decline): an idempotency
    key reused with other parameters, a capture over the authorised amount."""

    code = "conflict"
