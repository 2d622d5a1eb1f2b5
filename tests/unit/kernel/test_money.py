import pytest

from till.kernel.errors import ValidationFailed
from till.kernel.money import Currency, Money, currency

USD, JPY, KWD = currency("usd"), currency("JPY"), currency("kwd")


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(1050, USD), "10.50"),
        (Money(5, USD), "0.05"),
        (Money(1050, JPY), "1050"),
        (Money(1050, KWD), "1.050"),
        (Money(0, USD), "0.00"),
    ],
)
def test_major_units_follow_the_currency_exponent(money, text):
    assert money.major_units() == text


@pytest.mark.parametrize("code", ["xyz", "US", "", "usdollar"])
def test_unknown_currency_is_a_validation_error_on_currency(code):
    with pytest.raises(ValidationFailed) as error:
        currency(code)
    assert error.value.param == "currency"


@pytest.mark.parametrize("amount", [10.5, "10", True, -1, 10**16])
def test_money_refuses_non_integer_negative_and_absurd_amounts(amount):
    with pytest.raises(ValidationFailed) as error:
        Money(amount, USD)
    assert error.value.param == "amount"


def test_sums_and_differences_stay_in_minor_units():
    assert Money(150, USD) + Money(250, USD) == Money(400, USD)
    assert Money(400, USD) - Money(150, USD) == Money(250, USD)


def test_a_difference_below_zero_is_refused():
    with pytest.raises(ValidationFailed):
        Money(100, USD) - Money(101, USD)


def test_different_currencies_do_not_mix():
    with pytest.raises(ValidationFailed) as error:
        Money(1, USD) + Money(1, JPY)
    assert error.value.param == "currency"
    with pytest.raises(ValidationFailed):
        assert Money(1, USD) < Money(2, JPY)


def test_comparison_and_zero():
    assert Money(1, USD) < Money(2, USD) and Money(2, USD) <= Money(2, USD)
    assert Money.zero(JPY).is_zero and not Money(1, JPY).is_zero


def test_upper_case_codes_are_lowered_but_the_value_object_wants_lower_case():
    assert currency("EUR") == Currency("eur")
    with pytest.raises(ValidationFailed):
        Currency("EUR")
