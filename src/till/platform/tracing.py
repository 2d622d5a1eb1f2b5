"""Spans and W3C trace-context propagation for the shell, on the OpenTelemetry
API (the SDK and the exporters are `tracing_setup.py`'s business).

Tracing is off unless the composition root calls `activate`. Off, every helper
here checks one module global and returns: no tracer lookups, no context
variables touched, nothing allocated per call beyond the call itself.

No span carries personal data or secrets: use cases record their name and the
type of a failure (never its message); message spans record event ids and
types; the webhook span records the receiver's host, never its URL (a URL may
hold a token)."""

import functools
from collections.abc import (
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import orjson
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import (
    TraceContextTextMapPropagator,
)

from till.kernel.errors import DomainError

P = ParamSpec("P")
R = TypeVar("R")
Carrier = Mapping[str, Any]

TRACE_HEADERS = ("traceparent", "tracestate")
_W3C = TraceContextTextMapPropagator()
_OFF: AbstractContextManager[None] = nullcontext()
_tracer: Tracer | None = None


def activate(tracer: Tracer) -> None:
    global _tracer
    _tracer = tracer


def deactivate() -> None:
    global _tracer
    _tracer = None


def active() -> bool:
    return _tracer is not None


def use_case(
    name: str,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """A span per call of a command or query orchestrator (`payments.confirm_payment`).
    A domain error (the caller's mistake, a 4xx) is recorded by type and
    leaves the status unset; anything else marks the span as an error."""

    def decorate(
        function: Callable[P, Awaitable[R]],
    ) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(function)
        async def traced(*args: P.args, **kwargs: P.kwargs) -> R:
            tracer = _tracer
            if tracer is None:
                return await function(*args, **kwargs)
            with _span(tracer, name, SpanKind.INTERNAL, None, {}):
                return await function(*args, **kwargs)

        return traced

    return decorate


@contextmanager
def _span(
    tracer: Tracer,
    name: str,
    kind: SpanKind,
    parent: Context | None,
    attributes: dict[str, Any],
) -> Iterator[Span]:
    with tracer.start_as_current_span(
        name,
        context=parent,
        kind=kind,
        attributes=attributes,
        record_exception=False,  # messages may hold personal data
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except BaseException as error:
            span.set_attribute("error.type", type(error).__name__)
            if not isinstance(error, DomainError):
                span.set_status(StatusCode.ERROR)
            raise


def current_trace_context() -> str | None:
    """The current span's W3C headers as JSON, kept in an outbox row's
    `trace_context` (None when tracing is off or no span is current)."""
    if _tracer is None:
        return None
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    return orjson.dumps(carrier).decode() if carrier else None


def stored_trace_context(stored: str | None) -> dict[str, str]:
    """An outbox row's `trace_context` back as headers."""
    return {} if stored is None else trace_headers(orjson.loads(stored))


def trace_headers(headers: Carrier | None) -> dict[str, str]:
    """Only the W3C trace headers of a message's headers."""
    if not headers:
        return {}
    found = {}
    for name in TRACE_HEADERS:
        value = headers.get(name)
        if isinstance(value, bytes):  # AMQP long strings may arrive as bytes
            value = value.decode("latin-1")
        if isinstance(value, str):
            found[name] = value
    return found


def context_of(carrier: Carrier | None) -> Context:
    """The remote parent the headers name (an empty context if none)."""
    return _W3C.extract(trace_headers(carrier))


def consumer_span(
    event_type: str, event_id: str, carrier: Carrier | None, consumer: str
) -> AbstractContextManager[Any]:
    """Handling one consumed event, a child of the context its message carries."""
    tracer = _tracer
    if tracer is None:
        return _OFF
    attributes = {
        "messaging.operation.type": "process",
        "messaging.message.id": event_id,
        "messaging.consumer.group.name": consumer,
        "till.event_type": event_type,
    }
    return _span(
        tracer,
        f"process {event_type}",
        SpanKind.CONSUMER,
        context_of(carrier),
        attributes,
    )


@contextmanager
def _producer_spans(
    tracer: Tracer, system: str, messages: Sequence[tuple[str, str, Carrier | None]]
) -> Iterator[list[dict[str, str]]]:
    spans = []
    carriers: list[dict[str, str]] = []
    for event_id, event_type, parent in messages:
        span = tracer.start_span(
            f"publish {event_type}",
            context=context_of(parent),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": system,
                "messaging.operation.type": "send",
                "messaging.message.id": event_id,
                "till.event_type": event_type,
            },
        )
        carrier: dict[str, str] = {}
        _W3C.inject(carrier, context=trace.set_span_in_context(span))
        spans.append(span)
        carriers.append(carrier)
    try:
        yield carriers
    except BaseException as error:
        for span in spans:
            span.set_attribute("error.type", type(error).__name__)
            span.set_status(StatusCode.ERROR)
        raise
    finally:
        for span in spans:
            span.end()


def producer_spans(
    system: str, messages: Sequence[tuple[str, str, Carrier | None]]
) -> AbstractContextManager[list[dict[str, str]]]:
    """One span per published message (event id, type, the trace context its
    outbox row was written in), each a child of that context; yields the
    headers each message carries on. Off: the stored contexts, passed on."""
    tracer = _tracer
    if tracer is None:
        return nullcontext([trace_headers(parent) for _, _, parent in messages])
    return _producer_spans(tracer, system, messages)


def http_client_span(method: str, url: str) -> AbstractContextManager[Span | None]:
    """An outgoing request: the method and the server's host and port only."""
    tracer = _tracer
    if tracer is None:
        return nullcontext()
    parts = urlsplit(url)
    attributes: dict[str, Any] = {"http.request.method": method}
    if parts.hostname:
        attributes["server.address"] = parts.hostname
        attributes["server.port"] = parts.port or (
            443 if parts.scheme == "https" else 80
        )
    return _span(tracer, method, SpanKind.CLIENT, None, attributes)


def record_response(span: Span | None, status: int | None, error: str | None) -> None:
    if span is None:
        return
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    if error is not None or status is None or status >= 400:
        span.set_attribute("error.type", error or str(status))
        span.set_status(StatusCode.ERROR)
