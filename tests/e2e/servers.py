"""Run `till serve` processes for a test and collect what they print."""

import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from tests.e2e.conftest import TILL, free_port


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)


def _wait_ready(server: Server, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.process.poll() is None, "till serve exited during start-up"
        try:
            if httpx.get(server.url + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("till serve did not become ready")


@contextmanager
def running_till(
    env: dict[str, str], seconds: float = 60, args: Sequence[str] = ()
) -> Iterator[Server]:
    """A `till serve` on a free port (`args` added to its command line); on
    exit it is stopped (SIGTERM) and everything it printed is in
    `server.output`."""
    port = free_port()
    process = subprocess.Popen(
        [TILL, "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_ready(server, seconds)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
        server.output.append(out)


PASSWORD = "correct horse battery staple"  # pragma: allowlist secret


def new_user_token(http: httpx.Client, tag: str = "e2e") -> str:
    """Register a fresh user through a running till and log in: the token."""
    credentials = {
        "email": f"{tag}-{uuid.uuid4().hex[:8]}@example.com",
        "password": PASSWORD,
    }
    assert http.post("/v1/auth/register", json=credentials).status_code == 201
    return str(http.post("/v1/auth/login", json=credentials).json()["access_token"])
