import pytest

from till.platform.logging import scrub

PAN = "4242424242424242"


def scrubbed(**fields):
    return scrub(None, "info", {"event": "something_happened", **fields})


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "new_password",
        "token",
        "refresh_token",
        "authorization",
        "Authorization",
        "card_number",
        "api_key",
        "apikey",
        "client_secret",
        "cookie",
        "cvc",
    ],
)
def test_values_under_secret_looking_keys_are_redacted(key):
    assert scrubbed(**{key: "hunter2-value"})[key] == "[redacted]"


def test_secret_key_is_redacted_whatever_the_type_of_its_value():
    assert scrubbed(card_number=int(PAN))["card_number"] == "[redacted]"


@pytest.mark.parametrize(
    "pan",
    [
        PAN,
        "4242 4242 4242 4242",
        "4242-4242-4242-4242",
        "4222222222222",  # 13 digits
        "6011000990139424123",  # 19 digits
    ],
)
def test_card_numbers_inside_string_values_are_masked(pan):
    assert scrubbed(note=f"paid with {pan}")["note"] == "paid with [redacted-pan]"


@pytest.mark.parametrize(
    "value", ["order 123456789012", "amount 1999 EUR", "id " + "7" * 20]
)
def test_digit_runs_that_are_not_13_to_19_digits_long_are_kept(value):
    assert scrubbed(note=value)["note"] == value


def test_text_around_a_masked_card_number_is_kept():
    line = f"card {PAN} declined"
    assert scrubbed(note=line)["note"] == "card [redacted-pan] declined"


def test_event_request_id_and_ordinary_values_are_kept():
    event = {
        "event": "token_refreshed",
        "request_id": "req_123",
        "level": "info",
        "method": "POST",
        "route": "/v1/auth/refresh",
        "status": 200,
        "ms": 1.5,
        "user_id": "usr_1",
    }
    assert scrub(None, "info", dict(event)) == event


def test_card_number_in_the_event_message_is_masked():
    result = scrub(None, "info", {"event": f"charged card {PAN}"})
    assert result["event"] == "charged card [redacted-pan]"


@pytest.mark.parametrize("key", ["company", "span_id"])
def test_ordinary_keys_that_merely_contain_a_secret_word_are_kept(key):
    assert scrubbed(**{key: "Acme"})[key] == "Acme"
