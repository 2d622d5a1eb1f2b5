"""`Idempotency-Key` for writes the legacy shop serves, in the same store and
under the same owner (`kind:id`), path and body fingerprint as the orders
service: a retry that crosses a flag flip replays the first answer, whichever
side gave it, instead of creating a second order.

Stored: successes and refusals (404, 409 `invalid_state`, 403). Forgotten:
422s (a corrected body may reuse the key). Released: 5xx (legacy
unavailable; a retry asks again). Legacy has no idempotency of its own: a
create whose answer was lost (timeout) and is retried may create a second
legacy order — the limit of proxying a shop without keys (ADR 0017)."""

from collections.abc import Awaitable, Callable

from fastapi import Request
from starlette.responses import Response

from till.kernel.clock import Clock
from till.kernel.errors import DomainError, ValidationFailed
from till.kernel.idempotency import StoredResponse
from till.kernel.ids import new_id
from till.migration.core.access import Caller
from till.migration.core.router_ports import OrderObject
from till.platform.error_handlers import domain_problem
from till.platform.idempotency import IdempotencyStore, Replay, fingerprint, require_key
from till.platform.idempotent_http import JSON_PROBLEM, as_response, json_response
from till.platform.problems import ProblemError, problem_response
from till.platform.request_context import request_id_var


async def run_on_legacy(
    request: Request,
    caller: Caller,
    store: IdempotencyStore,
    status: int,
    call: Callable[[], Awaitable[OrderObject]],
) -> Response:
    key = require_key(request.headers.get("Idempotency-Key"))
    owner = f"{caller.kind}:{caller.id}"
    body = await request.body()
    clock: Clock = request.app.state.clock
    print_ = fingerprint(request.method, request.url.path, owner, body)
    reserved = await store.reserve(owner, key, print_, new_id("ord"), clock.now())
    if isinstance(reserved, Replay):
        return as_response(reserved.response, replayed=True)
    try:
        answer = await call()
    except ValidationFailed:
        await store.forget(owner, key)
        raise
    except DomainError as error:
        refused = domain_problem(error, request.app.state.error_status_table)
        return await _stored(store, owner, key, refused, clock)
    except ProblemError as problem:
        if problem.status == 422:
            await store.forget(owner, key)
            raise
        if problem.status >= 500:
            await store.release(owner, key)
            raise
        return await _stored(store, owner, key, _problem(problem), clock)
    except BaseException:
        await store.release(owner, key)
        raise
    stored = json_response(status, answer)
    await store.store(owner, key, stored, clock.now())
    return as_response(stored)


def _problem(problem: ProblemError) -> Response:
    return problem_response(
        problem.status,
        problem.code,
        problem.detail,
        param=problem.param,
        request_id=request_id_var.get(),
    )


async def _stored(
    store: IdempotencyStore, owner: str, key: str, answer: Response, clock: Clock
) -> Response:
    stored = StoredResponse(answer.status_code, JSON_PROBLEM, bytes(answer.body))
    await store.store(owner, key, stored, clock.now())
    return as_response(stored)
