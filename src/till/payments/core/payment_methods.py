"""Payment methods as kept: what may be shown (brand, last 4, expiry) and an id.
The card number itself goes to the vault port, encrypted; the CVC nowhere."""

from dataclasses import dataclass
from datetime import datetime

from till.kernel.errors import ValidationFailed
from till.payments.core.billing import BillingDetails
from till.payments.core.cards import CardDetails, iban_valid, require_unexpired


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    id: str
    type: str  # "card" or "bank_transfer"
    customer_id: str | None
    created_at: datetime
    brand: str | None = None
    last4: str = ""
    exp_month: int | None = None
    exp_year: int | None = None
    billing: BillingDetails | None = None  # personal data: sealed per customer


def card_method(
    method_id: str, card: CardDetails, customer_id: str | None, now: datetime
) -> PaymentMethod:
    """Rules: the card is valid (CardDetails) and not expired."""
    require_unexpired(card, now)
    return PaymentMethod(
        id=method_id,
        type="card",
        customer_id=customer_id,
        created_at=now,
        brand=card.brand,
        last4=card.last4,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
    )


def bank_transfer_method(
    method_id: str, iban: str, customer_id: str | None, now: datetime
) -> tuple[PaymentMethod, str]:
    """Rules: the IBAN passes mod-97. Returns the method and the compact IBAN
    (to be vaulted like a card number)."""
    compact = iban.replace(" ", "").upper()
    if not iban_valid(compact):
        raise ValidationFailed("IBAN is not valid", param="iban")
    method = PaymentMethod(
        id=method_id,
        type="bank_transfer",
        customer_id=customer_id,
        created_at=now,
        last4=compact[-4:],
    )
    return method, compact
