"""The public shapes of API.md as plain data: the order object and the
history entries. One source for HTTP responses, outbox payloads and the
migration toolkit's port."""

from datetime import UTC, datetime
from typing import Any

from till.orders.core.events import OrderEvent
from till.orders.core.models import Order


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def order_view(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "object": "order",
        "status": order.status.value,
        "customer_id": order.customer_id,
        "currency": order.currency.code,
        "items": [item.as_data() | {"amount": item.amount} for item in order.items],
        "subtotal": order.subtotal,
        "total": order.total,
        "payment_id": order.payment_id,
        "legacy_id": order.legacy_id,
        "created_at": rfc3339(order.created_at),
        "updated_at": rfc3339(order.updated_at),
    }


def history_view(events: list[OrderEvent]) -> list[dict[str, Any]]:
    """The stream, oldest first, as `{version, type, at, data}`."""
    return [
        {"version": version, "type": e.type, "at": rfc3339(e.at), "data": e.data}
        for version, e in enumerate(events, start=1)
    ]
