"""Payment reads through the two-level cache, and the unit-of-work wrapper that
drops a payment's entries after every record (after the commit, before the
command answers)."""

from typing import Protocol

from till.kernel.idempotency import StoredResponse
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment
from till.payments.core.notifications import Notification
from till.payments.shell.orchestrators.unit_of_work import PaymentsUnit

STATUS_L2_SECONDS = 300
HISTORY_L2_SECONDS = 1800  # a customer's recent payments (first page)


class ReadCache(Protocol):
    def token(self) -> float: ...
    async def get(self, key: str) -> bytes | None: ...
    async def put(
        self, key: str, value: bytes, token: float, l2_seconds: int, l1: bool = True
    ) -> None: ...
    async def invalidate(self, keys: list[str]) -> None: ...


def payment_key(payment_id: str) -> str:
    return f"payment:{payment_id}"


def history_key(customer_id: str | None) -> str:
    return f"history:{customer_id}"


class InvalidatingUnit:
    """A PaymentsUnit whose records drop the payment's cache entries when the
    command settles."""

    def __init__(self, unit: PaymentsUnit, cache: ReadCache) -> None:
        self.unit = unit
        self.cache = cache
        self._stale: list[str] = []

    async def load(self, payment_id: str) -> Payment | None:
        return await self.unit.load(payment_id)

    async def events(self, payment_id: str) -> list[PaymentEvent]:
        return await self.unit.events(payment_id)

    def publish(self, notifications: list[Notification]) -> None:
        self.unit.publish(notifications)

    def respond(self, caller: str, key: str, response: StoredResponse) -> None:
        self.unit.respond(caller, key, response)

    async def record(
        self, before_version: int, after: Payment, events: list[PaymentEvent]
    ) -> None:
        await self.unit.record(before_version, after, events)
        if not events:
            return
        for key in (payment_key(after.id), history_key(after.customer_id)):
            if key not in self._stale:
                self._stale.append(key)

    async def settle(self) -> None:
        """One invalidation per command, before it answers (a command that
        records twice around a processor call drops its keys once)."""
        await self.unit.settle()
        if self._stale:
            stale, self._stale = self._stale, []
            await self.cache.invalidate(stale)
