"""The propagation helpers: the W3C context a command's outbox row keeps, the
headers a message carries on, and the spans that continue them."""

import json
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind, StatusCode

from till.platform import tracing

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.activate(provider.get_tracer("test"))
    yield exporter
    tracing.deactivate()


def test_with_tracing_off_no_context_is_stored():
    assert tracing.current_trace_context() is None


def test_the_stored_context_names_the_current_span(spans):
    tracer = tracing._tracer
    assert tracer is not None
    with tracer.start_as_current_span("command") as span:
        stored = tracing.current_trace_context()
    assert stored is not None
    traceparent = json.loads(stored)["traceparent"]
    ids = span.get_span_context()
    assert traceparent.split("-")[:3] == [
        "00",
        f"{ids.trace_id:032x}",
        f"{ids.span_id:016x}",
    ]


def test_outside_any_span_nothing_is_stored(spans):
    assert tracing.current_trace_context() is None


def test_a_stored_context_reads_back_as_headers():
    stored = json.dumps({"traceparent": PARENT, "tracestate": "k=v", "other": "x"})
    assert tracing.stored_trace_context(stored) == {
        "traceparent": PARENT,
        "tracestate": "k=v",
    }
    assert tracing.stored_trace_context(None) == {}


def test_only_trace_headers_are_taken_from_message_headers():
    headers = {"traceparent": PARENT.encode(), "x-till-attempt": 2, "tracestate": 5}
    assert tracing.trace_headers(headers) == {"traceparent": PARENT}
    assert tracing.trace_headers(None) == {}


def test_a_consumer_span_continues_the_trace_of_its_message(spans):
    with tracing.consumer_span(
        "payment.completed", "evt_1", {"traceparent": PARENT}, "webhooks"
    ):
        pass
    (span,) = spans.get_finished_spans()
    assert span.kind is SpanKind.CONSUMER
    assert span.name == "process payment.completed"
    assert f"{span.context.trace_id:032x}" == PARENT.split("-")[1]
    assert span.parent is not None
    assert f"{span.parent.span_id:016x}" == PARENT.split("-")[2]
    assert span.attributes["messaging.consumer.group.name"] == "webhooks"


def test_a_message_without_context_starts_a_trace(spans):
    with tracing.consumer_span("payment.completed", "evt_1", {}, "webhooks"):
        pass
    (span,) = spans.get_finished_spans()
    assert span.parent is None


def test_publish_spans_are_children_of_the_stored_contexts_and_pass_their_own_on(
    spans,
):
    messages = [
        ("evt_1", "payment.created", {"traceparent": PARENT}),
        ("evt_2", "payment.completed", None),
    ]
    with tracing.producer_spans("rabbitmq", messages) as headers:
        pass
    first, second = spans.get_finished_spans()
    assert first.parent is not None
    assert f"{first.parent.span_id:016x}" == PARENT.split("-")[2]
    assert first.kind is SpanKind.PRODUCER and first.name == "publish payment.created"
    assert second.parent is None
    sent = headers[0]["traceparent"].split("-")
    assert sent[1] == f"{first.context.trace_id:032x}"
    assert sent[2] == f"{first.context.span_id:016x}"


def test_a_failed_publish_marks_its_spans(spans):
    with (
        pytest.raises(ConnectionError),
        tracing.producer_spans("rabbitmq", [("evt_1", "payment.created", None)]),
    ):
        raise ConnectionError("broker away")
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "ConnectionError"


def test_with_tracing_off_the_stored_contexts_travel_on_unchanged():
    messages = [("evt_1", "payment.created", {"traceparent": PARENT, "x": "y"})]
    with tracing.producer_spans("rabbitmq", messages) as headers:
        assert headers == [{"traceparent": PARENT}]
