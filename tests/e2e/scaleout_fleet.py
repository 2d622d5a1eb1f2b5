"""A fleet of `till` processes for the scale-out test: API processes, workers
and schedulers started together against one database, Redis prefix and
RabbitMQ exchange, each in a process group of its own with its output in a
file, stopped with SIGTERM (SIGKILL past a deadline) even when the test fails;
and the broker's and Redis's leftovers removed afterwards."""

import asyncio
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import aio_pika
import httpx
from redis import Redis

from tests.e2e.conftest import TILL, free_port

BANNERS = {"worker": "till worker: consuming", "scheduler": "till scheduler: running"}
CONSUMERS = ("webhooks", "orders", "legacy_sync")  # till.app.events' queues


@dataclass
class TillProcess:
    role: str  # serve, worker, scheduler
    process: subprocess.Popen[bytes]
    log: Path
    url: str = ""  # an API process's base URL

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def ready(self) -> bool:
        assert self.process.poll() is None, f"{self.role} exited:\n{self.tail()}"
        if self.role != "serve":
            return BANNERS[self.role] in self.output()
        try:
            return httpx.get(self.url + "/readyz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


@dataclass
class Fleet:
    processes: list[TillProcess] = field(default_factory=list)

    def of(self, role: str) -> list[TillProcess]:
        return [p for p in self.processes if p.role == role]

    @property
    def api_urls(self) -> list[str]:
        return [p.url for p in self.of("serve")]

    def wait_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        waiting = list(self.processes)
        while waiting and time.monotonic() < deadline:
            waiting = [p for p in waiting if not p.ready()]
            time.sleep(0.2)
        assert not waiting, "not ready: " + ", ".join(
            f"{p.role} {p.pid}:\n{p.tail()}" for p in waiting
        )

    def stop(self, seconds: float = 30) -> list[str]:
        """SIGTERM to every group at once, SIGKILL to what is left at the
        deadline; the roles and pids that had to be killed."""
        for p in self.processes:
            if p.process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + seconds
        killed = []
        for p in self.processes:
            try:
                p.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                killed.append(f"{p.role} {p.pid}")
                with suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.process.wait(timeout=10)
        return killed


def _start(role: str, env: dict[str, str], logs: Path) -> TillProcess:
    args, url = [role], ""
    if role == "serve":
        port = free_port()
        args += ["--port", str(port)]
        url = f"http://127.0.0.1:{port}"
    log = logs / f"{role}-{len(list(logs.iterdir()))}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [TILL, *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: killed whole on teardown
        )
    return TillProcess(role, process, log, url)


@contextmanager
def running_fleet(
    env: dict[str, str], counts: dict[str, int], role_env: dict[str, dict[str, str]]
) -> Iterator[Fleet]:
    """`counts` processes of each role (serve, worker, scheduler), started at
    once; `role_env` adds settings per role. The database must be migrated
    already (several `till serve` migrating one database at once would race).
    Not waited for: call `wait_ready`. Stopped on exit (`stop` may be called
    before, to read what they wrote); on a failure their output's last lines
    are printed, so pytest shows them."""
    fleet = Fleet()
    with tempfile.TemporaryDirectory(prefix="till-fleet-") as logs:
        try:
            for role, count in counts.items():
                for _ in range(count):
                    role_settings = env | role_env.get(role, {})
                    fleet.processes.append(_start(role, role_settings, Path(logs)))
            yield fleet
        except BaseException:
            fleet.stop()
            for p in fleet.processes:
                print(f"--- {p.role} {p.pid} (exit {p.process.returncode}) ---")
                print(p.tail())
            raise
        finally:
            fleet.stop()


async def _remove_broker_objects(rabbitmq_url: str, exchange: str) -> None:
    connection = await aio_pika.connect(rabbitmq_url)
    try:
        channel = await connection.channel()
        for consumer in CONSUMERS:
            for suffix in ("", ".retry", ".dlq"):
                await channel.queue_delete(f"{exchange}.{consumer}{suffix}")
        await channel.exchange_delete(exchange)
    finally:
        await connection.close()


def remove_broker_objects(rabbitmq_url: str, exchange: str) -> None:
    """The test's exchange and its consumers' queues (retry and DLQ too)."""
    asyncio.run(_remove_broker_objects(rabbitmq_url, exchange))


def remove_redis_keys(redis_url: str, prefix: str) -> int:
    client = Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        return int(client.delete(*keys)) if keys else 0
    finally:
        client.close()
