"""Money: integer minor units and an ISO 4217 currency. Never a float.

The exponent is the currency's: 1050 usd is $10.50, 1050 jpy is ¥1050, 1050 kwd
is 1.050 KD. Amounts are never negative; arithmetic across currencies is refused.
"""

from dataclasses import dataclass

from till.kernel.errors import ValidationFailed

# ISO 4217 minor-unit exponents of the currencies till accepts (lowercase codes,
# as in the API). Zero- and three-decimal currencies are listed explicitly.
_TWO = """aed aud bgn brl cad chf cny czk dkk egp eur gbp hkd huf idr ils inr mad mxn
myr ngn nok nzd php pkr pln ron sar sek sgd thb try twd uah usd zar"""
_ZERO = "bif clp djf gnf isk jpy kmf krw pyg rwf ugx vnd vuv xaf xof xpf"
_THREE = "bhd iqd jod kwd lyd omr tnd"
_EXPONENTS: dict[str, int] = {
    code: exponent
    for codes, exponent in ((_TWO, 2), (_ZERO, 0), (_THREE, 3))
    for code in codes.split()
}
MAX_MINOR_UNITS = 10**15  # far above any single payment; keeps sums in int64


@dataclass(frozen=True, slots=True)
class Currency:
    code: str

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or self.code not in _EXPONENTS:
            raise ValidationFailed(f"unknown currency {self.code!r}", param="currency")

    @property
    def exponent(self) -> int:
        return _EXPONENTS[self.code]

    def __str__(self) -> str:
        return self.code


def currency(code: str) -> Currency:
    """A currency from an API code; upper case is accepted and lowered."""
    return Currency(code.lower() if isinstance(code, str) else code)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int
    currency: Currency

    def __post_init__(self) -> None:
        if type(self.amount) is not int:  # bool, float, Decimal, "10": refused
            raise ValidationFailed("amount must be an integer", param="amount")
        if self.amount < 0:
            raise ValidationFailed("amount must not be negative", param="amount")
        if self.amount > MAX_MINOR_UNITS:
            raise ValidationFailed("amount is too large", param="amount")

    @classmethod
    def zero(cls, in_currency: Currency) -> "Money":
        return cls(0, in_currency)

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValidationFailed(
                f"cannot combine {self.currency} and {other.currency}",
                param="currency",
            )

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        """Refuses to go below zero (a ValidationFailed on `amount`)."""
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount <= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def major_units(self) -> str:
        """`10.50` for 1050 usd, `1050` for 1050 jpy: exact, for reports."""
        exponent = self.currency.exponent
        if exponent == 0:
            return str(self.amount)
        whole, fraction = divmod(self.amount, 10**exponent)
        return f"{whole}.{fraction:0{exponent}d}"
