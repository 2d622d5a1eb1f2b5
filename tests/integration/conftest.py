"""Integration tests run against the real PostgreSQL and Redis of this machine.

Each test run gets its own database (created here, dropped at the end) and each
test its own Redis key prefix, so runs and tests cannot see each other.
"""

import os
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from opentelemetry.sdk.trace.export import SpanExporter

from till.app import create_app
from till.platform.settings import AuthSettings, InfraSettings, PaymentSettings

REDIS_URL = os.environ.get("TILL_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix() -> str:
    return f"till:test:{uuid.uuid4().hex[:12]}:"


@pytest.fixture
def infra(database_url: str, redis_prefix: str) -> InfraSettings:
    return InfraSettings(
        database_url=database_url,
        redis_url=REDIS_URL,
        till_redis_prefix=redis_prefix,
        till_log_level="warning",
    )


@pytest.fixture
def auth_settings() -> AuthSettings:
    return AuthSettings()


@pytest.fixture
def payment_settings() -> PaymentSettings:
    return PaymentSettings(refund_mfa_threshold=10_000)


@pytest.fixture
def span_exporter() -> SpanExporter | None:
    """None: tracing as the environment says (off); a test that looks at spans
    gives an in-memory exporter."""
    return None


@pytest.fixture
async def client(
    infra: InfraSettings,
    auth_settings: AuthSettings,
    payment_settings: PaymentSettings,
    span_exporter: SpanExporter | None,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        infra, auth_settings, payment_settings, span_exporter=span_exporter
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://till.test"
        ) as http:
            http.app = app  # type: ignore[attr-defined]
            yield http
