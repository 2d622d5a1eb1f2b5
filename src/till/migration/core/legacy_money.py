"""Legacy money (DECIMAL(12,4), major units as strings) ↔ integer minor units.

The currency's exponent decides (JPY 0, EUR 2, KWD 3). A legacy amount with
more precision than its currency allows (`"1.2350"` EUR) is never rounded: it
raises `UnmappableLegacyValue`, which the reconciliation reports as a mismatch
and the backfill as a row it could not import.
"""

from decimal import Decimal, InvalidOperation

from till.kernel.money import MAX_MINOR_UNITS, Currency, currency
from till.migration.core.legacy_errors import UnmappableLegacyValue

LEGACY_PLACES = 4
LEGACY_MAX = Decimal("99999999.9999")  # DECIMAL(12,4)
_QUANTUM = Decimal(1).scaleb(-LEGACY_PLACES)


def legacy_currency(code: str) -> Currency:
    """The till currency of a legacy `currency_code` ("EUR" → eur); legacy
    accepted any three letters, till only ISO 4217 codes it knows."""
    try:
        return currency(code)
    except Exception:
        raise UnmappableLegacyValue(
            f"unknown currency {code!r}", param="currency_code"
        ) from None


def minor_units_from_legacy(value: Decimal | str, code: str, *, param: str) -> int:
    """`Decimal("19.9900")`, EUR → 1999; exact or `UnmappableLegacyValue`."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise UnmappableLegacyValue(
            f"{value!r} is not a decimal", param=param
        ) from None
    if not amount.is_finite() or amount < 0:
        raise UnmappableLegacyValue(f"{value!r} is not a legacy amount", param=param)
    exponent = legacy_currency(code).exponent
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise UnmappableLegacyValue(
            f"{value} has more decimals than {code.upper()} allows ({exponent})",
            param=param,
        )
    return int(scaled)


def legacy_from_minor_units(amount: int, code: str, *, param: str) -> Decimal:
    """1999 EUR → `Decimal("19.9900")` (always four places, as MariaDB keeps
    it); past DECIMAL(12,4) is an `UnmappableLegacyValue` (legacy would 500)."""
    if type(amount) is not int or not 0 <= amount <= MAX_MINOR_UNITS:
        raise UnmappableLegacyValue(f"{amount!r} is not an amount", param=param)
    exponent = legacy_currency(code).exponent
    value = Decimal(amount).scaleb(-exponent).quantize(_QUANTUM)
    if value > LEGACY_MAX:
        raise UnmappableLegacyValue(f"{value} does not fit DECIMAL(12,4)", param=param)
    return value


def legacy_decimal_text(value: Decimal) -> str:
    """The legacy API's spelling, `"19.9900"`."""
    return f"{value.quantize(_QUANTUM):f}"
