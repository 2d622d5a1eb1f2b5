"""The verification snippet of docs/webhooks.md, run as written against
till's own signer: it accepts what till signs and nothing else."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.unit.docs.doc_blocks import fenced_block, page
from till.payments.core.webhook_signing import new_secret, webhook_headers

BODY = b'{"id":"evt_1","type":"payment.completed","data":{"amount":1050}}'
NOW = 1_790_000_000


@pytest.fixture(scope="module")
def verify_webhook() -> Callable[..., bool]:
    namespace: dict[str, Any] = {}
    exec(fenced_block(page("webhooks.md"), "python verify-snippet"), namespace)  # noqa: S102  # nosec B102
    return namespace["verify_webhook"]  # type: ignore[no-any-return]


def test_the_snippet_accepts_a_delivery_signed_by_till(verify_webhook):
    secret = new_secret()
    headers = webhook_headers([secret], "evt_1", NOW, BODY)
    assert verify_webhook(secret, headers, BODY, now=NOW + 3)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: (h, b.replace(b"1050", b"9050")),
        lambda h, b: (h | {"webhook-id": "evt_2"}, b),
        lambda h, b: (h | {"webhook-timestamp": str(NOW + 1)}, b),
    ],
    ids=["body", "webhook-id", "timestamp"],
)
def test_the_snippet_refuses_a_tampered_delivery(verify_webhook, tamper):
    secret = new_secret()
    headers, body = tamper(webhook_headers([secret], "evt_1", NOW, BODY), BODY)
    assert not verify_webhook(secret, headers, body, now=NOW)


def test_the_snippet_refuses_another_endpoints_secret(verify_webhook):
    headers = webhook_headers([new_secret()], "evt_1", NOW, BODY)
    assert not verify_webhook(new_secret(), headers, BODY, now=NOW)


def test_the_snippet_refuses_a_replay_outside_the_tolerance(verify_webhook):
    secret = new_secret()
    headers = webhook_headers([secret], "evt_1", NOW, BODY)
    assert verify_webhook(secret, headers, BODY, now=NOW + 300)
    assert not verify_webhook(secret, headers, BODY, now=NOW + 301)


def test_during_a_rotation_either_secret_verifies(verify_webhook):
    new, old = new_secret(), new_secret()
    headers = webhook_headers([new, old], "evt_1", NOW, BODY)
    assert " " in headers["webhook-signature"]
    assert verify_webhook(new, headers, BODY, now=NOW)
    assert verify_webhook(old, headers, BODY, now=NOW)
