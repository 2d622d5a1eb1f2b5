"""Ports of the orders context.

Driving: `OrderCommandPort`, `OrderQueryPort` (HTTP), `OrderImportPort` (the
migration toolkit, through an adapter in the composition root). Driven:
`OrdersUnitPort` (event store + projection + outbox + idempotency record, one
command's view), `OrderReadsPort`, `PaymentsPort` (the payments context, in
process through its driving port), `Clock`."""

from collections.abc import Sequence
from typing import Any, Protocol

from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.orders.core.access import Caller
from till.orders.core.commands import (
    CommandOutcome,
    ImportedOrder,
    NewOrder,
    OrderListQuery,
    PaymentAttempt,
)
from till.orders.core.events import OrderEvent
from till.orders.core.models import Order
from till.orders.core.notifications import Notification


class OrdersUnitPort(Protocol):
    """One command's view of the store: `record` appends the events after
    `before_version`, saves the state they lead to and, in the same
    transaction, the buffered outbox rows and idempotency response.
    `StreamConflict` when someone else appended first."""

    async def load(self, order_id: str) -> Order | None: ...

    async def record(
        self, before_version: int, after: Order, events: list[OrderEvent]
    ) -> None: ...

    def publish(self, notifications: list[Notification]) -> None: ...

    def respond(self, caller: str, key: str, response: StoredResponse) -> None: ...


class OrderReadsPort(Protocol):
    async def get(self, order_id: str) -> Order | None: ...

    async def page(self, query: OrderListQuery) -> tuple[list[Order], bool]: ...

    async def events(self, order_id: str) -> list[OrderEvent]: ...

    async def by_payment(self, payment_id: str) -> Order | None: ...

    async def by_legacy_ids(self, legacy_ids: Sequence[int]) -> list[Order]: ...

    async def ascending(self, after_id: str | None, limit: int) -> list[Order]: ...


class PaymentsPort(Protocol):
    """The payments context as orders needs it."""

    async def start_payment(
        self,
        caller: Caller,
        order: Order,
        payment_method: str,
        payment_id: str,
        resumed: bool,
        ip: str | None = None,
    ) -> PaymentAttempt:
        """Create and confirm payment `payment_id` for the order's total, for
        its customer, `metadata.order_id` = the order. `resumed`: a retry of an
        attempt that may have got that far (never charges twice). `ip`: the
        client's address, for fraud screening. Raises
        `PaymentsUnavailable` when a retry later should finish it."""

    async def refund_payment(
        self, payment_id: str, refund_id: str, resumed: bool
    ) -> None:
        """Refund all that is refundable of the payment, as refund `refund_id`."""

    async def payment_status(self, payment_id: str) -> str | None:
        """The payment's status now (None: no such payment)."""


class OrderCommandPort(Protocol):
    async def create_order(
        self, caller: Caller, request: NewOrder, idempotency: IdempotencyScope
    ) -> CommandOutcome: ...

    async def pay_order(
        self,
        caller: Caller,
        order_id: str,
        payment_method: str,
        idempotency: IdempotencyScope,
        ip: str | None = None,
    ) -> CommandOutcome: ...

    async def cancel_order(
        self, caller: Caller, order_id: str, idempotency: IdempotencyScope
    ) -> CommandOutcome: ...

    async def move_order(
        self,
        caller: Caller,
        order_id: str,
        action: str,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        """`action`: fulfill, ship or deliver."""


class OrderQueryPort(Protocol):
    async def get_order(self, caller: Caller, order_id: str) -> Order: ...

    async def list_orders(
        self, caller: Caller, query: OrderListQuery
    ) -> tuple[list[Order], bool]: ...

    async def order_history(
        self, caller: Caller, order_id: str
    ) -> list[OrderEvent]: ...


class OrderImportPort(Protocol):
    """What the migration toolkit may do to orders. Orders are handed over as
    API.md's order object (plain dicts)."""

    async def import_legacy(self, order: ImportedOrder) -> str:
        """The till order id of the legacy order (the same on every call)."""

    async def link_legacy(self, order_id: str, legacy_id: int) -> None: ...

    async def snapshot(self, order_id: str) -> dict[str, Any] | None: ...

    async def scan(self, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        """Orders by id ascending, after `after_id` (a page for reconciling)."""

    async def orders_by_legacy_ids(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]: ...
