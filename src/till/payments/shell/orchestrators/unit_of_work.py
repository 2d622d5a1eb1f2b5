"""What an orchestrator needs of storage for one command: the driven ports
TransactionRepositoryPort and NotificationPublisherPort, plus the idempotency
response written with the command's last record."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Protocol

from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.payments.core.ports import (
    NotificationPublisherPort,
    TransactionRepositoryPort,
)


class PaymentsUnit(TransactionRepositoryPort, NotificationPublisherPort, Protocol):
    def respond(self, caller: str, key: str, response: StoredResponse) -> None:
        """Store this idempotent response with the next `record`."""

    async def settle(self) -> None:
        """The command is over (answered or failed): after-commit work, such as
        dropping cached copies of what it changed, happens now, once."""


PaymentsUnitFactory = Callable[[], PaymentsUnit]


@asynccontextmanager
async def settled_unit(units: PaymentsUnitFactory) -> AsyncIterator[PaymentsUnit]:
    """A unit for one command, settled when the command ends (also on error)."""
    unit = units()
    try:
        yield unit
    finally:
        await unit.settle()


# For records no Idempotency-Key stands behind (the janitor, processor
# webhooks): the response is rendered and stored nowhere.
NO_KEY = IdempotencyScope(
    "system", "", "", False, lambda _: StoredResponse(200, "", b"")
)
