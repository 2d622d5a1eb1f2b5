"""Money-moving commands under their `Idempotency-Key`: the shared mechanism
(`till.platform.idempotent_http`) with payments' caller as the owner and the
processor unavailable or silent (503) as the resumable error — the lease is
released, so a retry with the same key resumes the same payment or refund
(nothing is charged twice)."""

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.payments.core.access import Caller
from till.payments.core.commands import CommandOutcome
from till.payments.core.gateway import GatewayUnavailable
from till.platform import idempotent_http
from till.platform.idempotency import IdempotencyStore
from till.platform.idempotent_http import JSON_PROBLEM, json_response

__all__ = ["JSON_PROBLEM", "json_response", "run_idempotent"]

Command = Callable[[IdempotencyScope], Awaitable[CommandOutcome]]


async def run_idempotent(
    request: Request,
    caller: Caller,
    store: IdempotencyStore,
    id_prefix: str,
    render: Callable[[Any], StoredResponse],
    command: Command,
) -> Response:
    return await idempotent_http.run_idempotent(
        request,
        f"{caller.kind}:{caller.id}",
        store,
        id_prefix,
        render,
        command,
        resumable=(GatewayUnavailable,),
    )
