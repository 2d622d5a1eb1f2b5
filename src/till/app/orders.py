"""Composition root, orders part: the orders adapters, the bridge that asks
identity who the caller is, and `PaymentsBridge`, the orders-side PaymentsPort
over the payments context's driving ports (in process; orders never imports
payments, payments never hears of orders)."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

from till.app.callers import IdentityCallers
from till.kernel.errors import NotFound
from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.kernel.money import Money
from till.orders.core.access import Caller
from till.orders.core.commands import PaymentAttempt
from till.orders.core.errors import PaymentsUnavailable
from till.orders.core.models import Order
from till.orders.shell.adapters.postgres_order_audit import verify_order_chain
from till.orders.shell.adapters.postgres_order_reads import (
    SqlaOrderReads,
    rebuild_order_projection,
)
from till.orders.shell.adapters.postgres_order_transactions import (
    SqlaOrderTransactions,
)
from till.orders.shell.orchestrators.order_commands import OrderCommands
from till.orders.shell.orchestrators.order_imports import OrderImports
from till.orders.shell.orchestrators.order_queries import OrderQueries
from till.orders.shell.orchestrators.payment_outcomes import PaymentOutcomes
from till.payments.core import access as payments_access
from till.payments.core.commands import PaymentIntent, RefundRequest
from till.payments.core.gateway import GatewayUnavailable
from till.payments.core.models import Payment
from till.payments.core.ports import PaymentCommandPort, PaymentQueryPort
from till.platform.database import one_off_transaction
from till.platform.settings import async_database_url

if TYPE_CHECKING:
    from till.app.factory import SharedInfra

# The orders context acting on its own behalf (refunds of canceled orders,
# reading a payment's status): a trusted in-process service.
ORDERS_SERVICE = payments_access.Caller(
    "service",
    "orders",
    scopes=frozenset({"payments:read", "payments:write", "refunds:write"}),
)
_NO_BODY = StoredResponse(200, "", b"")


def _scope(key: str, resource_id: str, resumed: bool) -> IdempotencyScope:
    """A payments command run for an order: keyed by the order's own ids (no
    Idempotency-Key record stands behind it; the order's request has one)."""
    return IdempotencyScope("orders", key, resource_id, resumed, lambda _: _NO_BODY)


class PaymentsBridge:
    """PaymentsPort over PaymentCommandPort / PaymentQueryPort."""

    def __init__(self, commands: PaymentCommandPort, queries: PaymentQueryPort) -> None:
        self.commands = commands
        self.queries = queries

    async def start_payment(
        self,
        caller: Caller,
        order: Order,
        payment_method: str,
        payment_id: str,
        resumed: bool,
        ip: str | None = None,
    ) -> PaymentAttempt:
        # The payer as payments knows them: the user themselves (so their own
        # payment method is required), or the service paying for the customer.
        payer = payments_access.Caller(
            caller.kind,
            caller.id,
            admin=caller.admin,
            scopes=frozenset({"payments:write"}) if caller.is_service else frozenset(),
        )
        intent = PaymentIntent(
            amount=Money(order.total, order.currency),
            customer_id=order.customer_id if caller.is_service else None,
            payment_method=payment_method,
            description=f"Order {order.id}",
            metadata={"order_id": order.id},
            confirm=True,
        )
        scope = _scope(f"{order.id}:pay:{payment_id}", payment_id, resumed)
        try:
            outcome = await self.commands.create_payment(payer, intent, scope, ip)
        except GatewayUnavailable as error:
            raise PaymentsUnavailable(error.message) from error
        payment = outcome.result
        if not isinstance(payment, Payment):  # pragma: no cover (a payment)
            raise TypeError("create_payment answers a payment")
        return PaymentAttempt(
            payment.id,
            payment.status.value,
            payment.failure_code,
            payment.failure_message,
        )

    async def refund_payment(
        self, payment_id: str, refund_id: str, resumed: bool
    ) -> None:
        scope = _scope(f"{payment_id}:refund:{refund_id}", refund_id, resumed)
        request = RefundRequest(reason="requested_by_customer")
        try:
            await self.commands.refund_payment(
                ORDERS_SERVICE, payment_id, request, scope
            )
        except GatewayUnavailable as error:
            raise PaymentsUnavailable(error.message) from error

    async def payment_status(self, payment_id: str) -> str | None:
        try:
            payment = await self.queries.get_payment(ORDERS_SERVICE, payment_id)
        except NotFound:
            return None
        return payment.status.value


def wire_orders(app: FastAPI, shared: "SharedInfra") -> None:
    """Put the orders driving ports on `app.state` (after payments'):
    `order_commands`, `order_queries`, `order_imports` (the migration
    toolkit's port), `order_payment_outcomes` (the events consumer)."""
    database = shared.database

    def unit() -> SqlaOrderTransactions:
        return SqlaOrderTransactions(database)

    reads = SqlaOrderReads(database)
    payments = PaymentsBridge(app.state.payment_commands, app.state.payment_queries)
    app.state.order_callers = IdentityCallers(
        app.state.identity_queries,
        shared.clock,
        app.state.mfa_max_age_seconds,
        lambda kind, id_, admin, _mfa, scopes: Caller(kind, id_, admin, scopes),
    )
    app.state.order_commands = OrderCommands(unit, payments, shared.clock)
    app.state.order_queries = OrderQueries(reads, SqlaOrderReads(shared.replica))
    app.state.order_imports = OrderImports(unit, reads, shared.clock)
    app.state.order_payment_outcomes = PaymentOutcomes(
        unit, reads, payments, shared.clock
    )


async def rebuild_order_projections(database_url: str) -> int:
    """Rebuild the orders read model from the event streams."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        return await rebuild_order_projection(conn)


async def verify_order_audit(database_url: str) -> list[str]:
    """Re-hash every order event stream; an empty list means untouched."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        return await verify_order_chain(conn)
