from datetime import UTC, datetime, timedelta

import pytest

from till.identity.core.totp import (
    matching_step,
    new_totp_secret,
    provisioning_uri,
    time_step,
    totp_code,
)

# RFC 6238 appendix B test secret ("12345678901234567890"), SHA-1, 8 digits there;
# our codes are the last 6 digits of the same values.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # pragma: allowlist secret


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924")],
)
def test_codes_match_the_rfc_6238_vectors(unix_time, expected):
    step = time_step(datetime.fromtimestamp(unix_time, UTC))
    assert totp_code(RFC_SECRET, step) == expected


def test_code_of_the_current_step_matches():
    secret = new_totp_secret()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    code = totp_code(secret, time_step(now))
    assert matching_step(secret, code, now, after_step=-1) == time_step(now)


def test_code_of_the_previous_step_is_accepted_for_clock_drift():
    secret = new_totp_secret()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    code = totp_code(secret, time_step(now) - 1)
    assert matching_step(secret, code, now, after_step=-1) == time_step(now) - 1


def test_code_two_steps_old_is_rejected():
    secret = new_totp_secret()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    old = totp_code(secret, time_step(now - timedelta(seconds=60)))
    assert matching_step(secret, old, now, after_step=-1) is None


def test_code_of_an_already_used_step_is_rejected():
    secret = new_totp_secret()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    code = totp_code(secret, time_step(now))
    assert matching_step(secret, code, now, after_step=time_step(now)) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 456"])
def test_malformed_code_is_rejected(code):
    assert (
        matching_step(new_totp_secret(), code, datetime.now(UTC), after_step=-1) is None
    )


def test_secret_has_160_bits_in_base32():
    secret = new_totp_secret()
    assert len(secret) == 32 and secret.isalnum() and secret.upper() == secret


def test_provisioning_uri_names_issuer_and_account():
    uri = provisioning_uri("ABC", "ada@example.com", "till")
    assert uri.startswith("otpauth://totp/till%3Aada%40example.com?")
    assert "secret=ABC" in uri and "issuer=till" in uri
