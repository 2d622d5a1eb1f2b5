"""One pure ASGI middleware for what every response needs: request id, security
headers, a body size limit, metrics and an access log line. Pure ASGI (not
BaseHTTPMiddleware) because it sits on every hot path."""

import time
import uuid
from typing import Any

import structlog
from starlette.exceptions import HTTPException

from till.platform.metrics import HTTP_LATENCY, HTTP_REQUESTS
from till.platform.problems import problem_response
from till.platform.request_context import request_id_var
from till.platform.shutdown import Shutdown

Scope = dict[str, Any]
Message = dict[str, Any]
log = structlog.get_logger("till.http")

MAX_BODY_BYTES = 1024 * 1024
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
_NO_STORE = (b"cache-control", b"no-store")
_CLOSE = (b"connection", b"close")


class _BodyTooLarge(HTTPException):
    """An HTTPException so FastAPI's body parsing re-raises it (it turns any
    other error while reading the body into a 400)."""

    def __init__(self) -> None:
        super().__init__(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if 0 < len(text) <= 128 and text.isascii() and text.isprintable():
                return text
    return uuid.uuid4().hex


def _rate_limit_headers(
    scope: Scope, present: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """The RateLimit-* headers a rate-limit dependency left in the request state,
    unless the response already has them (a 429 carries its own)."""
    found = scope.get("state", {}).get("rate_limit_headers")
    if not found or any(name.lower() == b"ratelimit-limit" for name, _ in present):
        return []
    return [(k.lower().encode(), v.encode()) for k, v in found.items()]


def _no_store(path: str) -> bool:
    """Responses that carry tokens or secrets must not be cached."""
    return path.startswith("/v1/auth/") or path == "/v1/api-keys"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class HttpEdgeMiddleware:
    def __init__(
        self,
        app: Any,
        max_body_bytes: int = MAX_BODY_BYTES,
        shutdown: Shutdown | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.shutdown = shutdown

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        token = request_id_var.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        state = {"status": 500, "started": False}
        extra = [(b"x-request-id", request_id.encode()), *_SECURITY_HEADERS]
        if _no_store(scope["path"]):
            extra.append(_NO_STORE)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message: Message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise _BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                headers = [*message.get("headers", []), *extra]
                if self.shutdown is not None and self.shutdown.started:
                    # Stopping: the client's next request opens a connection
                    # (to another process, through the load balancer).
                    headers.append(_CLOSE)
                message["headers"] = headers + _rate_limit_headers(scope, headers)
            await send(message)

        try:
            declared = _declared_length(scope)
            if declared is not None and declared > self.max_body_bytes:
                raise _BodyTooLarge
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            await self._fail(send_with_headers, state, 413, "payload_too_large")
        except Exception as error:
            log.error(
                "unhandled_error", error_type=type(error).__name__, exc_info=error
            )
            await self._fail(send_with_headers, state, 500, "internal_error")
        finally:
            self._observe(scope, state["status"], time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("request_id")
            request_id_var.reset(token)

    async def _fail(
        self, send: Any, state: dict[str, Any], status: int, code: str
    ) -> None:
        if state["started"]:
            return  # too late to change the answer; the log line says what happened
        detail = (
            f"the request body is larger than {self.max_body_bytes} bytes"
            if status == 413
            else "something went wrong on our side"
        )
        response = problem_response(
            status, code, detail, request_id=request_id_var.get()
        )
        await response({"type": "http"}, _no_receive, send)

    def _observe(self, scope: Scope, status: Any, elapsed: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        method = scope["method"]
        HTTP_REQUESTS.labels(method, template, str(status)).inc()
        HTTP_LATENCY.labels(method, template).observe(elapsed)
        log.info(
            "request",
            method=method,
            route=template,
            status=status,
            ms=round(elapsed * 1000, 2),
        )


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
