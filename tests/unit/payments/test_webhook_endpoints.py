"""Endpoints subscribe to event types, and rotate their secret with an overlap."""

from datetime import UTC, datetime, timedelta

import pytest

from till.kernel.errors import ValidationFailed
from till.payments.core.webhook_endpoints import new_endpoint

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _endpoint(events):
    return new_endpoint("we_1", "https://93.184.216.34/h", events, None, "whsec_a", T0)


def test_an_endpoint_gets_the_types_it_subscribed_to():
    one = _endpoint(["payment.completed", "order.*"])
    assert one.subscribes("payment.completed") and one.subscribes("order.paid")
    assert not one.subscribes("payment.failed")
    assert _endpoint(["*"]).subscribes("refund.created")
    assert not _endpoint(["*"]).disable(T0).subscribes("refund.created")


def test_unknown_or_no_event_types_are_refused():
    for events in ([], ["payment.exploded"]):
        with pytest.raises(ValidationFailed):
            _endpoint(events)


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends():
    rotated = _endpoint(["*"]).rotate("whsec_b", T0, timedelta(hours=24))
    assert rotated.signing_secrets(T0) == ["whsec_b", "whsec_a"]
    assert rotated.signing_secrets(T0 + timedelta(hours=24)) == ["whsec_b"]
    assert "whsec" not in repr(rotated)
