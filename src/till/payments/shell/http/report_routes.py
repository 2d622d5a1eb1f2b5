"""Reports. `GET /v1/reports/settlements`: per currency, a UTC day's gross,
refunds, fees, net and count of captures, from the ledger; JSON, or CSV when
asked (`Accept: text/csv`). `POST /v1/reports/reconciliations` compares the
ledger with the processors for a period and stores the report; `GET
/v1/reports/reconciliations/{id}` reads it back (admins)."""

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import Field
from starlette.responses import Response

from till.payments.core.settlements import settlement_csv
from till.payments.shell.http.dependencies import CurrentCaller
from till.payments.shell.http.report_schemas import (
    ReconciliationOut,
    SettlementReportOut,
)
from till.payments.shell.orchestrators.reconciliations import Reconciliations
from till.payments.shell.orchestrators.settlements import Settlements
from till.platform.openapi import problems
from till.platform.schemas import StrictRequest, examples

router = APIRouter(tags=["reports"])


async def _settlements(request: Request) -> Settlements:
    found: Settlements = request.app.state.settlement_reports
    return found


async def _reconciliations(request: Request) -> Reconciliations:
    found: Reconciliations = request.app.state.reconciliations
    return found


Recons = Annotated[Reconciliations, Depends(_reconciliations)]


class ReconciliationRequest(StrictRequest):
    """A UTC day (`date`), or a period (`from`, `to`: RFC 3339, ≤ 31 days)."""

    model_config = examples(
        {"date": "2026-03-02"},
        {"from": "2026-03-02T00:00:00Z", "to": "2026-03-02T12:00:00Z"},
    )

    date: str | None = Field(default=None, max_length=10, examples=["2026-03-02"])
    from_: str | None = Field(default=None, alias="from", max_length=40)
    to: str | None = Field(default=None, max_length=40)


CSV = (
    "date,currency,gross,refunds,fees,net,count\r\n"
    "2026-03-02,usd,1843200,21250,56413,1765537,412\r\n"
)


def _json(body: object, status_code: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code, media_type="application/json")


@router.post(
    "/v1/reports/reconciliations",
    status_code=status.HTTP_201_CREATED,
    response_model=ReconciliationOut,
    responses=problems(
        forbidden={"detail": "only an admin may reconcile"},
        validation_error={
            "detail": "give `date` or both `from` and `to`",
            "param": "from",
        },
    ),
)
async def reconcile(
    caller: CurrentCaller, reconciliations: Recons, body: ReconciliationRequest
) -> Response:
    """Admins. The report: counts, and the ids of what matched, what is missing
    on either side and what differs (amount, currency or fee)."""
    report = await reconciliations.run(caller, body.date, body.from_, body.to)
    return _json(report, status.HTTP_201_CREATED)


@router.get(
    "/v1/reports/reconciliations/{report_id}",
    response_model=ReconciliationOut,
    responses=problems(forbidden={"detail": "only an admin may reconcile"}),
)
async def reconciliation(
    caller: CurrentCaller,
    reconciliations: Recons,
    report_id: Annotated[str, Path(max_length=40)],
) -> Response:
    return _json(await reconciliations.get(caller, report_id))


@router.get(
    "/v1/reports/settlements",
    response_model=SettlementReportOut,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}, "example": CSV}}},
        **problems(
            forbidden={"detail": "only a service or an admin may read reports"},
            validation_error={
                "detail": "date is required (YYYY-MM-DD)",
                "param": "date",
            },
        ),
    },
)
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
    return _json({"object": "list", "data": [line.as_json() for line in lines]})
