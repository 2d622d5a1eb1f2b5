"""PaymentQueryPort: reads with the visibility rules of API.md (a user sees
only their own payments; the audit trail is for services and admins)."""

from dataclasses import replace
from typing import Protocol

from till.kernel.errors import NotFound
from till.payments.core.access import (
    Caller,
    require_scope,
    require_staff,
    require_visible,
)
from till.payments.core.commands import PaymentListQuery
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment


class PaymentReadModel(Protocol):
    async def get(self, payment_id: str) -> Payment | None: ...
    async def page(self, query: PaymentListQuery) -> tuple[list[Payment], bool]: ...
    async def events(self, payment_id: str) -> list[PaymentEvent]: ...


class PaymentQueries:
    def __init__(self, reads: PaymentReadModel) -> None:
        self.reads = reads

    async def get_payment(self, caller: Caller, payment_id: str) -> Payment:
        require_scope(caller, "payments:read")
        payment = await self.reads.get(payment_id)
        if payment is None:
            raise NotFound("no such payment")
        require_visible(caller, payment.customer_id, "payment")
        return payment

    async def list_payments(
        self, caller: Caller, query: PaymentListQuery
    ) -> tuple[list[Payment], bool]:
        require_scope(caller, "payments:read")
        if not caller.is_staff:
            if query.customer_id not in (None, caller.id):
                return [], False  # another customer's payments: none visible
            query = replace(query, customer_id=caller.id)
        return await self.reads.page(query)

    async def payment_events(
        self, caller: Caller, payment_id: str
    ) -> list[PaymentEvent]:
        await self.get_payment(caller, payment_id)
        require_scope(caller, "payments:read")
        require_staff(caller, "read a payment's audit trail")
        return await self.reads.events(payment_id)
