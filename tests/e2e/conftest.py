"""End-to-end tests run the real `till` executable as a separate process."""

import os
import shutil
import socket
from pathlib import Path

import pytest

TILL = str(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "till")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def till_env() -> dict[str, str]:
    """The environment minus any service URLs the caller may have set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL")
    }
    env["TILL_LOG_LEVEL"] = "warning"
    return env


@pytest.fixture(scope="session", autouse=True)
def till_installed() -> None:
    assert shutil.which(TILL), f"{TILL} missing: run `make env` first"
