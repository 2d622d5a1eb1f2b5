"""Tracing as the composition root wires it. Without OTEL_* settings it is
off: no provider, and FastAPI's per-request hook finds nothing to do. With
OTEL_EXPORTER_OTLP_ENDPOINT set, spans leave over OTLP/HTTP: a local collector
stand-in receives POST /v1/traces with the server span of a request, under
the configured service name."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
)

from till.app import create_app
from till.platform.settings import TracingSettings


def test_without_otel_settings_no_tracing_is_wired(
    infra, auth_settings, payment_settings, monkeypatch
):
    for name in TracingSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    app = create_app(infra, auth_settings, payment_settings)
    assert app.state.tracer_provider is None
    assert app._native_telemetry.enabled() is False  # no per-request lookups


@contextmanager
def collector() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    """A stand-in OTLP/HTTP collector: (base URL, [(path, content type, body)])."""
    received: list[tuple[str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            received.append((self.path, self.headers["content-type"], body))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


async def test_spans_are_exported_over_otlp_http_when_an_endpoint_is_set(
    infra, auth_settings, payment_settings
):
    with collector() as (endpoint, received):
        tracing = TracingSettings(
            otel_exporter_otlp_endpoint=endpoint, otel_service_name="till-smoke"
        )
        app = create_app(infra, auth_settings, payment_settings, tracing=tracing)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://till.test"
            ) as http:
                answer = await http.get("/v1/payments/pay_missing")
                assert answer.status_code == 401
        # leaving the lifespan flushed the batch
    exported = ExportTraceServiceRequest()
    posts = [(p, t, b) for p, t, b in received if p == "/v1/traces"]
    assert posts and all(t == "application/x-protobuf" for _, t, _ in posts)
    names: list[str] = []
    services: set[str] = set()
    for _, _, body in posts:
        exported.ParseFromString(body)
        for resource_spans in exported.resource_spans:
            services |= {
                a.value.string_value
                for a in resource_spans.resource.attributes
                if a.key == "service.name"
            }
            for scope in resource_spans.scope_spans:
                names += [span.name for span in scope.spans]
    assert services == {"till-smoke"}
    assert "GET /v1/payments/{payment_id}" in names
