from datetime import UTC, datetime

import pytest

from till.kernel.errors import ValidationFailed
from till.payments.core.cards import CardDetails
from till.payments.core.payment_methods import bank_transfer_method, card_method

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_a_card_method_keeps_only_what_may_be_shown():
    card = CardDetails("4242424242424242", 12, 2030, "123")
    method = card_method("pm_1", card, "usr_1", NOW)
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        "visa",
        "4242",
        12,
        2030,
    )
    assert "4242424242424242" not in repr(method) and "123" not in repr(method)


def test_an_expired_card_cannot_be_saved():
    card = CardDetails("4242424242424242", 5, 2026, "123")
    with pytest.raises(ValidationFailed) as error:
        card_method("pm_1", card, None, NOW)
    assert error.value.param == "exp_year"


def test_a_bank_transfer_method_keeps_the_last_four_of_a_valid_iban():
    method, compact = bank_transfer_method(
        "pm_2", "de89 3704 0044 0532 0130 00", None, NOW
    )
    assert compact == "DE89370400440532013000" and method.last4 == "3000"
    assert method.type == "bank_transfer" and method.brand is None


def test_an_invalid_iban_is_rejected_on_iban():
    with pytest.raises(ValidationFailed) as error:
        bank_transfer_method("pm_3", "DE00370400440532013000", None, NOW)
    assert error.value.param == "iban"
