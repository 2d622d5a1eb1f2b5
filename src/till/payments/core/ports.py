"""Ports of the payments context (the names PRP-PAY-002 asks for).

Driving: `PaymentCommandPort`, `PaymentQueryPort` (what HTTP, the CLI and the
orders context call). Driven: `PaymentGatewayPort` (a processor),
`TransactionRepositoryPort` (event store + projection), `NotificationPublisherPort`
(the outbox), `PaymentMethodVaultPort`, `Clock`.
"""

from datetime import datetime
from typing import Any, Protocol

from till.kernel.clock import Clock
from till.kernel.idempotency import IdempotencyScope
from till.kernel.money import Money
from till.payments.core.access import Caller
from till.payments.core.commands import (
    CommandOutcome,
    NewPaymentMethod,
    PaymentIntent,
    PaymentListQuery,
    RefundRequest,
)
from till.payments.core.events import PaymentEvent
from till.payments.core.fraud import Attempt, Signals
from till.payments.core.gateway import ChargeRequest, GatewayResult, Movement
from till.payments.core.models import Payment
from till.payments.core.notifications import Notification
from till.payments.core.payment_methods import PaymentMethod

__all__ = ["Clock", "PaymentGatewayPort"]


class PaymentGatewayPort(Protocol):
    """A payment processor. Each call answers a `GatewayResult`, or raises
    `GatewayUnavailable` (nothing happened) or `GatewayOutcomeUnknown` (maybe it
    happened). The same idempotency key with the same parameters gives the same
    answer and never moves money twice."""

    name: str

    async def authorize(self, request: ChargeRequest) -> GatewayResult:
        """Charge (`request.capture`) or hold the amount."""

    async def capture(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        """Take `amount` (≤ the held amount) of an authorisation."""

    async def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        """Release an uncaptured authorisation."""

    async def refund(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        """Give back `amount` of a captured charge."""

    async def lookup(self, reference: str) -> GatewayResult:
        """The processor's current view of a charge (to resolve an unknown
        outcome)."""

    async def transactions(self, start: datetime, end: datetime) -> list[Movement]:
        """The money the processor moved in [start, end): captured charges and
        refunds, with its fees (for reconciliation)."""


class TransactionRepositoryPort(Protocol):
    """Payment streams and their read model, written together: `record` appends
    the events after `expected_version`, saves the state they lead to and (in
    the same transaction) whatever the unit of work has buffered — outbox rows
    and the idempotency record. `StreamConflict` when someone else appended
    first."""

    async def load(self, payment_id: str) -> Payment | None: ...

    async def record(
        self, before_version: int, after: Payment, events: list[PaymentEvent]
    ) -> None: ...

    async def events(self, payment_id: str) -> list[PaymentEvent]: ...


class NotificationPublisherPort(Protocol):
    """The outbox: notifications written with the command's transaction and
    published (RabbitMQ, webhooks) only after it commits."""

    def publish(self, notifications: list[Notification]) -> None: ...


class PaymentMethodVaultPort(Protocol):
    async def store(self, method: PaymentMethod, secret: str) -> None:
        """Keep the method; `secret` (card number or IBAN) only encrypted."""

    async def get(self, method_id: str) -> PaymentMethod | None: ...

    async def get_with_secret(self, method_id: str) -> tuple[PaymentMethod, str] | None:
        """The method and its secret, for a gateway call only."""


class PaymentCommandPort(Protocol):
    """What callers may do (HTTP, CLI, the orders context). Each command is one
    transaction (two around a processor call, the first recording the attempt)."""

    async def add_payment_method(
        self, caller: Caller, request: NewPaymentMethod
    ) -> PaymentMethod: ...

    async def create_payment(
        self,
        caller: Caller,
        intent: PaymentIntent,
        idempotency: IdempotencyScope,
        ip: str | None = None,
    ) -> CommandOutcome:
        """`ip`: where the request came from, for fraud screening."""

    async def confirm_payment(
        self,
        caller: Caller,
        payment_id: str,
        payment_method: str | None,
        idempotency: IdempotencyScope,
        ip: str | None = None,
    ) -> CommandOutcome: ...

    async def capture_payment(
        self,
        caller: Caller,
        payment_id: str,
        amount: int | None,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome: ...

    async def cancel_payment(
        self, caller: Caller, payment_id: str, idempotency: IdempotencyScope
    ) -> CommandOutcome: ...

    async def refund_payment(
        self,
        caller: Caller,
        payment_id: str,
        request: RefundRequest,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome: ...


class FraudSignalsPort(Protocol):
    async def observe(self, attempt: Attempt, now: datetime) -> Signals:
        """Count this attempt and return the windows it falls in."""

    async def settled(
        self, attempt: Attempt, succeeded: bool, amount: int, now: datetime
    ) -> None:
        """The processor's answer: history on success, a decline on failure."""

    async def flagged(self, attempt: Attempt, now: datetime) -> None:
        """Screening held or blocked the attempt."""


class ReviewQueuePort(Protocol):
    async def open_reviews(
        self, limit: int, starting_after: str | None
    ) -> tuple[list[Payment], bool]:
        """Payments waiting in `requires_review`, oldest first."""

    async def payment_for_review(self, review_id: str) -> str | None: ...


class PaymentQueryPort(Protocol):
    async def get_payment(self, caller: Caller, payment_id: str) -> Payment: ...

    async def payment_document(self, caller: Caller, payment_id: str) -> bytes:
        """The payment object of API.md as JSON (served from cache when it can)."""

    async def history_document(self, caller: Caller) -> bytes:
        """A user's default list of their payments as JSON (cached)."""

    async def list_events(
        self,
        caller: Caller,
        event_type: str | None,
        starting_after: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], bool]:
        """The published events of the last 30 days, newest first."""

    async def list_payments(
        self, caller: Caller, query: PaymentListQuery
    ) -> tuple[list[Payment], bool]: ...

    async def payment_events(
        self, caller: Caller, payment_id: str
    ) -> list[PaymentEvent]: ...
