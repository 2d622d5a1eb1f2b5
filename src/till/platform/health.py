"""/healthz (alive), /readyz (dependencies reachable), /metrics (Prometheus)."""

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import Field

from till.platform.openapi import problems
from till.platform.problems import problem_response
from till.platform.request_context import request_id_var
from till.platform.schemas import Response, examples

Check = Callable[[], Awaitable[None]]
log = structlog.get_logger("till.health")
router = APIRouter(tags=["operations"])
READY_TIMEOUT_SECONDS = 2.0
METRICS_EXAMPLE = (
    "# HELP till_http_requests_total HTTP requests\n"
    "# TYPE till_http_requests_total counter\n"
    'till_http_requests_total{method="GET",route="/healthz",status="200"} 42.0\n'
)


class HealthOut(Response):
    model_config = examples({"status": "ok"})

    status: str


class ReadyOut(Response):
    model_config = examples({"status": "ready", "checks": ["postgres", "redis"]})

    status: str
    checks: list[str] = Field(description="the dependencies checked, by name")


@router.get("/healthz", response_model=None, responses={200: {"model": HealthOut}})
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def run_check(check: Check) -> str | None:
    try:
        await asyncio.wait_for(check(), READY_TIMEOUT_SECONDS)
    except Exception as error:  # any failure means "not ready"; say which
        return f"{type(error).__name__}: {error}"[:200]
    return None


@router.get(
    "/readyz",
    response_model=ReadyOut,  # documentation only: a JSONResponse is sent as is
    responses=problems("service_unavailable"),
)
async def readyz(request: Request) -> JSONResponse:
    shutdown = getattr(request.app.state, "shutdown", None)
    if shutdown is not None and shutdown.started:
        # Still serving, but stopping: load balancers should send elsewhere.
        return problem_response(  # type: ignore[return-value]
            503,
            "service_unavailable",
            "shutting down",
            request_id=request_id_var.get(),
        )
    checks: dict[str, Check] = request.app.state.readiness_checks
    results = await asyncio.gather(*(run_check(c) for c in checks.values()))
    failing = {name: why for name, why in zip(checks, results, strict=True) if why}
    if failing:
        # The reasons can name hosts and users: they go to the log, not to an
        # unauthenticated caller.
        log.warning("not_ready", **failing)
        detail = "; ".join(f"{name} unreachable" for name in failing)
        return problem_response(  # type: ignore[return-value]
            503, "service_unavailable", detail, request_id=request_id_var.get()
        )
    return JSONResponse({"status": "ready", "checks": sorted(checks)})


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"example": METRICS_EXAMPLE}}}},
)
async def metrics() -> PlainTextResponse:
    return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)
