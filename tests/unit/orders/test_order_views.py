"""The order object of API.md and what is published."""

from datetime import UTC, datetime

from till.kernel.money import Currency
from till.orders.core.items import LineItem
from till.orders.core.models import new_order
from till.orders.core.notifications import notifications_for
from till.orders.core.views import history_view, order_view

AT = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_the_order_object_has_every_field_of_api_md():
    order, _ = new_order(
        "ord_1", "usr_a", Currency("kwd"), (LineItem("A", "Lamp", 3, 1250),), AT
    )
    assert order_view(order) == {
        "id": "ord_1",
        "object": "order",
        "status": "pending_payment",
        "customer_id": "usr_a",
        "currency": "kwd",
        "items": [
            {
                "sku": "A",
                "name": "Lamp",
                "quantity": 3,
                "unit_amount": 1250,
                "amount": 3750,
            }
        ],
        "subtotal": 3750,
        "total": 3750,
        "payment_id": None,
        "legacy_id": None,
        "created_at": "2026-02-03T04:05:06Z",
        "updated_at": "2026-02-03T04:05:06Z",
    }


def test_published_events_carry_the_order_after_and_internal_ones_are_not():
    order, created = new_order(
        "ord_1", "u", Currency("usd"), (LineItem("A", "A", 1, 9),), AT
    )
    started, more = order.start_payment("pay_1", AT)
    found = notifications_for(started, created + more, ["evt_1", "evt_2"])
    assert [(n.event_id, n.type) for n in found] == [("evt_1", "order.created")]
    assert found[0].payload["data"]["payment_id"] == "pay_1"
    assert found[0].payload["created_at"] == "2026-02-03T04:05:06Z"
    assert [h["version"] for h in history_view(created + more)] == [1, 2]
