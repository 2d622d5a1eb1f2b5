"""The OpenTelemetry SDK behind `tracing.py`: a tracer provider built from the
OTEL_* settings, and the instrumentation installed while an app runs.

Nothing here runs unless tracing is configured (`TracingSettings.exporter`):
then the composition root builds the provider, hands it to FastAPI's own
HTTP server spans, and `started` installs the asyncpg instrumentation (SQL
spans for SQLAlchemy's statements and the hot paths' raw asyncpg ones alike)
and switches `tracing.py`'s helpers on; leaving, it undoes both and flushes.
The provider is never made the process-global one: an app's spans go to its
own provider, and two apps in one process (tests) do not share one."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl, urlencode

from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes

from till.platform import tracing
from till.platform.settings import TracingSettings

# Query parameters whose values may appear in spans (the list endpoints'
# paging and filters); any other value (a customer id, a token) is redacted.
SHOWN_QUERY_PARAMETERS = frozenset(
    {"limit", "starting_after", "status", "type", "date", "currency"}
)
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


def sampler_for(name: str, ratio: float) -> Sampler:
    """The standard OTEL_TRACES_SAMPLER names (+ _ARG for the ratio ones)."""
    root = {
        "always_on": ALWAYS_ON,
        "always_off": ALWAYS_OFF,
        "traceidratio": TraceIdRatioBased(ratio),
    }
    base = name.removeprefix("parentbased_")
    if base not in root:
        raise ValueError(f"unknown sampler {name!r}")
    return ParentBased(root[base]) if name.startswith("parentbased_") else root[base]


class NoOrphanQueries(Sampler):
    """SQL outside any span (the relay's and the schedulers' polling, every
    fraction of a second) would make a one-span trace each: not sampled.
    Everything else is up to the configured sampler."""

    def __init__(self, inner: Sampler) -> None:
        self.inner = inner

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if (
            kind is SpanKind.CLIENT
            and attributes
            and ("db.system" in attributes or "db.system.name" in attributes)
            and not trace.get_current_span(parent_context).get_span_context().is_valid
        ):
            return SamplingResult(Decision.DROP)
        return self.inner.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"NoOrphanQueries{{{self.inner.get_description()}}}"


def redacted_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(k, v if k in SHOWN_QUERY_PARAMETERS else "REDACTED") for k, v in pairs]
    )


class QueryRedaction(SpanProcessor):
    """FastAPI puts the query string on its server span; keep only the
    values known to be harmless."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        query = (span.attributes or {}).get("url.query")
        if isinstance(query, str):
            span.set_attribute("url.query", redacted_query(query))


def exporter_for(settings: TracingSettings) -> SpanExporter:
    if settings.exporter == "console":
        return ConsoleSpanExporter(service_name=settings.otel_service_name)
    if settings.otlp_protocol != "http/protobuf":
        raise ValueError(
            f"OTLP protocol {settings.otlp_protocol!r}: till exports http/protobuf only"
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter,
    )

    return OTLPSpanExporter(endpoint=settings.traces_url)


def provider_for(
    settings: TracingSettings, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """None when tracing is off. `exporter` replaces the configured one
    (tests pass an in-memory exporter)."""
    if exporter is None:
        if settings.exporter is None:
            return None
        exporter = exporter_for(settings)
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: settings.otel_service_name}),
        sampler=NoOrphanQueries(
            sampler_for(settings.otel_traces_sampler, settings.otel_traces_sampler_arg)
        ),
    )
    provider.add_span_processor(QueryRedaction())
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def fastapi_telemetry(provider: TracerProvider | None) -> TelemetryConfig:
    """FastAPI's `telemetry=`: its HTTP server span (named by route) when
    tracing is on, nothing at all when off."""
    return {
        "tracing": provider is not None,
        "tracer_provider": provider,
        "metrics": False,  # till exports Prometheus metrics itself
        "logs": False,
        "operation_spans": False,  # the use-case spans say more, for less
        "exclude": lambda scope: scope.get("path") in _PROBES,
    }


@asynccontextmanager
async def started(provider: TracerProvider | None) -> AsyncIterator[None]:
    """Tracing on for the block: SQL spans and till's own spans; on leaving,
    off again, and the spans still buffered are exported (off the loop)."""
    if provider is None:
        yield
        return
    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    instrumentor.instrument(tracer_provider=provider)
    tracing.activate(provider.get_tracer("till"))
    try:
        yield
    finally:
        tracing.deactivate()
        instrumentor.uninstrument()
        await asyncio.to_thread(provider.shutdown)
