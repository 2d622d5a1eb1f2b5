"""Import a legacy order (the backfill): the events that rebuild its state.

Rules: the order id is derived from the legacy id (and its creation time, so
ids still sort by age): the same legacy order always gets the same id. The
creation event carries `source: legacy`, the legacy id and increment id; then
one event per step of the path to its status, at its `updated_at` (a pending
order changed after its creation, e.g. put on hold, gets `order.imported` at
it, so its `updated_at` is legacy's too). Nothing is
published (the dual-write must not write it back)."""

import hashlib
from datetime import UTC, datetime

from till.kernel.errors import ValidationFailed
from till.kernel.ids import derived_id
from till.kernel.money import currency
from till.orders.core import events as ev
from till.orders.core.commands import ImportedOrder
from till.orders.core.events import OrderEvent
from till.orders.core.items import LineItem, checked_items
from till.orders.core.models import Order, Status, evolve, new_order

PATHS: dict[Status, tuple[str, ...]] = {
    Status.PENDING_PAYMENT: (),
    Status.PAID: (ev.PAID,),
    Status.FULFILLED: (ev.PAID, ev.FULFILLED),
    Status.SHIPPED: (ev.PAID, ev.FULFILLED, ev.SHIPPED),
    Status.DELIVERED: (ev.PAID, ev.FULFILLED, ev.SHIPPED, ev.DELIVERED),
    Status.CANCELED: (ev.CANCELED,),
    Status.REFUNDED: (ev.PAID, ev.REFUNDED),
}


def legacy_order_id(legacy_id: int, created_at: datetime) -> str:
    digest = hashlib.sha256(f"legacy-order:{legacy_id}".encode()).digest()
    millis = int(created_at.timestamp() * 1000)
    return derived_id("ord", max(millis, 0), digest)


def _aware(at: datetime, param: str) -> datetime:
    if at.tzinfo is None:
        raise ValidationFailed("timestamps must be timezone-aware", param=param)
    return at.astimezone(UTC)


def imported_order(imported: ImportedOrder) -> tuple[Order, list[OrderEvent]]:
    try:
        status = Status(imported.status)
    except ValueError:
        raise ValidationFailed(
            f"unknown status {imported.status!r}", param="status"
        ) from None
    created = _aware(imported.created_at, "created_at")
    updated = max(_aware(imported.updated_at, "updated_at"), created)
    items = checked_items(
        tuple(
            LineItem(i.sku, i.name, i.quantity, i.unit_amount) for i in imported.items
        )
    )
    order, events = new_order(
        legacy_order_id(imported.legacy_id, created),
        imported.customer_id,
        currency(imported.currency),
        items,
        created,
        source=ev.SOURCE_LEGACY,
        legacy_id=imported.legacy_id,
        increment_id=imported.increment_id,
    )
    steps = PATHS[status] or ((ev.IMPORTED,) if updated > created else ())
    for type_ in steps:
        event = OrderEvent(type_, order.id, updated, {"source": ev.SOURCE_LEGACY})
        order, events = evolve(order, event), [*events, event]
    return order, events
