"""Server processes beside the machine's PostgreSQL for one test module: a
streaming replica (pg_basebackup into a temporary directory) and a PgBouncer.
Both refuse to run as root, so under root they run as `postgres`."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRIMARY_HOST, PRIMARY_PORT = "127.0.0.1", 5432
RUN_AS = "postgres"
_PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> dict[str, Any]:
    """Popen's arguments to run as the server user when we are root (no
    wrapper process: signals reach the server itself)."""
    if os.geteuid() == 0:
        return {"user": RUN_AS, "group": RUN_AS, "extra_groups": []}
    return {}


def _hand_over(path: Path) -> None:
    """Let the server user own `path` (when we are root)."""
    if os.geteuid() != 0:
        return
    for entry in [path, *path.rglob("*")]:
        shutil.chown(entry, RUN_AS, RUN_AS)


def psql(port: int, sql: str, database: str = "postgres") -> str:
    """One statement's result as text (psql -At)."""
    done = subprocess.run(
        [*_PSQL, "-p", str(port), "-d", database, "-Atc", sql],
        capture_output=True,
        text=True,
        timeout=15,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def wait_until(check, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes], sig: int, seconds: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _standby_settings() -> list[str]:
    """A hot standby needs these at least as high as on its primary."""
    found = psql(
        PRIMARY_PORT,
        "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name "
        "IN ('max_connections', 'max_locks_per_transaction', 'max_wal_senders', "
        "'max_prepared_transactions', 'max_worker_processes')",
    )
    assert len(found.split()) == 5, found
    return found.split()


@dataclass
class Replica:
    port: int
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Fast shutdown (also what the fixture's exit does)."""
        _stop(self.process, signal.SIGINT)


@contextmanager
def streaming_replica() -> Iterator[Replica]:
    """A hot standby of the local PostgreSQL, streaming from it, on a free
    port; stopped and deleted on exit."""
    major = psql(PRIMARY_PORT, "SHOW server_version_num")[:-4]
    home = Path(tempfile.mkdtemp(prefix="till-replica-"))
    data = home / "data"
    replica: Replica | None = None
    try:
        _hand_over(home)
        backup = subprocess.run(
            [
                *("pg_basebackup", "-h", PRIMARY_HOST, "-p", str(PRIMARY_PORT)),
                *("-U", "postgres", "-D", str(data), "-X", "stream", "-R"),
                *("--checkpoint=fast", "--no-sync"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **_server_user(),
        )
        assert backup.returncode == 0, backup.stderr
        # Debian keeps the configuration outside the data directory.
        (data / "postgresql.conf").write_text("")
        (data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        _hand_over(home)
        port = free_port()
        options = ["-c", "listen_addresses=127.0.0.1", "-c", f"port={port}"]
        options += ["-c", f"unix_socket_directories={home}", "-c", "hot_standby=on"]
        options += ["-c", "shared_buffers=16MB", "-c", "fsync=off"]
        for setting in _standby_settings():
            options += ["-c", setting]
        postgres = f"/usr/lib/postgresql/{major}/bin/postgres"
        process = subprocess.Popen(
            [postgres, "-D", str(data), *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **_server_user(),
        )
        replica = Replica(port, process)

        def streaming() -> bool:
            assert process.poll() is None, "the replica exited"
            try:
                found = psql(port, "SELECT status FROM pg_stat_wal_receiver")
            except AssertionError:  # still starting
                return False
            return found == "streaming"

        wait_until(streaming, 30, "the replica streaming")
        yield replica
    finally:
        if replica is not None:
            replica.stop()
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def pgbouncer(pool_size: int = 2) -> Iterator[int]:
    """A PgBouncer in transaction mode in front of the local PostgreSQL, with
    few server connections (so that clients share them), on a free port."""
    binary = shutil.which("pgbouncer")
    assert binary, "pgbouncer is not installed (.ci/services.sh installs it)"
    home = Path(tempfile.mkdtemp(prefix="till-pgbouncer-"))
    port = free_port()
    (home / "users.txt").write_text('"postgres" ""\n')
    (home / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={PRIMARY_HOST} port={PRIMARY_PORT}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {home / 'users.txt'}\n"
        f"pool_mode = transaction\ndefault_pool_size = {pool_size}\n"
        "max_client_conn = 500\nadmin_users = postgres\n"
        f"logfile = {home / 'pgbouncer.log'}\n"
    )
    _hand_over(home)
    process = subprocess.Popen(
        [binary, str(home / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **_server_user(),
    )
    try:

        def answering() -> bool:
            assert process.poll() is None, "pgbouncer exited"
            try:
                return psql(port, "SELECT 1") == "1"
            except AssertionError:
                return False

        wait_until(answering, 15, "pgbouncer answering")
        yield port
    finally:
        _stop(process, signal.SIGINT)
        shutil.rmtree(home, ignore_errors=True)
