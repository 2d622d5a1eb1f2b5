"""Billing details validate themselves and stay out of reprs."""

import pytest

from till.kernel.errors import ValidationFailed
from till.payments.core.billing import BillingDetails


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"email": "nobody"}, "email"),
        ({"email": "@"}, "email"),
        ({"country": "gb"}, "country"),
        ({"country": "GBR"}, "country"),
        ({"name": ""}, "name"),
        ({"postal_code": "1" * 21}, "postal_code"),
    ],
)
def test_invalid_billing_details_are_refused(fields, param):
    with pytest.raises(ValidationFailed) as error:
        BillingDetails(**fields)
    assert error.value.param == param


def test_billing_details_round_trip_and_hide_from_repr():
    details = BillingDetails(name="Ada Lovelace", email="ada@example.com", country="GB")
    assert BillingDetails.from_dict(details.to_dict()) == details
    assert "Ada" not in repr(details) and "ada@" not in repr(details)
