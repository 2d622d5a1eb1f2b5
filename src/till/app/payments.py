"""Composition root, payments part: the payments context's concrete adapters,
the processor chosen by settings, and the bridge that asks identity who the
caller is (payments never imports identity)."""

import asyncio
from contextlib import AsyncExitStack
from datetime import date, timedelta
from typing import TYPE_CHECKING

import structlog
from fastapi import FastAPI

from till.app.callers import IdentityCallers
from till.app.fraud import fraud_screening
from till.kernel.clock import Clock, SystemClock
from till.payments.core.access import Caller
from till.payments.core.breaker import BreakerPolicy
from till.payments.core.fees import FeeSchedule
from till.payments.core.ports import PaymentGatewayPort
from till.payments.shell.adapters.dns_resolver import resolve
from till.payments.shell.adapters.postgres_audit_checkpoints import (
    verify_checkpoints,
)
from till.payments.shell.adapters.postgres_event_store import verify_audit_chain
from till.payments.shell.adapters.postgres_ledger import SqlaLedger
from till.payments.shell.adapters.postgres_payment_methods import (
    SqlaPaymentMethodVault,
)
from till.payments.shell.adapters.postgres_payment_projection import (
    rebuild_payment_projection,
)
from till.payments.shell.adapters.postgres_payment_reads import SqlaPaymentReads
from till.payments.shell.adapters.postgres_payment_transactions import (
    SqlaPaymentTransactions,
)
from till.payments.shell.adapters.postgres_reconciliations import (
    SqlaReconciliations,
)
from till.payments.shell.adapters.postgres_sandbox_book import PostgresSandboxBook
from till.payments.shell.adapters.postgres_sandbox_state import PostgresSandboxState
from till.payments.shell.adapters.postgres_stripe_events import SqlaStripeEvents
from till.payments.shell.adapters.postgres_webhook_endpoints import (
    SqlaWebhookEndpoints,
)
from till.payments.shell.adapters.sandbox_gateway import SandboxGateway
from till.payments.shell.adapters.stripe_gateway import StripeGateway
from till.payments.shell.orchestrators.gateway_deadline import DeadlineGateway
from till.payments.shell.orchestrators.gateway_routing import GatewayRouter
from till.payments.shell.orchestrators.janitor import PaymentJanitor
from till.payments.shell.orchestrators.payment_cache import InvalidatingUnit
from till.payments.shell.orchestrators.payment_commands import (
    PaymentCommands,
    PaymentRules,
)
from till.payments.shell.orchestrators.payment_queries import PaymentQueries
from till.payments.shell.orchestrators.payment_streams import PaymentStreams
from till.payments.shell.orchestrators.processor_events import ProcessorEvents
from till.payments.shell.orchestrators.reconciliations import Reconciliations
from till.payments.shell.orchestrators.review_desk import ReviewDesk
from till.payments.shell.orchestrators.settlements import Settlements
from till.payments.shell.orchestrators.webhook_endpoint_commands import (
    WebhookEndpointCommands,
)
from till.platform.cache import LocalCache, TwoLevelCache
from till.platform.customer_keys import CustomerKeys
from till.platform.database import Database, one_off_transaction
from till.platform.postgres_event_log import PostgresEventLog
from till.platform.postgres_idempotency import PostgresIdempotencyStore
from till.platform.rate_limit import RateRule
from till.platform.settings import PaymentSettings, async_database_url

if TYPE_CHECKING:
    from till.app.factory import SharedInfra

SANDBOX_FLUSH_SECONDS = 1.0


def payment_gateway(
    settings: PaymentSettings,
    clock: Clock,
    kind: str,
    sandbox_book: PostgresSandboxBook | None = None,
    sandbox_state: PostgresSandboxState | None = None,
) -> PaymentGatewayPort:
    if kind == "stripe":
        if settings.stripe_api_key is None:
            raise RuntimeError("TILL_PAYMENTS_GATEWAY=stripe needs STRIPE_API_KEY")
        return StripeGateway(
            settings.stripe_api_key.get_secret_value(),
            api_base=settings.stripe_api_base,
            timeout=settings.gateway_timeout_seconds,
        )
    return SandboxGateway(
        clock,
        bank_transfer_delay=settings.sandbox_bank_transfer_delay_seconds,
        latency=settings.sandbox_latency_seconds,
        timeout_rate=settings.sandbox_timeout_rate,
        unavailable_rate=settings.sandbox_unavailable_rate,
        book=sandbox_book,
        state=sandbox_state,
    )


async def wire_payments(
    app: FastAPI,
    settings: PaymentSettings,
    shared: "SharedInfra",
    stack: AsyncExitStack,
    infra_prefix: str,
) -> None:
    """Put the payments driving ports on `app.state` (after identity's)."""
    database = shared.database
    customer_keys = CustomerKeys(database, shared.data_keys)
    app.state.customer_keys = customer_keys
    vault = SqlaPaymentMethodVault(database, shared.data_keys, customer_keys)
    kinds = [settings.gateway, settings.fallback_gateway]
    processors: dict[str, PaymentGatewayPort] = {}
    book = PostgresSandboxBook(database)
    if "sandbox" in kinds:
        await _keep_flushing(book, stack)
    # One sandbox state for every process, as a real processor is one
    # service (a retry or refund may come through any process).
    sandbox_state = PostgresSandboxState(database)
    for kind in dict.fromkeys(k for k in kinds if k):
        processor = payment_gateway(settings, shared.clock, kind, book, sandbox_state)
        if isinstance(processor, StripeGateway):
            stack.push_async_callback(processor.aclose)
        processors[kind] = DeadlineGateway(processor, settings.gateway_deadline_seconds)
    routes = GatewayRouter(
        processors,
        settings.gateway,
        settings.fallback_gateway,
        BreakerPolicy(
            window=settings.breaker_window,
            min_calls=settings.breaker_min_calls,
            failure_rate=settings.breaker_failure_rate,
            open_seconds=settings.breaker_open_seconds,
        ),
        shared.clock,
    )

    cache = TwoLevelCache(
        LocalCache(settings.cache_l1_seconds), shared.redis, infra_prefix
    )
    await cache.start()
    stack.push_async_callback(cache.stop)

    def unit() -> InvalidatingUnit:
        return InvalidatingUnit(SqlaPaymentTransactions(database), cache)

    app.state.payment_commands = PaymentCommands(
        unit,
        vault,
        routes,
        shared.clock,
        PaymentRules(
            settings.refund_mfa_threshold,
            FeeSchedule(settings.fee_percent_bps, settings.fee_fixed),
        ),
        fraud_screening(
            settings.fraud, shared.data_keys, shared.redis, infra_prefix, shared.clock
        ),
    )
    reads = SqlaPaymentReads(database)
    app.state.payment_queries = PaymentQueries(
        reads,
        cache,
        PostgresEventLog(shared.replica),
        shared.clock,
        lists=SqlaPaymentReads(shared.replica),
    )
    streams = PaymentStreams(app.state.payment_queries)
    cache.listeners.append(streams.changed)
    app.state.payment_streams = streams
    app.state.idempotency_store = PostgresIdempotencyStore(database)
    # For `till scheduler`: `app.state.settlements.generate(day)` settles a
    # day, `app.state.reconciliations.reconcile_day(day)` reconciles it.
    ledger = SqlaLedger(database)
    app.state.settlements = Settlements(ledger, shared.clock)
    # GET /v1/reports/settlements: a day that is over, read where reads may lag.
    app.state.settlement_reports = Settlements(SqlaLedger(shared.replica), shared.clock)
    app.state.reconciliations = Reconciliations(
        ledger, dict(processors), SqlaReconciliations(database), shared.clock
    )
    app.state.webhook_endpoints = WebhookEndpointCommands(
        SqlaWebhookEndpoints(database, shared.data_keys),
        resolve,
        shared.clock,
        settings.webhook_allow_private_urls,
    )
    app.state.payment_callers = IdentityCallers(
        app.state.identity_queries,
        shared.clock,
        app.state.mfa_max_age_seconds,
        lambda kind, id_, admin, mfa, scopes: Caller(kind, id_, admin, mfa, scopes),
    )

    commands: PaymentCommands = app.state.payment_commands
    janitor = PaymentJanitor(
        unit,
        commands.moves,
        reads,
        shared.clock,
        settings.janitor_grace_seconds,
    )
    app.state.payment_janitor = janitor
    app.state.review_desk = ReviewDesk(unit, commands.moves, reads, shared.clock)
    webhook_secret = settings.stripe_webhook_secret
    app.state.processor_events = ProcessorEvents(
        unit,
        commands.moves,
        reads,
        SqlaStripeEvents(database),
        shared.clock,
        None if webhook_secret is None else webhook_secret.get_secret_value(),
    )
    for name, per_minute in (
        ("payments_caller", settings.rate_limit_per_caller_per_minute),
        ("payments_ip", settings.rate_limit_per_ip_per_minute),
    ):
        if per_minute > 0:
            app.state.rate_rules[name] = RateRule(name, per_minute, 60.0)


async def _keep_flushing(book: PostgresSandboxBook, stack: AsyncExitStack) -> None:
    """The sandbox's book is written behind, every second and at shutdown
    (this process's own record: not a scheduler job)."""

    async def flush_forever() -> None:
        while True:
            await asyncio.sleep(SANDBOX_FLUSH_SECONDS)
            try:
                await book.flush()
            except Exception as error:  # a failed flush is retried next second
                structlog.get_logger("till.sandbox").warning(
                    "sandbox_book_flush_failed", error_type=type(error).__name__
                )

    job = asyncio.create_task(flush_forever())
    stack.push_async_callback(book.flush)
    stack.callback(job.cancel)


async def verify_payment_audit(database_url: str, kept: timedelta) -> list[str]:
    """Re-hash every payment event stream, then hold the store against the
    checkpoints (streams or events gone without a retention record, `kept`
    being the audit retention); an empty list means untouched."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        chains = await verify_audit_chain(conn)
        return chains + await verify_checkpoints(conn, kept)


async def settle_day(database_url: str, day: date) -> int:
    """`till reports settle`: settle one day (idempotent); currencies settled."""
    database = Database(async_database_url(database_url), pool_size=1)
    try:
        return await Settlements(SqlaLedger(database), SystemClock()).generate(day)
    finally:
        await database.close()


async def rebuild_projections(database_url: str) -> int:
    """Rebuild the payments read model from the event streams."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        return await rebuild_payment_projection(conn)
