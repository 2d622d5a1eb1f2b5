"""Card details as the API receives them, validated and reduced to what may be
kept: brand, last 4 and expiry. The full number leaves only encrypted (the vault
port); the CVC is checked for shape and never kept. Neither appears in repr."""

from dataclasses import dataclass, field
from datetime import datetime

from till.kernel.errors import ValidationFailed

_BRANDS: list[tuple[str, tuple[tuple[int, int], ...], tuple[int, ...]]] = [
    # brand, (prefix ranges as (low, high) over the leading digits), lengths
    ("amex", ((34, 34), (37, 37)), (15,)),
    ("visa", ((4, 4),), (13, 16, 19)),
    ("mastercard", ((51, 55), (2221, 2720)), (16,)),
    ("discover", ((6011, 6011), (644, 649), (65, 65)), (16, 19)),
    ("jcb", ((3528, 3589),), (16, 17, 18, 19)),
    ("diners", ((300, 305), (36, 36), (38, 39)), (14, 16, 19)),
    ("unionpay", ((62, 62),), (16, 17, 18, 19)),
]


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def brand_of(digits: str) -> str:
    for brand, ranges, lengths in _BRANDS:
        for low, high in ranges:
            width = len(str(low))
            if low <= int(digits[:width]) <= high and len(digits) in lengths:
                return brand
    return "unknown"


@dataclass(frozen=True, slots=True)
class CardDetails:
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)

    def __post_init__(self) -> None:
        digits = "".join(c for c in self.number if c not in " -")
        if not digits.isdigit() or not 12 <= len(digits) <= 19:
            raise ValidationFailed(
                "card number must have 12 to 19 digits", param="number"
            )
        if not luhn_valid(digits):
            raise ValidationFailed("card number is not valid", param="number")
        object.__setattr__(self, "number", digits)
        if type(self.exp_month) is not int or not 1 <= self.exp_month <= 12:
            raise ValidationFailed("exp_month must be 1 to 12", param="exp_month")
        if type(self.exp_year) is not int or not 2000 <= self.exp_year <= 2100:
            raise ValidationFailed("exp_year must be a 4-digit year", param="exp_year")
        want = 4 if self.brand == "amex" else 3
        if not (self.cvc.isdigit() and len(self.cvc) == want):
            raise ValidationFailed(f"cvc must have {want} digits", param="cvc")

    @property
    def brand(self) -> str:
        return brand_of(self.number)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def expired_at(self, now: datetime) -> bool:
        """A card is good through the last day of its expiry month."""
        return (self.exp_year, self.exp_month) < (now.year, now.month)


def require_unexpired(card: CardDetails, now: datetime) -> None:
    if card.expired_at(now):
        raise ValidationFailed("the card has expired", param="exp_year")


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check on a compact IBAN (spaces removed, upper case)."""
    compact = iban.replace(" ", "").upper()
    if not (15 <= len(compact) <= 34 and compact[:2].isalpha() and compact.isalnum()):
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1
