"""`GET /v1/events`: every published event of the last 30 days, for recovery
(a consumer that missed some), like Stripe's events list."""

from typing import Annotated

import orjson
from fastapi import APIRouter, Query
from starlette.responses import Response

from till.payments.shell.http.dependencies import CurrentCaller, Queries
from till.payments.shell.http.schemas import EventOut
from till.platform.openapi import problems
from till.platform.pagination import Limit, StartingAfter
from till.platform.schemas import ListOf

router = APIRouter(tags=["events"])


@router.get(
    "/v1/events",
    response_model=ListOf[EventOut],
    responses=problems(
        forbidden={"detail": "only a service or an admin may list events"}
    ),
)
async def list_events(
    caller: CurrentCaller,
    payments: Queries,
    type: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 20,
    starting_after: StartingAfter = None,
) -> Response:
    """Admins and services with `events:read`; `type` filters
    (`payment.completed`); each item is the event as published:
    `{id, type, created_at, data}`."""
    found, more = await payments.list_events(caller, type, starting_after, limit)
    body = {"object": "list", "data": found, "has_more": more}
    return Response(orjson.dumps(body), media_type="application/json")
