import re

import orjson
import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from till.platform.http_middleware import HttpEdgeMiddleware
from till.platform.request_context import request_id_var

LIMIT = 16
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


class Client:
    """Hand-written ASGI server side: feeds body chunks, records what is sent."""

    def __init__(self, *chunks: bytes) -> None:
        self._chunks = list(chunks) or [b""]
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        if not self._chunks:
            return {"type": "http.disconnect"}
        body = self._chunks.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(self._chunks)}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def starts(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "http.response.start"]

    @property
    def status(self) -> int:
        [start] = self.starts
        return start["status"]

    @property
    def headers(self) -> dict[bytes, bytes]:
        [start] = self.starts
        return dict(start["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if "body" in m)


class EchoApp:
    """Reads the whole body, then answers 200 with it."""

    def __init__(self) -> None:
        self.calls = 0
        self.request_id_seen: str | None = None

    async def __call__(self, scope, receive, send) -> None:
        self.calls += 1
        self.request_id_seen = request_id_var.get()
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = [(b"content-type", b"text/plain")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def crash_before_start(scope, receive, send) -> None:
    raise RuntimeError("boom: password=hunter2 at /srv/till/secret.py")


async def crash_after_start(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise RuntimeError("boom mid-stream")


def http_scope(path: str = "/v1/things", *headers: tuple[bytes, bytes]) -> dict:
    return {"type": "http", "method": "POST", "path": path, "headers": list(headers)}


async def call(app, scope: dict, client: Client) -> Client:
    await HttpEdgeMiddleware(app, max_body_bytes=LIMIT)(
        scope, client.receive, client.send
    )
    return client


@pytest.fixture
def quiet_logs():
    # Rendering a traceback to the console costs tens of ms; capture it instead.
    with capture_logs():
        yield


def problem(client: Client) -> dict:
    assert client.headers[b"content-type"] == b"application/problem+json"
    return orjson.loads(client.body)


async def test_response_gets_a_generated_request_id_when_none_is_sent():
    client = await call(EchoApp(), http_scope(), Client(b"hi"))
    assert GENERATED_ID.match(client.headers[b"x-request-id"].decode())


async def test_valid_incoming_request_id_is_echoed_and_visible_to_the_app():
    app = EchoApp()
    scope = http_scope("/v1/things", (b"x-request-id", b"req-abc-123"))
    client = await call(app, scope, Client(b"hi"))
    assert client.headers[b"x-request-id"] == b"req-abc-123"
    assert app.request_id_seen == "req-abc-123"


@pytest.mark.parametrize("incoming", [b"x" * 129, b"", b"bad\x01id"])
async def test_overlong_empty_or_unprintable_request_id_is_replaced(incoming):
    scope = http_scope("/v1/things", (b"x-request-id", incoming))
    client = await call(EchoApp(), scope, Client(b"hi"))
    assert GENERATED_ID.match(client.headers[b"x-request-id"].decode())


async def test_request_id_of_the_request_does_not_leak_after_it():
    scope = http_scope("/v1/things", (b"x-request-id", b"req-abc-123"))
    await call(EchoApp(), scope, Client(b"hi"))
    assert request_id_var.get() is None


async def test_security_headers_are_added_and_the_app_headers_kept():
    client = await call(EchoApp(), http_scope(), Client(b"hi"))
    assert client.headers[b"x-content-type-options"] == b"nosniff"
    assert client.headers[b"x-frame-options"] == b"DENY"
    assert client.headers[b"referrer-policy"] == b"no-referrer"
    assert client.headers[b"content-type"] == b"text/plain"
    assert client.body == b"hi"


@pytest.mark.parametrize("path", ["/v1/auth/login", "/v1/auth/refresh", "/v1/api-keys"])
async def test_responses_carrying_credentials_are_not_stored(path):
    client = await call(EchoApp(), http_scope(path), Client(b"hi"))
    assert client.headers[b"cache-control"] == b"no-store"


@pytest.mark.parametrize("path", ["/v1/things", "/healthz", "/.well-known/jwks.json"])
async def test_other_responses_get_no_cache_control(path):
    client = await call(EchoApp(), http_scope(path), Client(b"hi"))
    assert b"cache-control" not in client.headers


async def test_declared_body_over_the_limit_is_413_without_calling_the_app():
    app = EchoApp()
    scope = http_scope("/v1/things", (b"content-length", str(LIMIT + 1).encode()))
    client = await call(app, scope, Client(b"x" * (LIMIT + 1)))
    assert client.status == 413 and app.calls == 0
    body = problem(client)
    assert (body["status"], body["code"]) == (413, "payload_too_large")
    assert body["request_id"] == client.headers[b"x-request-id"].decode()


async def test_streamed_body_over_the_limit_is_413():
    client = await call(EchoApp(), http_scope(), Client(b"x" * 10, b"x" * 10))
    assert client.status == 413
    assert problem(client)["code"] == "payload_too_large"


async def test_body_exactly_at_the_limit_is_accepted():
    scope = http_scope("/v1/things", (b"content-length", str(LIMIT).encode()))
    client = await call(EchoApp(), scope, Client(b"x" * 8, b"x" * 8))
    assert client.status == 200 and client.body == b"x" * LIMIT


async def test_crash_before_the_response_is_a_500_problem_without_internals(
    quiet_logs,
):
    client = await call(crash_before_start, http_scope(), Client(b"hi"))
    assert client.status == 500
    body = problem(client)
    assert (body["code"], body["status"]) == ("internal_error", 500)
    text = client.body.decode()
    assert "Traceback" not in text and "boom" not in text and "hunter2" not in text
    assert client.headers[b"x-content-type-options"] == b"nosniff"


async def test_crash_after_the_response_started_sends_no_second_start(quiet_logs):
    client = await call(crash_after_start, http_scope(), Client(b"hi"))
    assert [m["status"] for m in client.starts] == [200]


async def test_request_metric_counts_the_status_actually_sent():
    labels = {"method": "POST", "route": "unmatched", "status": "413"}

    def count() -> float:
        return REGISTRY.get_sample_value("till_http_requests_total", labels) or 0.0

    before = count()
    await call(EchoApp(), http_scope(), Client(b"x" * (LIMIT + 1)))
    assert count() == before + 1


async def test_non_http_scopes_pass_through_untouched():
    seen = []

    async def lifespan_app(scope, receive, send) -> None:
        seen.append(scope)
        await send({"type": "lifespan.startup.complete"})

    client = Client()
    scope = {"type": "lifespan"}
    await HttpEdgeMiddleware(lifespan_app)(scope, client.receive, client.send)
    assert seen == [scope]
    assert client.sent == [{"type": "lifespan.startup.complete"}]
