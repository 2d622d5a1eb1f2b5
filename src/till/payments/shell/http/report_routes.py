"""`GET /v1/reports/settlements`: per currency, a UTC day's gross, refunds,
fees, net and count of captures, from the ledger; JSON, or CSV when asked
(`Accept: text/csv`)."""

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from till.payments.core.settlements import settlement_csv
from till.payments.shell.http.dependencies import CurrentCaller
from till.payments.shell.orchestrators.settlements import Settlements

router = APIRouter(tags=["reports"])


async def _settlements(request: Request) -> Settlements:
    found: Settlements = request.app.state.settlements
    return found


@router.get("/v1/reports/settlements")
async def settlement_report(
    request: Request,
    caller: CurrentCaller,
    settlements: Annotated[Settlements, Depends(_settlements)],
    date: Annotated[str | None, Query(max_length=10)] = None,
    currency: Annotated[str | None, Query(max_length=3)] = None,
) -> Response:
    """Admins, and services with `reports:read`. `date` (YYYY-MM-DD, UTC) is
    required; `currency` narrows to one (a quiet one gets a zero line)."""
    lines = await settlements.report(caller, date, currency)
    if "text/csv" in request.headers.get("accept", ""):
        return Response(settlement_csv(lines), media_type="text/csv")
    body = {"object": "list", "data": [line.as_json() for line in lines]}
    return Response(orjson.dumps(body), media_type="application/json")
