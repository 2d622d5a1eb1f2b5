"""Order events: an order's truth is its stream of these, the Order value a
fold over them (`replay`). Published names are API.md's; the others are
internal (never on the outbox)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CREATED = "order.created"
PAYMENT_STARTED = "order.payment_started"  # a payment was asked for
PAYMENT_FAILED = "order.payment_failed"  # it failed: the order may be paid again
PAID = "order.paid"
CANCELED = "order.canceled"
FULFILLED = "order.fulfilled"
SHIPPED = "order.shipped"
DELIVERED = "order.delivered"
REFUNDED = "order.refunded"
LEGACY_LINKED = "order.legacy_linked"  # the legacy system's id is known
# An imported order last changed in legacy in a way no other event says (a
# pending order put on hold): it carries the legacy `updated_at`.
IMPORTED = "order.imported"

PUBLISHED = frozenset(
    {CREATED, PAID, CANCELED, FULFILLED, SHIPPED, DELIVERED, REFUNDED}
)

# Where an order came from: created here, or imported from the legacy system
# (the dual-write skips what came from there).
SOURCE_TILL = "till"
SOURCE_LEGACY = "legacy"


@dataclass(frozen=True, slots=True)
class OrderEvent:
    type: str
    order_id: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
