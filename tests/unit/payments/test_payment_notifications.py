"""What is published for a command's events, and the public payment shape."""

from datetime import UTC, datetime

from till.kernel.money import Money, currency
from till.payments.core.models import create_payment
from till.payments.core.notifications import notifications_for
from till.payments.core.views import payment_view

T0 = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def _paid():
    payment, created = create_payment(
        "pay_1",
        Money(250, currency("jpy")),
        "usr_a",
        "automatic",
        T0,
        payment_method="pm_1",
    )
    payment, processing = payment.confirm(T0)
    payment, pending = payment.await_processor(T0, "ch_1", "pending")
    payment, completed = payment.authorize(T0)
    return payment, created + processing + pending + completed


def test_only_public_events_are_published_with_the_state_after():
    payment, events = _paid()
    found = notifications_for(payment, events, ["e1", "e2", "e3", "e4"])
    assert [n.type for n in found] == [
        "payment.created",
        "payment.processing",
        "payment.completed",
    ]
    assert [n.event_id for n in found] == ["e1", "e2", "e4"]
    assert found[0].payload["data"]["status"] == "completed"
    assert found[0].payload["created_at"] == "2026-03-01T12:30:00Z"


def test_refund_events_carry_the_refund():
    payment, _ = _paid()
    payment, events = payment.refund(T0, 100, "re_1", "duplicate")
    (note,) = notifications_for(payment, events, ["e9"])
    assert note.type == "refund.created" and note.payload["data"]["id"] == "re_1"
    assert note.payload["data"]["status"] == "pending"


def test_the_payment_object_has_every_field_of_the_contract():
    view = payment_view(_paid()[0])
    assert set(view) == {
        "id",
        "object",
        "amount",
        "currency",
        "status",
        "customer_id",
        "payment_method",
        "capture_method",
        "amount_capturable",
        "amount_received",
        "amount_refunded",
        "description",
        "metadata",
        "risk",
        "failure",
        "created_at",
        "updated_at",
    }
    assert (view["amount"], view["currency"], view["failure"]) == (250, "jpy", None)
