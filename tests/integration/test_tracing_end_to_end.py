"""One trace from the HTTP request to the webhook, over the real PostgreSQL
and RabbitMQ (and over the in-process bus): the confirm request's server span,
its use-case span, the SQL that wrote the outbox row, the relay's publish span,
the consumer span and the webhook POST all share one trace id, each the child
of the one before; and none carries the card number, the email or a token."""

import asyncio
import os
import uuid
from urllib.parse import urlsplit

import aio_pika
import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind

from tests.integration.identity.flows import admin_with_mfa, bearer, signed_in
from tests.integration.payments.flows import VISA, card, key, pay
from tests.integration.payments.webhook_receiver import running_receiver
from till.platform.settings import InfraSettings, PaymentSettings

RABBIT = os.environ.get("TILL_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")


@pytest.fixture
def span_exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def payment_settings() -> PaymentSettings:
    return PaymentSettings(refund_mfa_threshold=10_000, webhook_allow_private_urls=True)


@pytest.fixture(params=["rabbitmq", "in-process"])
async def infra(request, infra: InfraSettings):
    """One of the two event paths (for RabbitMQ, with an exchange of its own,
    and its queues removed afterwards)."""
    if request.param == "in-process":
        yield infra
        return
    exchange = f"till.events.trace.{uuid.uuid4().hex[:8]}"
    yield infra.model_copy(
        update={"rabbitmq_url": RABBIT, "till_events_exchange": exchange}
    )
    connection = await aio_pika.connect(RABBIT)
    channel = await connection.channel()
    for consumer in ("webhooks", "orders"):
        for suffix in ("", ".retry", ".dlq"):
            await channel.queue_delete(f"{exchange}.{consumer}{suffix}")
    await channel.exchange_delete(exchange)
    await connection.close()


async def _spans_until(provider, exporter, found, seconds=20.0) -> list[ReadableSpan]:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        provider.force_flush()
        spans = list(exporter.get_finished_spans())
        if found(spans):
            return spans
        assert asyncio.get_running_loop().time() < deadline, [s.name for s in spans]
        await asyncio.sleep(0.05)


def _is_webhook_post(span: ReadableSpan) -> bool:
    return span.kind is SpanKind.CLIENT and span.name == "POST"


def _confirm_trace(spans: list[ReadableSpan]) -> list[ReadableSpan]:
    servers = [
        s
        for s in spans
        if s.kind is SpanKind.SERVER
        and s.name == "POST /v1/payments/{payment_id}/confirm"
    ]
    assert len(servers) <= 1
    if not servers:
        return []
    return [s for s in spans if s.context.trace_id == servers[0].context.trace_id]


def _posts_to(trace: list[ReadableSpan], url: str) -> list[ReadableSpan]:
    """The webhook POSTs to `url`'s port (other tests' endpoints stay in the
    shared database and get POSTs of their own)."""
    port = urlsplit(url).port
    return [
        s
        for s in trace
        if _is_webhook_post(s) and (s.attributes or {}).get("server.port") == port
    ]


def _one(spans: list[ReadableSpan], kind: SpanKind, name: str) -> ReadableSpan:
    matching = [s for s in spans if s.kind is kind and s.name == name]
    assert len(matching) == 1, [(s.kind, s.name) for s in spans]
    return matching[0]


def _statement(span: ReadableSpan) -> str:
    attributes = span.attributes or {}
    return str(attributes.get("db.statement") or attributes.get("db.query.text"))


def _parent_of(child: ReadableSpan, parent: ReadableSpan) -> bool:
    assert child.parent is not None, child.name
    return child.parent.span_id == parent.context.span_id


async def _confirmed_payment(http: httpx.AsyncClient, receiver_url: str) -> dict:
    _, admin_tokens = await admin_with_mfa(http)
    created = await http.post(
        "/v1/webhook-endpoints",
        json={"url": receiver_url, "events": ["payment.completed"]},
        headers=bearer(admin_tokens),
    )
    assert created.status_code == 201, created.text
    profile, tokens = await signed_in(http)
    auth = bearer(tokens)
    payment = await pay(http, auth, payment_method=await card(http, auth))
    confirmed = await http.post(
        f"/v1/payments/{payment['id']}/confirm", json={}, headers=auth | key()
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "completed"
    return {"email": profile["email"], "token": tokens["access_token"]}


async def test_one_trace_links_the_request_to_the_webhook(client, span_exporter, infra):
    provider = client.app.state.tracer_provider
    with running_receiver() as receiver:
        secrets = await _confirmed_payment(client, receiver.url)
        spans = await _spans_until(
            provider,
            span_exporter,
            lambda found: _posts_to(_confirm_trace(found), receiver.url),
        )

    trace = _confirm_trace(spans)
    server = _one(trace, SpanKind.SERVER, "POST /v1/payments/{payment_id}/confirm")
    use_case = _one(trace, SpanKind.INTERNAL, "payments.confirm_payment")
    outbox_sql = [s for s in trace if "INSERT INTO outbox" in _statement(s)]
    publish = _one(trace, SpanKind.PRODUCER, "publish payment.completed")
    consumed = [
        s
        for s in trace
        if s.kind is SpanKind.CONSUMER and s.name == "process payment.completed"
    ]
    (webhook,) = _posts_to(trace, receiver.url)

    assert _parent_of(use_case, server)
    assert outbox_sql and all(_parent_of(s, use_case) for s in outbox_sql)
    assert _parent_of(publish, use_case)  # the context stored with the row
    path = "rabbitmq" if infra.rabbitmq_url else "in-process"
    assert publish.attributes["messaging.system"] == path
    webhooks = [
        s
        for s in consumed
        if s.attributes["messaging.consumer.group.name"] in ("webhooks", "in-process")
    ]
    assert len(webhooks) == 1 and _parent_of(webhooks[0], publish)
    assert _parent_of(webhook, webhooks[0])
    assert webhook.attributes["http.response.status_code"] == 200
    assert webhook.attributes["server.address"] == "127.0.0.1"

    for headers, _ in receiver.received:
        assert "traceparent" not in headers  # till's trace ids stay with till
    shown = repr([(s.name, dict(s.attributes or {})) for s in spans])
    for secret in (VISA, secrets["email"], secrets["token"]):
        assert secret not in shown
