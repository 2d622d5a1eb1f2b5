"""Composition root, scheduler part: the registry of periodic jobs and the
scheduler that runs them — in `till scheduler`, and in `till serve` while
TILL_SCHEDULER_IN_PROCESS is true (the embedded default) — with the backlog
gauges beside it. Adding a job is one line in `scheduled_jobs` (ADR 0011):

    Job.every("name", seconds, async_callable_returning_a_count),
    Job.daily("name", time(0, 30), async_callable_of_the_previous_day),
"""

from collections.abc import Awaitable
from contextlib import AsyncExitStack
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from fastapi import FastAPI

from till.app.backlog import wire_backlog_gauges
from till.payments.shell.adapters.postgres_audit_checkpoints import take_checkpoint
from till.payments.shell.adapters.postgres_audit_retention import (
    expire_payment_streams,
)
from till.platform.postgres_event_log import delete_expired_events
from till.platform.postgres_idempotency import delete_expired_idempotency_keys
from till.platform.postgres_scheduler_runs import PostgresRunStore
from till.platform.schedule import Job
from till.platform.scheduler import Scheduler
from till.platform.settings import InfraSettings, PaymentSettings, async_database_url

if TYPE_CHECKING:
    from till.app.factory import SharedInfra

WEBHOOK_SEND_SECONDS = 1.0
RETENTION_SECONDS = 600.0
RUNS_KEPT = timedelta(days=30)


def scheduled_jobs(
    app: FastAPI,
    infra: InfraSettings,
    payments: PaymentSettings,
    shared: "SharedInfra",
    runs: PostgresRunStore,
) -> list[Job]:
    database, clock = shared.database, shared.clock
    janitor = app.state.payment_janitor
    webhooks = app.state.webhook_deliveries
    audit_kept = timedelta(days=infra.till_audit_retention_days)
    checkpoint_every = infra.till_audit_checkpoint_seconds

    def expired_keys() -> Awaitable[int]:
        return delete_expired_idempotency_keys(database, clock.now())

    def expired_events() -> Awaitable[int]:
        return delete_expired_events(database, clock.now())

    def expired_audit() -> Awaitable[int]:
        return expire_payment_streams(database, clock.now(), audit_kept)

    def audit_checkpoint() -> Awaitable[int]:
        return take_checkpoint(database, clock.now())

    def old_runs() -> Awaitable[int]:
        return runs.prune(clock.now(), RUNS_KEPT)

    async def reconcile(day: date) -> int:
        """The differences found (matched movements are not counted)."""
        report = await app.state.reconciliations.reconcile_day(day)
        counts: dict[str, int] = report["counts"]
        return sum(n for kind, n in counts.items() if kind != "matched")

    return [
        Job.every("payment_janitor", payments.janitor_every_seconds, janitor.run_once),
        Job.every("webhook_deliveries", WEBHOOK_SEND_SECONDS, webhooks.send_due),
        Job.every("idempotency_key_expiry", RETENTION_SECONDS, expired_keys),
        Job.every("event_retention", RETENTION_SECONDS, expired_events),
        Job.every("audit_retention", 3600.0, expired_audit),
        Job.every("audit_checkpoint", checkpoint_every, audit_checkpoint),
        Job.every("scheduler_runs_retention", 3600.0, old_runs),
        Job.daily("settlements", time(0, 30), app.state.settlements.generate),
        Job.daily("reconciliation", time(1, 0), reconcile),
    ]


async def wire_scheduler(
    app: FastAPI,
    infra: InfraSettings,
    payments: PaymentSettings,
    shared: "SharedInfra",
    stack: AsyncExitStack,
) -> None:
    """Start this process's scheduler (after every context is wired). Its job
    locks are session advisory locks: they connect to DATABASE_SESSION_URL
    (PgBouncer in transaction mode would hand the lock and the unlock to
    different sessions); the jobs themselves use the pool."""
    runs = PostgresRunStore(async_database_url(infra.session_url or ""))
    stack.push_async_callback(runs.close)
    scheduler = Scheduler(
        scheduled_jobs(app, infra, payments, shared, runs), runs, shared.clock
    )
    app.state.scheduler = scheduler
    scheduler.start()

    async def close() -> None:
        await scheduler.close(grace_seconds=shared.shutdown.remaining())

    stack.push_async_callback(close)
    wire_backlog_gauges(app, infra, shared, stack)
