"""The composition root: reads settings, builds the shared infrastructure and each
context's adapters, mounts the routers. Only `till.app` (and the CLI) names
concrete adapters."""

import gc
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from opentelemetry.sdk.trace.export import SpanExporter
from redis.asyncio import Redis

from till.app.events import wire_events
from till.app.identity import data_keyring, wire_identity
from till.app.legacy_sync import wire_dual_write
from till.app.migration import wire_feature_flags
from till.app.orders import wire_orders
from till.app.payments import wire_payments
from till.app.scheduler import wire_scheduler
from till.app.strangler import strangler_on, wire_strangler
from till.identity.shell.http import admin_routes, auth_routes, mfa_routes
from till.identity.shell.http.error_statuses import IDENTITY_ERROR_STATUS
from till.kernel.clock import Clock, SystemClock
from till.migration.shell.http import (
    flag_routes,
    migration_status_routes,
    strangler_routes,
)
from till.migration.shell.http.error_statuses import MIGRATION_ERROR_STATUS
from till.orders.shell.http import order_query_routes, order_routes
from till.orders.shell.http.error_statuses import ORDERS_ERROR_STATUS
from till.payments.shell.http import (
    customer_data_routes,
    event_routes,
    payment_method_routes,
    payment_query_routes,
    payment_routes,
    payment_stream_routes,
    processor_webhook_routes,
    report_routes,
    review_routes,
    webhook_endpoint_routes,
)
from till.payments.shell.http.error_statuses import PAYMENTS_ERROR_STATUS
from till.platform import dependency_checks, health
from till.platform.data_keys import DataKeyring
from till.platform.database import Database
from till.platform.error_handlers import install_error_handlers
from till.platform.http_middleware import HttpEdgeMiddleware
from till.platform.logging import configure_logging
from till.platform.openapi import PROBLEM_RESPONSES, install_openapi
from till.platform.rate_limit import InMemoryRateLimiter, RedisRateLimiter
from till.platform.read_replica import ReplicaDatabase
from till.platform.settings import (
    AuthSettings,
    FeatureFlagSettings,
    InfraSettings,
    LegacySettings,
    MigrationSettings,
    PaymentSettings,
    TracingSettings,
    async_database_url,
)
from till.platform.shutdown import Shutdown, drain_on_sigterm
from till.platform.tracing_setup import fastapi_telemetry, provider_for, started


@dataclass(frozen=True)
class SharedInfra:
    """What every context's wiring shares."""

    database: Database
    redis: Redis | None
    clock: Clock
    data_keys: DataKeyring
    # The query adapters whose reads may lag (lists, history, reports): the
    # replica with DATABASE_REPLICA_URL, else the primary itself.
    replica: Database
    shutdown: Shutdown


async def _shared_infra(
    app: FastAPI, infra: InfraSettings, stack: AsyncExitStack
) -> SharedInfra:
    if infra.database_url is None:
        raise RuntimeError("DATABASE_URL is not set (`till serve` starts one for you)")
    database = Database(
        async_database_url(infra.database_url),
        pool_size=infra.till_db_pool_size,
        max_overflow=infra.till_db_max_overflow,
        pgbouncer=infra.till_db_pgbouncer,
    )
    stack.push_async_callback(database.close)
    checks = {"postgres": dependency_checks.database_check(database)}
    replica = database
    if infra.database_replica_url:
        replica = ReplicaDatabase(
            async_database_url(infra.database_replica_url),
            database,
            pool_size=infra.till_db_replica_pool_size,
            pgbouncer=infra.till_db_pgbouncer,
        )
        stack.push_async_callback(replica.close)
        # Not a readiness check: reads fall back to the primary without it.
        app.state.optional_checks = {
            "postgres_replica": dependency_checks.database_check(replica)
        }
    redis = None
    if infra.redis_url:
        redis = Redis.from_url(
            infra.redis_url, socket_timeout=1, socket_connect_timeout=1
        )
        stack.push_async_callback(redis.aclose)
        checks["redis"] = dependency_checks.redis_check(redis)
    if infra.rabbitmq_url:
        checks["rabbitmq"] = dependency_checks.rabbitmq_check(infra.rabbitmq_url)
    clock = SystemClock()
    app.state.clock = clock
    app.state.readiness_checks = checks
    app.state.rate_limiter = (
        RedisRateLimiter(redis, infra.till_redis_prefix)
        if redis
        else InMemoryRateLimiter()
    )
    shutdown: Shutdown = app.state.shutdown
    return SharedInfra(database, redis, clock, data_keyring(infra), replica, shutdown)


def create_app(
    infra: InfraSettings | None = None,
    auth: AuthSettings | None = None,
    payments: PaymentSettings | None = None,
    legacy: LegacySettings | None = None,
    migration: MigrationSettings | None = None,
    tracing: TracingSettings | None = None,
    span_exporter: SpanExporter | None = None,
    *,
    served: bool = False,
) -> FastAPI:
    """`legacy` with a base URL puts the strangler router in front of
    /v1/orders (ADR 0017); without, the orders service serves them alone.
    Tracing is on when OTEL_* configures it or `span_exporter` is given
    (tests: an in-memory exporter). `served`: under `till serve`, where SIGTERM
    first drains (/readyz 503 for TILL_SHUTDOWN_DRAIN_SECONDS) before the
    server stops accepting."""
    infra = infra or InfraSettings()
    shutdown = Shutdown(infra.till_shutdown_grace_seconds)
    legacy_settings = legacy or LegacySettings()
    migration_settings = migration or MigrationSettings()
    auth = auth or AuthSettings()
    payment_settings = payments or PaymentSettings()
    configure_logging(infra.till_log_level)
    tracer_provider = provider_for(tracing or TracingSettings(), span_exporter)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(started(tracer_provider))
            shared = await _shared_infra(app, infra, stack)
            await wire_identity(app, auth, infra, shared, stack)
            await wire_payments(
                app, payment_settings, shared, stack, infra.till_redis_prefix
            )
            wire_orders(app, shared)
            await wire_dual_write(app, infra, shared, stack)
            await wire_events(app, infra, shared, stack)
            await wire_feature_flags(
                app, FeatureFlagSettings(), shared, stack, infra.till_redis_prefix
            )
            await wire_strangler(
                app, legacy_settings, migration_settings, shared, stack
            )
            if infra.till_scheduler_in_process:
                await wire_scheduler(app, infra, payment_settings, shared, stack)
            # Start-up leaves ~10^5 long-lived objects (FastAPI, SQLAlchemy,
            # pydantic); full GC passes over them paused requests for ~100 ms.
            # Freezing moves them out of the collector's sight (p99 at 1,000/s:
            # ~100 ms -> ~7 ms, docs/benchmarks.md).
            gc.collect()
            gc.freeze()
            if served:
                stack.callback(
                    drain_on_sigterm(shutdown, infra.till_shutdown_drain_seconds)
                )
            yield
            # The stack unwinds last in, first out; each part stops within
            # the time left (platform/shutdown.py).
            shutdown.begin()

    app = FastAPI(
        title="till",
        version="0.1.0",
        summary="Self-hostable commerce backend: identity, payments, orders.",
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
        # FastAPI's built-in OpenTelemetry hook looks up the global providers
        # on every request (4 % of a payment's CPU) unless told there are
        # none: it gets till's own provider when tracing is on, else nothing.
        telemetry=fastapi_telemetry(tracer_provider),
    )
    app.state.tracer_provider = tracer_provider  # None: tracing off
    app.state.shutdown = shutdown
    install_openapi(app)
    install_error_handlers(
        app,
        {
            **IDENTITY_ERROR_STATUS,
            **PAYMENTS_ERROR_STATUS,
            **ORDERS_ERROR_STATUS,
            **MIGRATION_ERROR_STATUS,
        },
    )
    app.add_middleware(HttpEdgeMiddleware, shutdown=shutdown)
    if strangler_on(legacy_settings):  # first: its routes shadow the orders'
        app.include_router(strangler_routes.router)
    for module in (
        health,
        auth_routes,
        mfa_routes,
        admin_routes,
        payment_method_routes,
        payment_routes,
        payment_query_routes,
        event_routes,
        webhook_endpoint_routes,
        processor_webhook_routes,
        payment_stream_routes,
        customer_data_routes,
        review_routes,
        report_routes,
        order_routes,
        order_query_routes,
        flag_routes,
        migration_status_routes,
    ):
        app.include_router(module.router)
    return app


def create_served_app() -> FastAPI:
    """The ASGI factory of `till serve` (uvicorn, one app per worker)."""
    return create_app(served=True)
