"""Run a command under its `Idempotency-Key` (API.md, Conventions), for any
context: reserve the key, replay a stored answer, or run the command and
answer with the response it stored in its own transaction. Stored: success,
and domain errors after the key was reserved (404, 409 `invalid_state`, 402).
Forgotten: 422 validation errors (a corrected body may reuse the key).
Released (a retry resumes the same resource): the `resumable` errors (a
dependency unavailable) and anything unexpected. Payments wraps it with its
gateway errors as the resumable ones (payments/shell/http/idempotent.py)."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from fastapi import Request
from starlette.responses import Response

from till.kernel.clock import Clock
from till.kernel.errors import DomainError, ValidationFailed
from till.kernel.idempotency import IdempotencyScope, StoredResponse
from till.kernel.ids import new_id
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


class Outcome(Protocol):
    @property
    def response(self) -> StoredResponse: ...


Command = Callable[[IdempotencyScope], Awaitable[Outcome]]


def json_response(status: int, view: dict[str, Any]) -> StoredResponse:
    return StoredResponse(status, JSON, orjson.dumps(view))


def as_response(stored: StoredResponse, replayed: bool = False) -> Response:
    headers = {REPLAYED_HEADER: "true"} if replayed else None
    return Response(
        stored.body, stored.status, headers=headers, media_type=stored.content_type
    )


async def run_idempotent(
    request: Request,
    owner: str,
    store: IdempotencyStore,
    id_prefix: str,
    render: Callable[[Any], StoredResponse],
    command: Command,
    resumable: tuple[type[Exception], ...] = (),
) -> Response:
    """`owner`: the caller as `kind:id`; `id_prefix`: the kind of id the
    command gives what it creates (the same id on a retry)."""
    key = require_key(request.headers.get("Idempotency-Key"))
    body = await request.body()
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
    except resumable:
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
