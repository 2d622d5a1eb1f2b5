"""The legacy PHP app run for tests: a MariaDB database of its own (created
and dropped with `legacy/database/migrate.php`) and `php -S` on a free port.

Used by this folder's fixtures; the later orders/migration end-to-end tests
can start one the same way (`LegacyServer.start(...)` in a fixture)."""

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx

LEGACY_DIR = Path(__file__).resolve().parents[3] / "legacy"
TOKEN = "legacy-test-token"  # pragma: allowlist secret
DEFAULT_TZ = "Europe/Berlin"


def php_binary() -> str:
    found = shutil.which("php")
    if found is None:
        raise RuntimeError("php is not installed: run .ci/services.sh")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LegacyDatabase:
    """One MariaDB database holding the legacy tables."""

    name: str = field(default_factory=lambda: f"legacy_test_{uuid.uuid4().hex[:10]}")
    host: str = os.environ.get("TILL_TEST_MARIADB_HOST", "127.0.0.1")
    port: int = int(os.environ.get("TILL_TEST_MARIADB_PORT", "3306"))
    timezone: str = DEFAULT_TZ

    @property
    def url(self) -> str:
        """LEGACY_DATABASE_URL of this database (the migration's adapter)."""
        return f"mysql://root@{self.host}:{self.port}/{self.name}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "LEGACY_DB_HOST": self.host,
            "LEGACY_DB_PORT": str(self.port),
            "LEGACY_DB_NAME": self.name,
            "LEGACY_DB_USER": "root",
            "LEGACY_DB_PASSWORD": "",
            "LEGACY_TZ": self.timezone,
        }

    def php(self, script: str, *args: str) -> str:
        done = subprocess.run(
            [php_binary(), str(LEGACY_DIR / "database" / script), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{script} {args} failed: {done.stderr or done.stdout}")
        return done.stdout

    def create(self) -> Self:
        self.php("migrate.php")
        return self

    def drop(self) -> None:
        self.php("migrate.php", "--drop")

    def seed(self, orders: int, seed: int = 1) -> dict[str, Any]:
        """Run the seed script; its summary (counts, orders/s)."""
        out = self.php("seed.php", f"--orders={orders}", f"--seed={seed}")
        summary: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return summary


@dataclass
class LegacyServer:
    """`php -S` serving legacy/public/index.php over one database."""

    database: LegacyDatabase
    port: int
    process: subprocess.Popen[bytes]
    token: str = TOKEN

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, database: LegacyDatabase, token: str = TOKEN) -> Self:
        port = free_port()
        env = {**database.env(), "LEGACY_API_TOKEN": token}
        process = subprocess.Popen(
            [
                php_binary(),
                "-S",
                f"127.0.0.1:{port}",
                str(LEGACY_DIR / "public" / "index.php"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = cls(database, port, process, token)
        server.wait_until_up()
        return server

    def wait_until_up(self, seconds: float = 15.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"php -S exited with {self.process.returncode}")
            try:
                if httpx.get(self.base_url + "/up", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the legacy app did not come up on {self.base_url}")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
