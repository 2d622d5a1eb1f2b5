"""Every error leaves as application/problem+json: domain errors through each
context's status table, framework errors mapped here, never HTML or a traceback."""

from collections.abc import Mapping
from typing import cast

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from till.kernel.errors import DomainError
from till.platform.problems import ProblemError, problem_response
from till.platform.request_context import request_id_var

log = structlog.get_logger("till.errors")
StatusTable = Mapping[type[DomainError], int]

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _status_for(error: DomainError, table: StatusTable) -> int:
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return 400


def _param_of(loc: tuple[object, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def domain_problem(error: DomainError, table: StatusTable) -> Response:
    """The problem+json answer to a domain error (also stored by idempotency)."""
    headers = {}
    retry_after = getattr(error, "retry_after_seconds", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return problem_response(
        _status_for(error, table),
        error.code,
        error.message,
        param=error.param,
        request_id=request_id_var.get(),
        headers=headers,
    )


def install_error_handlers(app: FastAPI, table: StatusTable) -> None:
    app.state.error_status_table = table

    async def on_problem(request: Request, exc: Exception) -> Response:
        exc = cast(ProblemError, exc)
        return problem_response(
            exc.status,
            exc.code,
            exc.detail,
            param=exc.param,
            request_id=request_id_var.get(),
            headers=exc.headers,
        )

    async def on_domain(request: Request, exc: Exception) -> Response:
        return domain_problem(cast(DomainError, exc), table)

    async def on_validation(request: Request, exc: Exception) -> Response:
        exc = cast(RequestValidationError, exc)
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        if first.get("type") == "json_invalid":
            return problem_response(
                400,
                "malformed_json",
                "the request body is not valid JSON",
                request_id=request_id_var.get(),
            )
        return problem_response(
            422,
            "validation_error",
            str(first.get("msg", "invalid request")),
            param=_param_of(tuple(first.get("loc", ()))),
            request_id=request_id_var.get(),
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        exc = cast(HTTPException, exc)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else code
        return problem_response(
            exc.status_code,
            code,
            detail,
            request_id=request_id_var.get(),
            headers=dict(exc.headers or {}),
        )

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled_error", error_type=type(exc).__name__, exc_info=exc)
        return problem_response(
            500,
            "internal_error",
            "something went wrong on our side",
            request_id=request_id_var.get(),
        )

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
