"""The orders consumer of the payments context's published events: an order
turns paid on its payment's `payment.completed`, may be paid again after
`payment.failed`, turns refunded when `refund.completed` leaves its payment
fully refunded. Idempotent (the same event twice changes nothing; the inbox
also drops copies). A payment that completes after its order was canceled is
refunded at once (the customer canceled while it was in flight)."""

import hashlib
from typing import Any

from till.kernel.clock import Clock
from till.kernel.ids import derived_id
from till.orders.core.models import Status
from till.orders.core.ports import OrderReadsPort, PaymentsPort
from till.orders.core.use_cases.payment_outcomes import (
    FAILED,
    PAID,
    REFUNDED,
    PaymentFact,
    fact_from,
)
from till.orders.shell.orchestrators.unit_of_work import OrdersUnitFactory, apply
from till.platform.tracing import use_case


def late_refund_id(payment_id: str, millis: int) -> str:
    """The same refund id for every copy of the same late payment."""
    return derived_id("re", millis, hashlib.sha256(payment_id.encode()).digest())


class PaymentOutcomes:
    def __init__(
        self,
        units: OrdersUnitFactory,
        reads: OrderReadsPort,
        payments: PaymentsPort,
        clock: Clock,
    ) -> None:
        self.units = units
        self.reads = reads
        self.payments = payments
        self.clock = clock

    @use_case("orders.payment_outcome")
    async def on_event(self, event_type: str, payload: dict[str, Any]) -> None:
        fact = fact_from(event_type, payload)
        if fact is None:
            return
        if fact.kind == PAID:
            await self._paid(fact)
        elif fact.kind == FAILED:
            await self._failed(fact)
        elif fact.kind == REFUNDED:
            await self._refunded(fact)

    async def _paid(self, fact: PaymentFact) -> None:
        now = self.clock.now()
        after = await apply(
            self.units, fact.order_id or "", lambda o: o.mark_paid(fact.payment_id, now)
        )
        late = (
            after is not None
            and after.status is Status.CANCELED
            and after.payment_id == fact.payment_id
            and after.refund_id is None
        )
        if late and after is not None:
            millis = int(after.created_at.timestamp() * 1000)
            refund_id = late_refund_id(fact.payment_id, millis)
            await self.payments.refund_payment(fact.payment_id, refund_id, True)

    async def _failed(self, fact: PaymentFact) -> None:
        now = self.clock.now()
        await apply(
            self.units,
            fact.order_id or "",
            lambda o: o.payment_failed(fact.payment_id, fact.code, now),
        )

    async def _refunded(self, fact: PaymentFact) -> None:
        order = await self.reads.by_payment(fact.payment_id)
        if order is None:
            return
        if await self.payments.payment_status(fact.payment_id) != "refunded":
            return  # a partial refund: the order stays as it is
        now = self.clock.now()
        await apply(
            self.units, order.id, lambda o: o.mark_refunded(fact.payment_id, now)
        )
