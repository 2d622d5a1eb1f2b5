"""InfraSettings for scale-out: the session URL that PgBouncer's transaction
mode makes necessary, and a drain that fits in the grace period."""

import pytest
from pydantic import ValidationError

from till.platform.settings import InfraSettings

POOLED = "postgresql://till@pgbouncer:6432/till"
DIRECT = "postgresql://till@postgres-rw:5432/till"


def test_session_work_uses_the_database_url_unless_told_otherwise():
    assert InfraSettings(database_url=DIRECT).session_url == DIRECT
    both = InfraSettings(database_url=POOLED, database_session_url=DIRECT)
    assert both.session_url == DIRECT


def test_pgbouncer_mode_needs_a_session_url():
    with pytest.raises(ValidationError, match="DATABASE_SESSION_URL"):
        InfraSettings(database_url=POOLED, till_db_pgbouncer=True)
    settings = InfraSettings(
        database_url=POOLED, database_session_url=DIRECT, till_db_pgbouncer=True
    )
    assert settings.session_url == DIRECT


def test_the_drain_must_fit_in_the_grace_period():
    with pytest.raises(ValidationError, match="TILL_SHUTDOWN_DRAIN_SECONDS"):
        InfraSettings(till_shutdown_grace_seconds=5, till_shutdown_drain_seconds=5)
    settings = InfraSettings()
    assert (
        settings.till_shutdown_grace_seconds,
        settings.till_shutdown_drain_seconds,
    ) == (
        25.0,
        0.0,
    )
