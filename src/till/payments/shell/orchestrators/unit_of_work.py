"""What an orchestrator needs of storage for one command: the driven ports
TransactionRepositoryPort and NotificationPublisherPort, plus the idempotency
response written with the command's last record."""

from collections.abc import Callable
from typing import Protocol

from till.kernel.idempotency import StoredResponse
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
