"""RFC 9457 problem details: the one error shape of the whole API."""

from typing import Any

import orjson
from starlette.responses import Response

ERROR_TYPE_BASE = "https://till.dev/errors/"

TITLES = {
    "validation_error": "Validation error",
    "malformed_json": "Malformed JSON",
    "unauthenticated": "Unauthenticated",
    "invalid_credentials": "Invalid credentials",
    "token_expired": "Token expired",
    "forbidden": "Forbidden",
    "mfa_required": "MFA required",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "conflict": "Conflict",
    "invalid_state": "Invalid state",
    "payload_too_large": "Payload too large",
    "rate_limited": "Too many requests",
    "internal_error": "Internal error",
    "service_unavailable": "Service unavailable",
}


class ProblemError(Exception):
    """Raise from the shell to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.param = param
        self.headers = headers or {}


def problem_body(
    status: int, code: str, detail: str, param: str | None, request_id: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": ERROR_TYPE_BASE + code,
        "title": TITLES.get(code, code.replace("_", " ").capitalize()),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if param is not None:
        body["param"] = param
    body["request_id"] = request_id
    return body


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    param: str | None = None,
    request_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        orjson.dumps(problem_body(status, code, detail, param, request_id)),
        status_code=status,
        media_type="application/problem+json",
        headers=headers,
    )
