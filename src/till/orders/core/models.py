"""The Order aggregate and its state machine (API.md, Orders):

    pending_payment ─→ paid ─→ fulfilled ─→ shipped ─→ delivered
    pending_payment | paid ─cancel→ canceled        (a paid order's payment is refunded)
    paid | fulfilled | shipped | delivered ─→ refunded  (its payment fully refunded)

Each action checks the rules and returns the order its events lead to
(`evolve`); replaying the stream rebuilds it exactly. The payment's outcome
arrives as events of the payments context, so `mark_paid`, `payment_failed`
and `mark_refunded` are idempotent: a fact heard twice changes nothing."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from till.kernel.errors import Conflict, InvalidState
from till.kernel.money import Currency
from till.orders.core import events as ev
from till.orders.core.events import OrderEvent
from till.orders.core.items import LineItem, subtotal_of


class Status(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    FULFILLED = "fulfilled"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELED = "canceled"
    REFUNDED = "refunded"


REFUNDABLE = (Status.PAID, Status.FULFILLED, Status.SHIPPED, Status.DELIVERED)
# The only moves (besides refunds) and the status each needs.
MOVES: dict[str, tuple[str, tuple[Status, ...]]] = {
    "fulfill": (ev.FULFILLED, (Status.PAID,)),
    "ship": (ev.SHIPPED, (Status.FULFILLED,)),
    "deliver": (ev.DELIVERED, (Status.SHIPPED,)),
}


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    customer_id: str
    currency: Currency
    items: tuple[LineItem, ...]
    status: Status
    created_at: datetime
    updated_at: datetime
    version: int = 0  # events applied: the stream position
    payment_id: str | None = None  # the payment asked for (the last one)
    refund_id: str | None = None  # asked for when a paid order was canceled
    legacy_id: int | None = None
    source: str = ev.SOURCE_TILL

    @property
    def subtotal(self) -> int:
        return subtotal_of(self.items)

    @property
    def total(self) -> int:
        return self.subtotal

    @property
    def payment_in_flight(self) -> bool:
        return self.status is Status.PENDING_PAYMENT and self.payment_id is not None

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise InvalidState(state=self.status.value, action=action)

    def _emit(
        self, type_: str, at: datetime, **data: Any
    ) -> tuple["Order", list[OrderEvent]]:
        event = OrderEvent(type_, self.id, at, data)
        return evolve(self, event), [event]

    def start_payment(
        self, payment_id: str, at: datetime
    ) -> tuple["Order", list[OrderEvent]]:
        """Rules: only an order awaiting payment, with no payment in flight."""
        self._require("pay", Status.PENDING_PAYMENT)
        if self.payment_id is not None:
            raise Conflict(f"payment {self.payment_id} is in progress for this order")
        return self._emit(ev.PAYMENT_STARTED, at, payment_id=payment_id)

    def pay_nothing(self, at: datetime) -> tuple["Order", list[OrderEvent]]:
        """An order whose total is 0 is paid without a payment."""
        self._require("pay", Status.PENDING_PAYMENT)
        if self.total != 0 or self.payment_id is not None:
            raise InvalidState(state=self.status.value, action="pay without payment")
        return self._emit(ev.PAID, at, payment_id=None)

    def payment_failed(
        self, payment_id: str, code: str, at: datetime
    ) -> tuple["Order", list[OrderEvent]]:
        """The payment in flight failed: the order may be paid again. Anything
        else (an older payment, an order moved on) changes nothing."""
        if not self.payment_in_flight or self.payment_id != payment_id:
            return self, []
        return self._emit(ev.PAYMENT_FAILED, at, payment_id=payment_id, code=code)

    def mark_paid(
        self, payment_id: str | None, at: datetime
    ) -> tuple["Order", list[OrderEvent]]:
        """The order's payment completed (`payment_id` None: nothing to pay, a
        zero total). Heard again, or for a payment that is not this order's
        current one: nothing changes."""
        if self.status is not Status.PENDING_PAYMENT or self.payment_id != payment_id:
            return self, []
        return self._emit(ev.PAID, at, payment_id=payment_id)

    def cancel(
        self, at: datetime, refund_id: str | None = None
    ) -> tuple["Order", list[OrderEvent]]:
        """Rules: awaiting payment or paid. A paid order records the refund it
        asks for (`refund_id`), so a retry asks for the same one."""
        self._require("cancel", Status.PENDING_PAYMENT, Status.PAID)
        paid = self.status is Status.PAID and self.payment_id is not None
        return self._emit(ev.CANCELED, at, refund_id=refund_id if paid else None)

    def move(self, action: str, at: datetime) -> tuple["Order", list[OrderEvent]]:
        """fulfill (paid), ship (fulfilled), deliver (shipped)."""
        type_, allowed = MOVES[action]
        self._require(action, *allowed)
        return self._emit(type_, at)

    def mark_refunded(
        self, payment_id: str, at: datetime
    ) -> tuple["Order", list[OrderEvent]]:
        """Its payment was fully refunded. Already refunded, canceled (the
        refund of a cancel), or another payment's refund: nothing changes."""
        if self.status not in REFUNDABLE or self.payment_id != payment_id:
            return self, []
        return self._emit(ev.REFUNDED, at, payment_id=payment_id)

    def link_legacy(
        self, legacy_id: int, at: datetime
    ) -> tuple["Order", list[OrderEvent]]:
        """Rules: once; the same id again changes nothing, another → 409."""
        if self.legacy_id == legacy_id:
            return self, []
        if self.legacy_id is not None:
            raise Conflict(f"order {self.id} is linked to legacy {self.legacy_id}")
        return self._emit(ev.LEGACY_LINKED, at, legacy_id=legacy_id)


def new_order(
    order_id: str,
    customer_id: str,
    currency: Currency,
    items: tuple[LineItem, ...],
    at: datetime,
    **origin: Any,
) -> tuple[Order, list[OrderEvent]]:
    """The creation event; `origin` adds `source`, `legacy_id`... (imports)."""
    data = {
        "customer_id": customer_id,
        "currency": currency.code,
        "items": [item.as_data() for item in items],
        "source": ev.SOURCE_TILL,
    } | origin
    event = OrderEvent(ev.CREATED, order_id, at, data)
    return replay([event]), [event]


_STATUS_OF = {
    ev.PAID: Status.PAID,
    ev.CANCELED: Status.CANCELED,
    ev.FULFILLED: Status.FULFILLED,
    ev.SHIPPED: Status.SHIPPED,
    ev.DELIVERED: Status.DELIVERED,
    ev.REFUNDED: Status.REFUNDED,
}


def evolve(order: Order, event: OrderEvent) -> Order:
    """The state after `event`: no rule is checked here (events are facts)."""
    if event.type == ev.LEGACY_LINKED:
        # Bookkeeping, not a change of the order: `updated_at` stays what the
        # dual-write copied to legacy, so reconciliation still sees them agree.
        legacy_id = int(event.data["legacy_id"])
        return replace(order, version=order.version + 1, legacy_id=legacy_id)
    moved = replace(order, updated_at=event.at, version=order.version + 1)
    match event.type:
        case ev.IMPORTED:
            return moved
        case ev.PAYMENT_STARTED:
            return replace(moved, payment_id=event.data["payment_id"])
        case ev.PAYMENT_FAILED:
            return replace(moved, payment_id=None)
        case ev.CANCELED:
            return replace(
                moved, status=Status.CANCELED, refund_id=event.data.get("refund_id")
            )
        case kind if kind in _STATUS_OF:
            return replace(moved, status=_STATUS_OF[kind])
    raise ValueError(f"unknown order event {event.type!r}")


def replay(events: list[OrderEvent]) -> Order:
    """Rebuild an order from its stream (the first event is its creation)."""
    first, rest = events[0], events[1:]
    if first.type != ev.CREATED:
        raise ValueError("an order stream starts with order.created")
    data = first.data
    legacy_id = data.get("legacy_id")
    order = Order(
        id=first.order_id,
        customer_id=str(data["customer_id"]),
        currency=Currency(str(data["currency"])),
        items=tuple(LineItem.from_data(item) for item in data["items"]),
        status=Status.PENDING_PAYMENT,
        created_at=first.at,
        updated_at=first.at,
        version=1,
        legacy_id=None if legacy_id is None else int(legacy_id),
        source=str(data.get("source", ev.SOURCE_TILL)),
    )
    for event in rest:
        order = evolve(order, event)
    return order
