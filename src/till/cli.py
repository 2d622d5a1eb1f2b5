"""The `till` command line: serve, worker, scheduler, migrate, user, keys, audit,
projections, dlq, legacy, doctor."""

import asyncio
import getpass
import os
import signal
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from till.kernel.errors import DomainError
from till.platform.settings import InfraSettings, async_database_url

# No rich tracebacks: they print local variables, which may hold secrets.
app = typer.Typer(
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False
)
user_app = typer.Typer(no_args_is_help=True, help="Manage user accounts.")
keys_app = typer.Typer(no_args_is_help=True, help="Manage signing and data keys.")
audit_app = typer.Typer(no_args_is_help=True, help="Check the audit trail.")
projections_app = typer.Typer(no_args_is_help=True, help="Manage read models.")
dlq_app = typer.Typer(no_args_is_help=True, help="Dead-lettered events.")
reports_app = typer.Typer(no_args_is_help=True, help="Settlement reports.")
app.add_typer(user_app, name="user")
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(projections_app, name="projections")
app.add_typer(dlq_app, name="dlq")
app.add_typer(reports_app, name="reports")
legacy_app = typer.Typer(no_args_is_help=True, help="Migrate from the legacy shop.")
app.add_typer(legacy_app, name="legacy")

_embedded: list[Any] = []  # keeps the bundled PostgreSQL alive with this process


def _database_url() -> str:
    """DATABASE_URL, or the bundled PostgreSQL under TILL_DATA_DIR (./.till)."""
    infra = InfraSettings()
    if infra.database_url:
        return async_database_url(infra.database_url)
    from till.platform.embedded_postgres import start_embedded_postgres

    typer.echo(
        f"no DATABASE_URL: starting the bundled PostgreSQL in {infra.till_data_dir}"
    )
    url, handle = start_embedded_postgres(infra.till_data_dir)
    _embedded.append(handle)
    os.environ["TILL_EMBEDDED_DATABASE"] = "1"
    return url


def _session_url() -> str:
    """Where one-off work connects (migrations, maintenance commands):
    DATABASE_SESSION_URL when set (PgBouncer in transaction mode keeps no
    session), else as `_database_url()`."""
    session_url = InfraSettings().database_session_url
    return async_database_url(session_url) if session_url else _database_url()


def _migrate(url: str) -> None:
    from till.platform.migrations import upgrade_to_head

    upgrade_to_head(url)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[
        int, typer.Option(help="API processes (needs DATABASE_URL)")
    ] = 1,
) -> None:
    """Run the HTTP API (migrating first unless TILL_MIGRATE_ON_START=false)."""
    import uvicorn

    from till.platform.shutdown import request_seconds

    infra = InfraSettings()
    if workers > 1 and not infra.redis_url:
        # Throttles, rate limits and session revocation marks would live in
        # each process alone: a logout would not reach the other workers.
        typer.echo("error: --workers > 1 needs REDIS_URL (shared guards)", err=True)
        raise typer.Exit(code=2)
    url = _database_url()
    if infra.till_migrate_on_start:
        _migrate(async_database_url(infra.database_session_url or url))
    os.environ["DATABASE_URL"] = url
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through
    # SystemExit instead lets atexit stop the bundled PostgreSQL.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    uvicorn.run(
        "till.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=infra.till_forwarded_allow_ips,
        # After SIGTERM and the drain: requests in flight get this long, the
        # lifespan's shutdown the rest of TILL_SHUTDOWN_GRACE_SECONDS.
        timeout_graceful_shutdown=request_seconds(
            infra.till_shutdown_grace_seconds, infra.till_shutdown_drain_seconds
        ),
    )


@app.command()
def migrate() -> None:
    """Apply database migrations up to the newest."""
    _migrate(_session_url())
    typer.echo("migrations applied")


def _read_password() -> str:
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise typer.BadParameter("passwords differ")
        return password
    return sys.stdin.readline().rstrip("\n")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option()],
    name: Annotated[str | None, typer.Option()] = None,
    admin: Annotated[bool, typer.Option("--admin")] = False,
) -> None:
    """Create a user; the password is read from stdin (prompted on a terminal)."""
    from till.cli_tasks import create_user

    password = _read_password()
    try:
        user_id = asyncio.run(create_user(_session_url(), email, password, name, admin))
    except DomainError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(user_id)


# `keys rotate` is left for the data-encryption keyring of the payments context.
@keys_app.command("rotate-signing")
def keys_rotate_signing() -> None:
    """Add a new JWT signing key; older keys keep verifying until retired."""
    from till.cli_tasks import rotate_signing_key

    typer.echo(asyncio.run(rotate_signing_key(_session_url(), InfraSettings())))


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored secret (card numbers, TOTP seeds, signing keys)
    under the first key of TILL_DATA_KEYS; then older keys can be removed."""
    from till.cli_tasks import rotate_data_keys

    counts = asyncio.run(rotate_data_keys(_session_url(), InfraSettings()))
    for column, count in counts.items():
        typer.echo(f"{column}: {count} re-encrypted")


@keys_app.command("retire-signing")
def keys_retire_signing(
    keep: Annotated[int, typer.Option(min=1, help="newest keys to keep")] = 1,
) -> None:
    """Retire all but the newest signing keys (tokens they signed stop working)."""
    from till.cli_tasks import retire_signing_keys

    retired = asyncio.run(retire_signing_keys(_session_url(), keep))
    typer.echo(f"retired {retired} signing key(s)")


@audit_app.command("verify")
def audit_verify() -> None:
    """Re-hash every payment and order event stream, check the payments
    against the audit checkpoints (streams deleted without a retention record)
    and report any tampering."""
    from datetime import timedelta

    from till.app.orders import verify_order_audit
    from till.app.payments import verify_payment_audit

    kept = timedelta(days=InfraSettings().till_audit_retention_days)
    url = _session_url()
    problems = asyncio.run(verify_payment_audit(url, kept))
    problems += asyncio.run(verify_order_audit(url))
    for problem in problems:
        typer.echo(f"TAMPERED {problem}")
    typer.echo(f"audit: {'FAILED' if problems else 'ok'} ({len(problems)} problems)")
    raise typer.Exit(code=1 if problems else 0)


@projections_app.command("rebuild")
def projections_rebuild() -> None:
    """Rebuild the payments and orders read models from the event streams."""
    from till.app.orders import rebuild_order_projections
    from till.app.payments import rebuild_projections

    count = asyncio.run(rebuild_projections(_session_url()))
    typer.echo(f"rebuilt {count} payment(s)")
    orders = asyncio.run(rebuild_order_projections(_session_url()))
    typer.echo(f"rebuilt {orders} order(s)")


@reports_app.command("settle")
def reports_settle(
    day: Annotated[str, typer.Option("--date", help="YYYY-MM-DD, a UTC day over")],
) -> None:
    """Settle a day: store each currency's line and post its payout (once)."""
    from till.app.payments import settle_day
    from till.payments.core.settlements import parse_day

    try:
        count = asyncio.run(settle_day(_session_url(), parse_day(day)))
    except DomainError as error:
        raise typer.BadParameter(str(error), param_hint="--date") from None
    typer.echo(f"settled {count} currency line(s) for {day}")


@app.command()
def worker() -> None:
    """Consume events (webhook fan-out) until stopped; with RABBITMQ_URL, run
    `till serve` with TILL_WORKER_IN_PROCESS=false beside it."""
    from till.cli_tasks import run_worker

    asyncio.run(run_worker(_database_url()))


@app.command()
def scheduler() -> None:
    """Run the periodic jobs (janitor, webhook sends, retention, audit
    checkpoints) until SIGTERM; several may run, each job acts in one at a
    time. Run `till serve` with TILL_SCHEDULER_IN_PROCESS=false beside it."""
    from till.cli_tasks import run_scheduler

    asyncio.run(run_scheduler(_database_url()))


@dlq_app.command("list")
def dlq_list(consumer: Annotated[str, typer.Argument()] = "webhooks") -> None:
    """The event ids in a consumer's dead-letter queue."""
    from till.cli_tasks import dead_letter_ids

    ids = asyncio.run(dead_letter_ids(consumer, replay=False))
    for event_id in ids:
        typer.echo(event_id)
    typer.echo(f"{len(ids)} dead letter(s) in {consumer}")


@dlq_app.command("replay")
def dlq_replay(consumer: Annotated[str, typer.Argument()] = "webhooks") -> None:
    """Move a consumer's dead letters back to its queue."""
    from till.cli_tasks import dead_letter_ids

    (count,) = asyncio.run(dead_letter_ids(consumer, replay=True))
    typer.echo(f"replayed {count} dead letter(s) to {consumer}")


class RepairSide(StrEnum):
    new = "new"
    legacy = "legacy"


@legacy_app.command("backfill")
def legacy_backfill(
    batch_size: Annotated[int, typer.Option(min=1, max=5000)] = 500,
    concurrency: Annotated[int, typer.Option(min=1, max=32)] = 8,
    restart: Annotated[
        bool, typer.Option("--restart", help="ignore the checkpoint")
    ] = False,
) -> None:
    """Copy the legacy shop's orders (LEGACY_DATABASE_URL) into the event
    store, resuming after the last batch done; idempotent when rerun."""
    from till.cli_legacy import backfill_command

    backfill_command(_session_url(), batch_size, concurrency, restart)


@legacy_app.command("link-customer")
def legacy_link_customer(
    customer_id: Annotated[str, typer.Argument(help="till customer id (usr_…)")],
    legacy_customer_id: Annotated[int, typer.Argument(min=1)],
) -> None:
    """Map a till customer to their legacy customer id (run before the
    backfill); idempotent, refused when either is mapped otherwise."""
    from till.app.legacy_tools import link_customer
    from till.kernel.errors import Conflict

    try:
        asyncio.run(link_customer(_session_url(), customer_id, legacy_customer_id))
    except Conflict as refused:
        typer.echo(f"refused: {refused.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"linked {customer_id} to legacy customer {legacy_customer_id}")


@legacy_app.command("reconcile")
def legacy_reconcile(
    repair: Annotated[
        RepairSide | None,
        typer.Option(help="new: fix the new side from legacy; legacy: the reverse"),
    ] = None,
    page: Annotated[int, typer.Option(min=1, max=1000)] = 500,
) -> None:
    """Compare both stores order by order; exit 1 when they differ."""
    from till.cli_legacy import reconcile_command

    side = None if repair is None else repair.value
    reconcile_command(_session_url(), side, page)


@app.command()
def doctor() -> None:
    """Check every configured dependency and say what is wrong."""
    from till.cli_tasks import diagnose

    problems = asyncio.run(diagnose())
    for line in problems.lines:
        typer.echo(line)
    raise typer.Exit(code=1 if problems.failed else 0)
