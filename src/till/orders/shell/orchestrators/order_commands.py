"""OrderCommandPort: each command loads, asks the pure core, records. Paying
and cancelling a paid order also ask the payments context (through
PaymentsPort): the intent is recorded first (the payment or refund id on the
order), then payments is asked under that id, so a retry resumes the same
payment or refund and never charges or refunds twice."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from till.kernel.clock import Clock
from till.kernel.errors import DomainError, NotFound
from till.kernel.idempotency import IdempotencyScope
from till.orders.core.access import Caller, require_may, require_scope, require_visible
from till.orders.core.commands import CommandOutcome, NewOrder
from till.orders.core.errors import (
    PaymentDeclined,
    PaymentsUnavailable,
    StreamConflict,
)
from till.orders.core.models import MOVES, Order
from till.orders.core.ports import OrdersUnitPort, PaymentsPort
from till.orders.core.use_cases.create_order import open_order
from till.orders.shell.orchestrators.unit_of_work import (
    OrdersUnitFactory,
    apply,
    finish,
    record,
)
from till.platform.tracing import use_case

FAILED_PAYMENT = frozenset({"failed", "canceled"})


class OrderCommands:
    def __init__(
        self, units: OrdersUnitFactory, payments: PaymentsPort, clock: Clock
    ) -> None:
        self.units = units
        self.payments = payments
        self.clock = clock

    @use_case("orders.create_order")
    async def create_order(
        self, caller: Caller, request: NewOrder, idempotency: IdempotencyScope
    ) -> CommandOutcome:
        unit = self.units()
        if idempotency.resumed:
            earlier = await unit.load(idempotency.resource_id)
            if earlier is not None:  # the first attempt recorded it
                return await finish(unit, earlier.version, earlier, [], idempotency)
        order, events = open_order(
            request, caller, idempotency.resource_id, self.clock.now()
        )
        return await finish(unit, 0, order, events, idempotency)

    @use_case("orders.pay_order")
    async def pay_order(
        self,
        caller: Caller,
        order_id: str,
        payment_method: str,
        idempotency: IdempotencyScope,
        ip: str | None = None,
    ) -> CommandOutcome:
        """Rules: owner or service; awaiting payment, no payment in flight; the
        payment is the order's total for its customer. The order turns paid
        when `payment.completed` arrives; a payment declined at once → 402 and
        the order may be paid again."""
        unit = self.units()
        payment_id = idempotency.resource_id

        async def start() -> Order | CommandOutcome:
            order = await self._visible(unit, caller, order_id, "pay")
            now = self.clock.now()
            if order.total == 0:
                after, events = order.pay_nothing(now)
                return await finish(unit, order.version, after, events, idempotency)
            if order.payment_id != payment_id:  # else: a retry got past this
                after, events = order.start_payment(payment_id, now)
                await record(unit, order.version, after, events)
                return after
            return order

        started = await _retrying(start)
        if isinstance(started, CommandOutcome):
            return started
        order = started
        try:
            attempt = await self.payments.start_payment(
                caller, order, payment_method, payment_id, idempotency.resumed, ip
            )
        except PaymentsUnavailable:
            raise  # the lease is released: a retry resumes this payment
        except DomainError as error:  # refused before charging
            await self._failed(order.id, payment_id, error.code)
            raise
        if attempt.status in FAILED_PAYMENT:
            code = attempt.failure_code or "card_declined"
            await self._failed(order.id, payment_id, code)
            raise PaymentDeclined(code, attempt.failure_message)
        return await _answer(unit, order, idempotency)

    async def _failed(self, order_id: str, payment_id: str, code: str) -> None:
        now = self.clock.now()
        await apply(
            self.units, order_id, lambda o: o.payment_failed(payment_id, code, now)
        )

    @use_case("orders.cancel_order")
    async def cancel_order(
        self, caller: Caller, order_id: str, idempotency: IdempotencyScope
    ) -> CommandOutcome:
        """Rules: the owner or staff; awaiting payment or paid (else 409). A
        paid order's payment is refunded in full (refund id = this request's)."""
        unit = self.units()
        refund_id = idempotency.resource_id

        async def cancel() -> Order | CommandOutcome:
            order = await self._visible(unit, caller, order_id, "cancel")
            if order.refund_id != refund_id:  # else: a retry got past this
                after, events = order.cancel(self.clock.now(), refund_id)
                if after.refund_id is None:  # nothing to give back
                    return await finish(unit, order.version, after, events, idempotency)
                await record(unit, order.version, after, events)
                return after
            return order

        canceled = await _retrying(cancel)
        if isinstance(canceled, CommandOutcome):
            return canceled
        if canceled.payment_id is not None:
            await self.payments.refund_payment(
                canceled.payment_id, refund_id, idempotency.resumed
            )
        return await _answer(unit, canceled, idempotency)

    @use_case("orders.move_order")
    async def move_order(
        self,
        caller: Caller,
        order_id: str,
        action: str,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        """fulfill (paid), ship (fulfilled), deliver (shipped): services and
        admins only; any other status → 409 `invalid_state`."""
        if action not in MOVES:
            raise NotFound(f"no such action {action!r}")
        unit = self.units()

        async def move() -> CommandOutcome:
            order = await self._visible(unit, caller, order_id, action)
            after, events = order.move(action, self.clock.now())
            return await finish(unit, order.version, after, events, idempotency)

        return await _retrying(move)

    async def _visible(
        self, unit: OrdersUnitPort, caller: Caller, order_id: str, action: str
    ) -> Order:
        require_scope(caller, "orders:write")
        order = await unit.load(order_id)
        if order is None:
            raise NotFound("no such order")
        require_visible(caller, order.customer_id)
        require_may(caller, order.customer_id, action)
        return order


ATTEMPTS = 5
T = TypeVar("T")


async def _retrying(step: Callable[[], Awaitable[T]]) -> T:
    """Run a step that loads, decides and records, again on a fresh load when
    another writer appended first (the payment's outcome, the dual-write's
    legacy link): the client never sees a conflict it did not cause. Only
    steps with nothing outside the order before their record are retried."""
    for attempt in range(ATTEMPTS):
        try:
            return await step()
        except StreamConflict:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def _answer(
    unit: OrdersUnitPort, order: Order, idempotency: IdempotencyScope
) -> CommandOutcome:
    """Store the answer (the order as it is now) with the idempotency record."""

    async def latest() -> CommandOutcome:
        current = await unit.load(order.id) or order
        return await finish(unit, current.version, current, [], idempotency)

    return await _retrying(latest)
