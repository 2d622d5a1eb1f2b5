"""The Idempotency-Key header rules and the request fingerprint."""

import pytest

from till.platform.idempotency import fingerprint, require_key
from till.platform.problems import ProblemError


@pytest.mark.parametrize(
    ("value", "status"), [(None, 400), ("", 400), ("k" * 256, 422)]
)
def test_a_missing_or_oversized_key_is_refused(value, status):
    with pytest.raises(ProblemError) as error:
        require_key(value)
    assert error.value.status == status


def test_a_key_of_up_to_255_characters_is_taken():
    assert require_key("k" * 255) == "k" * 255


def test_the_fingerprint_covers_method_path_caller_and_body():
    base = fingerprint("POST", "/v1/payments", "user:u1", b'{"amount":1}')
    assert base == fingerprint("POST", "/v1/payments", "user:u1", b'{"amount":1}')
    for other in (
        fingerprint("PUT", "/v1/payments", "user:u1", b'{"amount":1}'),
        fingerprint("POST", "/v1/payment", "user:u1", b'{"amount":1}'),
        fingerprint("POST", "/v1/payments", "user:u2", b'{"amount":1}'),
        fingerprint("POST", "/v1/payments", "user:u1", b'{"amount":2}'),
        # no ambiguity from where one part ends and the next begins
        fingerprint("POST", "/v1/paymentsu", "ser:u1", b'{"amount":1}'),
    ):
        assert other != base
