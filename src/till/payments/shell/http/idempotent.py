"""Run a money-moving command under its `Idempotency-Key` (API.md, Conventions):
reserve the key, replay a stored answer, or run the command and answer with the
response it stored in its own transaction. What is stored and what is not:

- success, and domain errors after the key was reserved (404, 409
  `invalid_state`, 402 declines...): stored, replayed byte for byte;
- 422 validation errors: the key is forgotten (a corrected body may reuse it);
- the processor unavailable or silent (503), or an unexpected error: the lease
  is released, so a retry with the same key resumes the same payment or refund
  (nothing is charged twice)."""

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from till.kernel.clock import Clock
from till.kernel.errors import DomainError, ValidationFailed
from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.kernel.ids import new_id
from till.payments.core.access import Caller
from till.payments.core.commands import CommandOutcome
from till.payments.core.gateway import GatewayUnavailable
from till.platform.error_handlers import domain_problem
from till.platform.idempotency import (
    REPLAYED_HEADER,
    IdempotencyStore,
    Replay,
    fingerprint,
    require_key,
)

JSON = "application/json"
JSON_PROBLEM = "application/problem+json"
Command = Callable[[IdempotencyScope], Awaitable[CommandOutcome]]


def json_response(status: int, view: dict[str, Any]) -> StoredResponse:
    return StoredResponse(status, JSON, orjson.dumps(view))


def as_response(stored: StoredResponse, replayed: bool = False) -> Response:
    headers = {REPLAYED_HEADER: "true"} if replayed else None
    return Response(
        stored.body, stored.status, headers=headers, media_type=stored.content_type
    )


async def run_idempotent(
    request: Request,
    caller: Caller,
    store: IdempotencyStore,
    id_prefix: str,
    render: Callable[[Any], StoredResponse],
    command: Command,
) -> Response:
    key = require_key(request.headers.get("Idempotency-Key"))
    body = await request.body()
    owner = f"{caller.kind}:{caller.id}"
    print_ = fingerprint(request.method, request.url.path, owner, body)
    clock: Clock = request.app.state.clock
    reserved = await store.reserve(owner, key, print_, new_id(id_prefix), clock.now())
    if isinstance(reserved, Replay):
        return as_response(reserved.response, replayed=True)
    scope = IdempotencyScope(owner, key, reserved.resource_id, reserved.resumed, render)
    try:
        outcome = await command(scope)
    except ValidationFailed:
        await store.forget(owner, key)
        raise
    except GatewayUnavailable:
        await store.release(owner, key)
        raise
    except DomainError as error:
        answer = domain_problem(error, request.app.state.error_status_table)
        stored = StoredResponse(answer.status_code, JSON_PROBLEM, bytes(answer.body))
        await store.store(owner, key, stored, clock.now())
        return as_response(stored)
    except BaseException:
        await store.release(owner, key)
        raise
    return as_response(outcome.response)
