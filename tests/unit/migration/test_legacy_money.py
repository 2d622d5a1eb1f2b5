from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_money import (
    legacy_decimal_text,
    legacy_from_minor_units,
    minor_units_from_legacy,
)


@pytest.mark.parametrize(
    ("value", "code", "minor"),
    [
        ("19.9900", "EUR", 1999),
        ("0.3000", "EUR", 30),
        ("1050.0000", "JPY", 1050),
        ("1.0500", "KWD", 1050),
        ("0.0000", "USD", 0),
        (Decimal("99999999.9900"), "EUR", 9_999_999_999),
    ],
)
def test_legacy_decimals_become_minor_units_by_the_currency_exponent(
    value: str, code: str, minor: int
) -> None:
    assert minor_units_from_legacy(value, code, param="price") == minor


@pytest.mark.parametrize(
    ("value", "code"),
    [("19.9950", "EUR"), ("1050.5000", "JPY"), ("1.0505", "KWD")],
)
def test_more_precision_than_the_currency_allows_is_refused_not_rounded(
    value: str, code: str
) -> None:
    with pytest.raises(UnmappableLegacyValue, match="more decimals") as raised:
        minor_units_from_legacy(value, code, param="row_total")
    assert raised.value.param == "row_total"


@pytest.mark.parametrize("value", ["-1.0000", "NaN", "Infinity", "abc", ""])
def test_negative_and_non_numbers_are_refused(value: str) -> None:
    with pytest.raises(UnmappableLegacyValue):
        minor_units_from_legacy(value, "EUR", param="price")


def test_a_currency_till_does_not_know_is_refused() -> None:
    with pytest.raises(UnmappableLegacyValue, match="unknown currency") as raised:
        minor_units_from_legacy("1.0000", "XYZ", param="price")
    assert raised.value.param == "currency_code"


@pytest.mark.parametrize(
    ("minor", "code", "text"),
    [(1999, "eur", "19.9900"), (1050, "jpy", "1050.0000"), (1050, "kwd", "1.0500")],
)
def test_minor_units_become_four_place_legacy_decimals(
    minor: int, code: str, text: str
) -> None:
    assert legacy_decimal_text(legacy_from_minor_units(minor, code, param="x")) == text


def test_amounts_past_decimal_12_4_are_refused_before_legacy_would_500() -> None:
    assert legacy_from_minor_units(9_999_999_999, "eur", param="total") == Decimal(
        "99999999.99"
    )
    with pytest.raises(UnmappableLegacyValue, match="DECIMAL"):
        legacy_from_minor_units(10_000_000_000, "eur", param="total")


@pytest.mark.parametrize("amount", [-1, 1.5, True, "10"])
def test_only_non_negative_integers_are_amounts(amount: object) -> None:
    with pytest.raises(UnmappableLegacyValue):
        legacy_from_minor_units(amount, "eur", param="x")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, database=None)
@given(
    st.sampled_from(["eur", "usd", "jpy", "kwd", "chf"]),
    st.integers(min_value=0, max_value=99_999_999),
)
def test_minor_units_survive_the_trip_through_legacy_decimals(
    code: str, minor: int
) -> None:
    legacy = legacy_from_minor_units(minor, code, param="x")
    assert (
        minor_units_from_legacy(legacy_decimal_text(legacy), code, param="x") == minor
    )
