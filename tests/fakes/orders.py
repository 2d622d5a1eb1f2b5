"""In-memory fakes of the orders ports, for unit tests of the orchestrators."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from till.kernel.errors import DomainError
from till.kernel.idempotency import StoredResponse
from till.orders.core.access import Caller
from till.orders.core.commands import OrderListQuery, PaymentAttempt
from till.orders.core.errors import StreamConflict
from till.orders.core.events import OrderEvent
from till.orders.core.models import Order, evolve
from till.orders.core.notifications import Notification


@dataclass
class OrdersStore:
    orders: dict[str, Order] = field(default_factory=dict)
    streams: dict[str, list[OrderEvent]] = field(default_factory=dict)
    outbox: list[Notification] = field(default_factory=list)
    responses: dict[tuple[str, str], StoredResponse] = field(default_factory=dict)
    # a competing writer: appended to a stream just before the next record
    interloper: list[tuple[str, OrderEvent]] = field(default_factory=list)


class FakeOrdersUnit:
    """Records like the PostgreSQL unit: all or nothing, version-checked, a
    legacy id held by one order only."""

    def __init__(self, store: OrdersStore) -> None:
        self.store = store
        self._outbox: list[Notification] = []
        self._response: tuple[str, str, StoredResponse] | None = None

    async def load(self, order_id: str) -> Order | None:
        return self.store.orders.get(order_id)

    def publish(self, notifications: list[Notification]) -> None:
        self._outbox += notifications

    def respond(self, caller: str, key: str, response: StoredResponse) -> None:
        self._response = (caller, key, response)

    async def record(
        self, before_version: int, after: Order, events: list[OrderEvent]
    ) -> None:
        while self.store.interloper:
            order_id, event = self.store.interloper.pop()
            self.store.streams[order_id].append(event)
            self.store.orders[order_id] = evolve(self.store.orders[order_id], event)
        stream = self.store.streams.setdefault(after.id, [])
        taken = any(
            o.legacy_id == after.legacy_id and o.id != after.id
            for o in self.store.orders.values()
            if after.legacy_id is not None
        )
        if events and (len(stream) != before_version or taken):
            self._outbox, self._response = [], None
            raise StreamConflict(after.id)
        stream += events
        if events:
            self.store.orders[after.id] = after
        self.store.outbox += self._outbox
        if self._response is not None:
            caller, key, response = self._response
            self.store.responses[(caller, key)] = response
        self._outbox, self._response = [], None


class FakeOrderReads:
    def __init__(self, store: OrdersStore) -> None:
        self.store = store

    async def get(self, order_id: str) -> Order | None:
        return self.store.orders.get(order_id)

    async def page(self, query: OrderListQuery) -> tuple[list[Order], bool]:
        found = sorted(
            (
                o
                for o in self.store.orders.values()
                if query.customer_id in (None, o.customer_id)
                and query.status in (None, o.status.value)
            ),
            key=lambda o: o.id,
            reverse=True,
        )
        return found[: query.limit], len(found) > query.limit

    async def events(self, order_id: str) -> list[OrderEvent]:
        return list(self.store.streams.get(order_id, []))

    async def by_payment(self, payment_id: str) -> Order | None:
        return next(
            (o for o in self.store.orders.values() if o.payment_id == payment_id),
            None,
        )

    async def by_legacy_ids(self, legacy_ids: Sequence[int]) -> list[Order]:
        return [o for o in self.store.orders.values() if o.legacy_id in legacy_ids]

    async def ascending(self, after_id: str | None, limit: int) -> list[Order]:
        found = sorted(self.store.orders.values(), key=lambda o: o.id)
        return [o for o in found if o.id > (after_id or "")][:limit]


@dataclass
class FakePayments:
    """PaymentsPort: remembers what it was asked; answers `status`, or raises
    `error`."""

    status: str = "completed"
    error: DomainError | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    started: list[tuple[str, str, str, bool]] = field(default_factory=list)
    refunds: list[tuple[str, str, bool]] = field(default_factory=list)
    ips: list[str | None] = field(default_factory=list)

    async def start_payment(
        self,
        caller: Caller,
        order: Order,
        payment_method: str,
        payment_id: str,
        resumed: bool,
        ip: str | None = None,
    ) -> PaymentAttempt:
        self.started.append((order.id, payment_method, payment_id, resumed))
        self.ips.append(ip)
        if self.error is not None:
            raise self.error
        failed = self.status == "failed"
        return PaymentAttempt(
            payment_id,
            self.status,
            "card_declined" if failed else None,
            "declined" if failed else None,
        )

    async def refund_payment(
        self, payment_id: str, refund_id: str, resumed: bool
    ) -> None:
        self.refunds.append((payment_id, refund_id, resumed))
        if self.error is not None:
            raise self.error

    async def payment_status(self, payment_id: str) -> str | None:
        return self.statuses.get(payment_id)
