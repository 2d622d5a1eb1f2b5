"""`till worker` and `till scheduler` run until SIGTERM; `till dlq list|replay`
read a consumer's dead-letter queue on the real RabbitMQ."""

import asyncio
import os
import signal
import subprocess
import uuid

import aio_pika
import asyncpg

from tests.e2e.conftest import TILL

RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")


def test_the_worker_consumes_until_sigterm(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    process = subprocess.Popen(
        [TILL, "worker"], env=till_env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert "till worker: consuming" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def test_the_scheduler_acts_until_sigterm(database_url, till_env):
    till_env["DATABASE_URL"] = database_url
    process = subprocess.Popen(
        [TILL, "scheduler"], env=till_env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert "till scheduler: running" in process.stdout.readline()
        # the webhook sender's slot is a second: a run is recorded soon
        assert asyncio.run(_scheduled_run_recorded(database_url, process.pid))
    finally:
        process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


async def _scheduled_run_recorded(database_url: str, pid: int) -> bool:
    url = database_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url)
    try:
        for _ in range(50):
            if await connection.fetchval(
                "SELECT count(*) FROM scheduler_runs WHERE holder LIKE $1 "
                "AND finished_at IS NOT NULL",
                f"%:{pid}",
            ):
                return True
            await asyncio.sleep(0.1)
        return False
    finally:
        await connection.close()


def test_dlq_list_and_replay_on_an_empty_queue(database_url, till_env):
    exchange = f"till.events.e2e.{uuid.uuid4().hex[:8]}"
    till_env |= {
        "DATABASE_URL": database_url,
        "RABBITMQ_URL": RABBIT,
        "TILL_EVENTS_EXCHANGE": exchange,
    }
    try:
        listed = _till(["dlq", "list"], till_env)
        assert listed.returncode == 0, listed.stderr
        assert listed.stdout.strip().endswith("0 dead letter(s) in webhooks")
        replayed = _till(["dlq", "replay"], till_env)
        assert "replayed 0 dead letter(s) to webhooks" in replayed.stdout
    finally:
        asyncio.run(_remove(exchange))


def _till(args, env) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TILL, *args], env=env, capture_output=True, text=True, timeout=60
    )


async def _remove(exchange: str) -> None:
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    for suffix in ("", ".retry", ".dlq"):
        await channel.queue_delete(f"{exchange}.webhooks{suffix}")
    await channel.exchange_delete(exchange)
    await connection.close()
