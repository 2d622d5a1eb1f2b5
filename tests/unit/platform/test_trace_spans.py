"""Use-case and webhook spans: what they record, what they never record, and
that with tracing off they record nothing."""

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind, StatusCode

from till.kernel.errors import NotFound
from till.platform import tracing


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.activate(provider.get_tracer("test"))
    yield exporter
    tracing.deactivate()


@tracing.use_case("payments.confirm_payment")
async def _confirm(answer: str, fail: Exception | None = None) -> str:
    if fail is not None:
        raise fail
    return answer


@tracing.use_case("payments.get_payment")
async def _in_a_span() -> bool:
    return trace.get_current_span().get_span_context().is_valid


async def test_with_tracing_off_a_use_case_runs_without_a_span():
    assert not tracing.active()
    assert await _in_a_span() is False


async def test_with_tracing_on_a_use_case_runs_in_its_span(spans):
    assert await _in_a_span() is True


async def test_a_use_case_runs_in_a_span_named_for_it(spans):
    assert await _confirm("done") == "done"
    (span,) = spans.get_finished_spans()
    assert span.name == "payments.confirm_payment"
    assert span.kind is SpanKind.INTERNAL
    assert span.status.status_code is StatusCode.UNSET


async def test_a_domain_error_is_recorded_by_type_without_failing_the_span(spans):
    with pytest.raises(NotFound):
        await _confirm("done", NotFound("no such payment for jane@example.com"))
    (span,) = spans.get_finished_spans()
    assert span.attributes["error.type"] == "NotFound"
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()  # the message (it may name a person) is not kept


async def test_an_unexpected_error_fails_the_span(spans):
    with pytest.raises(RuntimeError):
        await _confirm("done", RuntimeError("pool exhausted"))
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert "pool exhausted" not in repr(dict(span.attributes or {}))


def test_the_webhook_span_names_the_host_never_the_url(spans):
    url = (
        "https://shop.example:8443/hooks/till?token=s3cret"  # pragma: allowlist secret
    )
    with tracing.http_client_span("POST", url) as span:
        tracing.record_response(span, 200, None)
    (done,) = spans.get_finished_spans()
    assert done.kind is SpanKind.CLIENT and done.name == "POST"
    assert dict(done.attributes or {}) == {
        "http.request.method": "POST",
        "server.address": "shop.example",
        "server.port": 8443,
        "http.response.status_code": 200,
    }


def test_a_failed_webhook_send_fails_its_span(spans):
    with tracing.http_client_span("POST", "http://shop.example/hooks") as span:
        tracing.record_response(span, None, "ConnectTimeout")
    (done,) = spans.get_finished_spans()
    assert done.attributes["server.port"] == 80
    assert done.attributes["error.type"] == "ConnectTimeout"
    assert done.status.status_code is StatusCode.ERROR


def test_with_tracing_off_the_webhook_span_is_none():
    with tracing.http_client_span("POST", "http://shop.example/hooks") as span:
        tracing.record_response(span, 500, None)
    assert span is None
