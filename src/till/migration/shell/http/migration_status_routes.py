"""`GET /v1/admin/migration/status` (API.md, Orders; admins): rollout per
route, dual-write lag, last reconciliation, shadow mismatch rate."""

from typing import Any, Protocol

from fastapi import APIRouter, Request

from till.migration.core.access import Caller
from till.migration.shell.http.dependencies import CurrentCaller
from till.migration.shell.http.migration_status_schemas import MigrationStatusOut
from till.platform.openapi import problems

router = APIRouter(tags=["migration"])


class MigrationStatusPort(Protocol):
    async def document(self, caller: Caller) -> dict[str, Any]: ...


@router.get(
    "/v1/admin/migration/status",
    response_model=None,  # documented below; the document is sent as it is
    responses={
        200: {"model": MigrationStatusOut},
        **problems(forbidden={"detail": "only an admin may read the migration status"}),
    },
)
async def migration_status(request: Request, caller: CurrentCaller) -> dict[str, Any]:
    """`router` is off when no legacy shop is configured; a flag never set is
    shown off (legacy serves); `dual_write` values are null while no
    dual-write runs; `last_reconciliation` is null before the first run;
    `shadow.mismatch_rate` covers the last 24 hours (null: nothing compared)."""
    status: MigrationStatusPort = request.app.state.migration_status
    return await status.document(caller)
