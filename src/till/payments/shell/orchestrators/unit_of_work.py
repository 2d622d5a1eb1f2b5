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


PaymentsUnitFactory = Callable[[], PaymentsUnit]
