"""`till serve` applies pending migrations before it listens, on the session
URL, unless TILL_MIGRATE_ON_START=false (where a `till migrate` Job or
service runs first: Alembic takes no lock). The migration and the server are
faked: no database, no socket."""

import signal

import pytest
import uvicorn
from typer.testing import CliRunner

from till import cli

POOLED = "postgresql://till@pooler:5432/till"
DIRECT = "postgresql://till@db-rw:5432/till"


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """What `till serve` did, in order: ("migrate", url), ("serve", port)."""
    done: list[tuple[str, object]] = []
    monkeypatch.setattr(cli, "_migrate", lambda url: done.append(("migrate", url)))
    monkeypatch.setattr(
        uvicorn, "run", lambda *_, **options: done.append(("serve", options["port"]))
    )
    # serve installs a SIGTERM handler for the real process, not this one.
    monkeypatch.setattr(signal, "signal", lambda *_: None)
    # serve writes DATABASE_URL back into the environment: restored after.
    monkeypatch.setenv("DATABASE_URL", POOLED)
    monkeypatch.setenv("DATABASE_SESSION_URL", DIRECT)
    for name in ("TILL_MIGRATE_ON_START", "TILL_DB_PGBOUNCER", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    return done


def _serve() -> None:
    result = CliRunner().invoke(cli.app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output


def test_serve_migrates_on_the_session_url_before_it_listens(steps):
    _serve()
    assert steps == [
        ("migrate", "postgresql+asyncpg://till@db-rw:5432/till"),
        ("serve", 8123),
    ]


def test_serve_leaves_migrations_to_a_job_when_told(steps, monkeypatch):
    monkeypatch.setenv("TILL_MIGRATE_ON_START", "false")
    _serve()
    assert steps == [("serve", 8123)]
