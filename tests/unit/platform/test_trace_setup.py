"""When tracing is on (and when it is not: nothing installed, FastAPI's hook
told there is nothing), the sampler, and what the SDK keeps out of spans."""

import asyncpg
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags
from pydantic import ValidationError

from till.platform import tracing
from till.platform.settings import TracingSettings
from till.platform.tracing_setup import (
    NoOrphanQueries,
    QueryRedaction,
    fastapi_telemetry,
    provider_for,
    redacted_query,
    sampler_for,
    started,
)


@pytest.fixture
def no_otel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in TracingSettings.model_fields:  # the OTEL_* variables
        monkeypatch.delenv(name.upper(), raising=False)


def _instrumented() -> bool:
    return hasattr(asyncpg.Connection.execute, "__wrapped__")


def test_tracing_is_off_unless_configured(no_otel_env):
    assert TracingSettings().exporter is None
    assert provider_for(TracingSettings()) is None


@pytest.mark.parametrize(
    ("variables", "exporter"),
    [
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "otlp"),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, "otlp"),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, "otlp"),
        ({"OTEL_TRACES_EXPORTER": "console"}, "console"),
        (
            {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"},
            None,
        ),
        (
            {"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c"},
            None,
        ),
    ],
)
def test_the_standard_variables_turn_tracing_on_and_off(
    no_otel_env, monkeypatch, variables, exporter
):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert TracingSettings().exporter == exporter


def test_the_traces_url_is_the_base_endpoint_plus_v1_traces():
    base = TracingSettings(otel_exporter_otlp_endpoint="http://collector:4318/")
    assert base.traces_url == "http://collector:4318/v1/traces"
    full = TracingSettings(
        otel_exporter_otlp_endpoint="http://collector:4318",
        otel_exporter_otlp_traces_endpoint="http://other:4318/custom",
    )
    assert full.traces_url == "http://other:4318/custom"


@pytest.mark.parametrize(
    "setting",
    [{"otel_traces_exporter": "jaeger"}, {"otel_traces_sampler": "sometimes"}],
)
def test_an_unknown_exporter_or_sampler_stops_start_up(setting):
    with pytest.raises(ValidationError):
        TracingSettings(**setting)


def test_the_console_exporter_serves_a_quick_local_look():
    provider = provider_for(TracingSettings(otel_traces_exporter="console"))
    assert provider is not None
    try:
        assert "NoOrphanQueries" in provider.sampler.get_description()
        assert provider.resource.attributes["service.name"] == "till"
    finally:
        provider.shutdown()


def test_otlp_over_grpc_is_refused_when_tracing_is_on(no_otel_env):
    grpc = {"otel_exporter_otlp_traces_protocol": "grpc"}
    assert provider_for(TracingSettings(**grpc)) is None  # off: no matter
    with pytest.raises(ValueError, match="http/protobuf only"):
        provider_for(
            TracingSettings(otel_exporter_otlp_endpoint="http://c:4318", **grpc)
        )


def test_off_fastapi_is_told_there_is_nothing_to_record():
    config = fastapi_telemetry(None)
    assert (config["tracing"], config["metrics"], config["logs"]) == (
        False,
        False,
        False,
    )


async def test_started_without_a_provider_installs_nothing():
    async with started(None):
        assert not _instrumented()
        assert not tracing.active()


async def test_started_with_a_provider_instruments_asyncpg_until_it_ends():
    provider = TracerProvider()
    async with started(provider):
        assert _instrumented()
        assert tracing.active()
    assert not _instrumented()
    assert not tracing.active()


def test_samplers_by_their_standard_names():
    assert (
        "TraceIdRatioBased{0.25}"
        in sampler_for("parentbased_traceidratio", 0.25).get_description()
    )
    assert sampler_for("always_off", 1.0).get_description() == "AlwaysOffSampler"
    with pytest.raises(ValueError, match="unknown sampler"):
        sampler_for("parentbased_sometimes", 1.0)


def _sql_attributes() -> dict[str, str]:
    return {"db.system": "postgresql", "db.statement": "SELECT 1"}


def test_sql_outside_any_span_is_not_sampled():
    sampler = NoOrphanQueries(sampler_for("always_on", 1.0))
    orphan = sampler.should_sample(
        None, 1, "SELECT", SpanKind.CLIENT, _sql_attributes()
    )
    assert orphan.decision is Decision.DROP
    request = sampler.should_sample(None, 1, "GET", SpanKind.SERVER, {})
    assert request.decision is Decision.RECORD_AND_SAMPLE


def test_sql_inside_a_span_is_sampled_as_its_trace_is():
    sampler = NoOrphanQueries(sampler_for("parentbased_always_on", 1.0))
    parent = NonRecordingSpan(
        SpanContext(1, 2, is_remote=False, trace_flags=TraceFlags(1))
    )
    context = trace.set_span_in_context(parent)
    result = sampler.should_sample(
        context, 1, "SELECT", SpanKind.CLIENT, _sql_attributes()
    )
    assert result.decision is Decision.RECORD_AND_SAMPLE


def test_query_values_other_than_paging_and_filters_are_redacted():
    query = "customer_id=usr_1&limit=10&access_token=eyJ&status=completed"
    assert redacted_query(query) == (
        "customer_id=REDACTED&limit=10&access_token=REDACTED&status=completed"
    )


def test_the_server_span_keeps_only_the_redacted_query():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(QueryRedaction())
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(
        "GET /v1/payments", attributes={"url.query": "customer_id=usr_1&limit=5"}
    ):
        pass
    (span,) = exporter.get_finished_spans()
    assert span.attributes["url.query"] == "customer_id=REDACTED&limit=5"
