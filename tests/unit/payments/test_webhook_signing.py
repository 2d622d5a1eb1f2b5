"""Our signatures verify with the Standard Webhooks reference library, and the
rotation overlap signs with both secrets."""

import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from till.payments.core.webhook_signing import new_secret, signature, webhook_headers

# The specification's own example (standard-webhooks/spec, "Verifying webhook
# signatures"): this id, timestamp, body and secret give this signature.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # pragma: allowlist secret
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = (
    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="  # pragma: allowlist secret
)


def test_the_specifications_example_signs_to_its_signature():
    assert signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_the_reference_library_verifies_what_we_send():
    secret, body, now = new_secret(), b'{"id":"evt_1"}', int(time.time())
    headers = webhook_headers([secret], "evt_1", now, body)
    assert Webhook(secret).verify(body, headers) == {"id": "evt_1"}
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_during_a_rotation_either_secret_verifies():
    old, new, body, now = new_secret(), new_secret(), b"{}", int(time.time())
    headers = webhook_headers([new, old], "evt_2", now, body)
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (old, new):
        Webhook(secret).verify(body, headers)
