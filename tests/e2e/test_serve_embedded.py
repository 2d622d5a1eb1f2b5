"""`till serve` with no settings: the README's first command on a fresh machine."""

import signal
import subprocess
import time

import httpx

from tests.e2e.conftest import TILL, free_port

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "till serve exited during start-up"
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise AssertionError("till serve did not become healthy")


def test_serve_without_settings_runs_on_a_bundled_postgres(tmp_path, till_env):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    till_env["TILL_DATA_DIR"] = str(tmp_path / ".till")
    process = subprocess.Popen(
        [TILL, "serve", "--port", str(port)],
        env=till_env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(url, process, seconds=90)
        ready = httpx.get(url + "/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json()["checks"] == ["postgres"]
        body = {"email": "e2e@example.com", "password": PASSWORD}
        assert httpx.post(url + "/v1/auth/register", json=body).status_code == 201
        login = httpx.post(url + "/v1/auth/login", json=body, timeout=5)
        token = login.json()["access_token"]
        me = httpx.get(
            url + "/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert me.json()["email"] == "e2e@example.com"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert (tmp_path / ".till" / "postgres" / "PG_VERSION").exists()
    # the bundled PostgreSQL stopped with till: its pid file is gone
    assert not (tmp_path / ".till" / "postgres" / "postmaster.pid").exists()
