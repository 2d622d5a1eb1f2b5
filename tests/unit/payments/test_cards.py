from datetime import UTC, datetime

import pytest

from till.kernel.errors import ValidationFailed
from till.payments.core.cards import (
    CardDetails,
    brand_of,
    iban_valid,
    luhn_valid,
    require_unexpired,
)

VISA = "4242424242424242"  # the API's sandbox "succeeds" card


def _card(number=VISA, month=12, year=2030, cvc="123"):
    return CardDetails(number=number, exp_month=month, exp_year=year, cvc=cvc)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        (VISA, "visa"),
        ("4000000000000002", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3566002020360505", "jcb"),
        ("30569309025904", "diners"),
        ("6200000000000005", "unionpay"),
    ],
)
def test_known_test_numbers_pass_luhn_and_get_their_brand(number, brand):
    assert luhn_valid(number) and brand_of(number) == brand


def test_a_number_with_spaces_and_dashes_is_compacted():
    assert _card("4242 4242-4242 4242").number == VISA


@pytest.mark.parametrize("number", ["4242424242424241", "1234", "4242x42424242424", ""])
def test_bad_numbers_are_rejected_on_number(number):
    with pytest.raises(ValidationFailed) as error:
        _card(number)
    assert error.value.param == "number"


def test_only_brand_last4_and_expiry_can_be_read_back_in_repr():
    card = _card()
    assert VISA not in repr(card) and "123" not in repr(card)
    assert (card.brand, card.last4) == ("visa", "4242")


@pytest.mark.parametrize(("month", "param"), [(0, "exp_month"), (13, "exp_month")])
def test_impossible_months_are_rejected(month, param):
    with pytest.raises(ValidationFailed) as error:
        _card(month=month)
    assert error.value.param == param


@pytest.mark.parametrize("year", [30, 1999, 2101])
def test_years_must_have_four_digits(year):
    with pytest.raises(ValidationFailed) as error:
        _card(year=year)
    assert error.value.param == "exp_year"


@pytest.mark.parametrize(
    ("number", "cvc"), [(VISA, "12"), (VISA, "1234"), (VISA, "12a")]
)
def test_cvc_has_three_digits_for_most_brands(number, cvc):
    with pytest.raises(ValidationFailed) as error:
        _card(number, cvc=cvc)
    assert error.value.param == "cvc"


def test_amex_cvc_has_four_digits():
    assert _card("378282246310005", cvc="1234").brand == "amex"
    with pytest.raises(ValidationFailed):
        _card("378282246310005", cvc="123")


def test_a_card_is_good_through_the_end_of_its_expiry_month():
    card = _card(month=3, year=2027)
    require_unexpired(card, datetime(2027, 3, 31, 23, 59, tzinfo=UTC))
    with pytest.raises(ValidationFailed):
        require_unexpired(card, datetime(2027, 4, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("GB82 WEST 1234 5698 7654 32", True),
        ("DE89370400440532013000", True),
        ("de89 3704 0044 0532 0130 00", True),
        ("GB82 WEST 1234 5698 7654 33", False),
        ("GB82", False),
        ("1234567890123456", False),
    ],
)
def test_iban_mod_97(iban, valid):
    assert iban_valid(iban) is valid
