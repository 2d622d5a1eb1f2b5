"""Stripe-Signature checks: right, wrong, stale, malformed, rolled."""

import pytest

from till.payments.core.stripe_signatures import (
    InvalidSignature,
    stripe_signature,
    verify_stripe_signature,
)

SECRET = "whsec_test_secret"  # pragma: allowlist secret
BODY = b'{"id": "evt_1"}'
NOW = 1_700_000_000


def _header(timestamp=NOW, secret=SECRET, body=BODY):
    return f"t={timestamp},v1={stripe_signature(secret, timestamp, body)}"


def test_a_right_signature_passes_also_among_rolled_ones():
    verify_stripe_signature(_header(), BODY, SECRET, NOW)
    rolled = (
        _header() + ",v1=" + stripe_signature("whsec_old", NOW, BODY)
    )  # pragma: allowlist secret
    verify_stripe_signature(rolled, BODY, SECRET, NOW + 299)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "v1=abc",
        "t=notanumber,v1=abc",
        _header(secret="whsec_other"),  # pragma: allowlist secret
        _header(body=b"{}"),
        _header(timestamp=NOW - 301),
        _header(timestamp=NOW + 301),
    ],
)
def test_anything_else_is_refused(header):
    with pytest.raises(InvalidSignature):
        verify_stripe_signature(header, BODY, SECRET, NOW)
