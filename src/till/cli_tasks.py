"""The async work behind `till` commands, built through the composition root."""

import asyncio
from dataclasses import dataclass, field

from till.app import create_app
from till.app import retire_signing_keys as retire_signing_keys
from till.app import rotate_data_keys as rotate_data_keys
from till.app import rotate_signing_key as rotate_signing_key
from till.platform.metrics_server import metrics_server
from till.platform.settings import AuthSettings, InfraSettings


async def create_user(
    database_url: str, email: str, password: str, name: str | None, admin: bool
) -> str:
    app = create_app(InfraSettings(database_url=database_url), AuthSettings())
    async with app.router.lifespan_context(app):
        user = await app.state.identity_commands.register(
            email, password, name, admin=admin
        )
    return str(user.id)


@dataclass
class Diagnosis:
    lines: list[str] = field(default_factory=list)
    failed: bool = False


async def diagnose() -> Diagnosis:
    """Every configured dependency, reachable or not, with the reason."""
    from till.platform.health import run_check

    result = Diagnosis()
    infra = InfraSettings()
    if not infra.database_url:
        result.lines.append(
            "postgres: DATABASE_URL not set; `till serve` uses the bundled one"
        )
    for name, url in (("redis", infra.redis_url), ("rabbitmq", infra.rabbitmq_url)):
        if not url:
            result.lines.append(f"{name}: not configured (in-process fallback)")
    if not infra.database_url:
        return result
    app = create_app(infra, AuthSettings())
    try:
        async with app.router.lifespan_context(app):
            checks = {
                **app.state.readiness_checks,
                **getattr(app.state, "optional_checks", {}),
            }
            for name, check in checks.items():
                why = await run_check(check)
                result.failed |= why is not None
                result.lines.append(f"{name}: " + (f"FAILED {why}" if why else "ok"))
    except Exception as error:  # startup itself failed: say why
        result.failed = True
        result.lines.append(f"startup: FAILED {type(error).__name__}: {error}")
    return result


async def _until_signalled(infra: InfraSettings, banner: str) -> None:
    """Run the app's background parts, no HTTP, until SIGTERM or SIGINT; the
    lifespan's exit then stops them gracefully."""
    import signal

    app = create_app(infra, AuthSettings())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    metrics = metrics_server(infra.till_metrics_host, infra.till_metrics_port)
    async with metrics, app.router.lifespan_context(app):
        print(banner, flush=True)
        await stop.wait()


async def run_worker(database_url: str) -> None:
    """`till worker`: the event consumers (webhook fan-out)."""
    infra = InfraSettings(
        database_url=database_url,
        till_worker_in_process=True,
        till_scheduler_in_process=False,
    )
    await _until_signalled(infra, "till worker: consuming")


async def run_scheduler(database_url: str) -> None:
    """`till scheduler`: the periodic jobs, nothing else — no consumers, and no
    outbox relay (with the in-process bus it would publish to nobody)."""
    infra = InfraSettings(
        database_url=database_url,
        till_scheduler_in_process=True,
        till_worker_in_process=False,
        till_outbox_relay=False,
    )
    await _until_signalled(infra, "till scheduler: running")


async def dead_letter_ids(consumer: str, replay: bool) -> list[str]:
    from till.app.events import dead_letters

    infra = InfraSettings()
    if not infra.rabbitmq_url:
        raise SystemExit("till dlq needs RABBITMQ_URL (the embedded bus has no DLQ)")
    return await dead_letters(infra, consumer, replay)
