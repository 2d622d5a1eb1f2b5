"""Composition root, the strangler router's part (ADR 0017): with
LEGACY_BASE_URL set, the router in front of /v1/orders, its legacy client,
flags, shadow reads and the new service reached in process; always, the
migration status document.

`InProcessOrders` is the router's `NewOrdersPort`: it runs the orders
context's own routes on the request (same process, same task — no HTTP hop),
so the new side answers exactly as it does without the router."""

from collections.abc import Mapping, MutableMapping, Sequence
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Router

from till.migration.shell.adapters.legacy_http_orders import LegacyHttpOrders
from till.migration.shell.adapters.openfeature_rollout import OpenFeatureRollout
from till.migration.shell.adapters.postgres_legacy_customers import (
    PostgresLegacyCustomers,
)
from till.migration.shell.adapters.postgres_legacy_reconciliations import (
    PostgresLegacyReconciliations,
)
from till.migration.shell.adapters.postgres_shadow_log import SqlaShadowLog
from till.migration.shell.http.strangler_routes import Strangler
from till.migration.shell.orchestrators.dual_write import DualWriteStatus
from till.migration.shell.orchestrators.legacy_side import LegacySide
from till.migration.shell.orchestrators.migration_status import MigrationStatus
from till.migration.shell.orchestrators.order_router import OrderRouter
from till.migration.shell.orchestrators.shadow_reads import ShadowReads
from till.orders.shell.http import order_query_routes, order_routes
from till.platform.settings import LegacySettings, MigrationSettings

if TYPE_CHECKING:
    from till.app.factory import SharedInfra

ORDER_ROUTES: Sequence[BaseRoute] = (
    *order_routes.router.routes,
    *order_query_routes.router.routes,
)


class InProcessOrders:
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.router = Router(routes=list(routes))

    async def forward(self, request: Request) -> Response:
        body = await request.body()  # already read by the router's handler
        given = False
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal given
            if given:
                return {"type": "http.disconnect"}
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.router(dict(request.scope), receive, send)
        answer = Response(b"".join(chunks), start.get("status", 500))
        answer.raw_headers = list(start.get("headers", []))
        return answer


def strangler_on(legacy: LegacySettings) -> bool:
    return bool(legacy.base_url)


class _DualWriteProgress:
    """The router's DualWriteStatus over the dual-write's own: None (unknown)
    where the dual-write is off, so the status does not claim it caught up."""

    def __init__(self, status: DualWriteStatus) -> None:
        self.status = status

    async def lag_seconds(self) -> float | None:
        return await self.status.lag_seconds() if self.status.enabled else None

    async def pending(self) -> int | None:
        return await self.status.pending() if self.status.enabled else None


class _LatestReconciliation:
    """ReconciliationLog over the reconciliation runs `till legacy reconcile`
    stores (`legacy_reconciliations`)."""

    def __init__(self, runs: PostgresLegacyReconciliations) -> None:
        self.runs = runs

    async def last(self) -> Mapping[str, Any] | None:
        return await self.runs.latest()


async def wire_strangler(
    app: FastAPI,
    legacy: LegacySettings,
    settings: MigrationSettings,
    shared: "SharedInfra",
    stack: AsyncExitStack,
) -> None:
    """After orders and the flags. Puts on `app.state`: `migration_status`
    and, with a legacy shop, `strangler` (the router's parts)."""
    database, clock = shared.database, shared.clock
    shadow_log = SqlaShadowLog(database)
    router_on = strangler_on(legacy)
    app.state.migration_status = MigrationStatus(
        app.state.flag_snapshot,
        _DualWriteProgress(app.state.dual_write_status),
        _LatestReconciliation(app.state.legacy_reconciliations),
        shadow_log,
        clock,
        router_on=router_on,
        shadow_sample=settings.shadow_sample if router_on else 0.0,
    )
    if not router_on or legacy.base_url is None:
        return
    token = legacy.api_token.get_secret_value() if legacy.api_token else ""
    client = LegacyHttpOrders.connect(
        legacy.base_url,
        token,
        customers=PostgresLegacyCustomers(database),
        tz=ZoneInfo(legacy.tz),
        timeout_seconds=legacy.http_timeout_seconds,
    )
    stack.push_async_callback(client.aclose)
    snapshots = app.state.order_imports
    shadow = ShadowReads(
        snapshots,
        shadow_log,
        clock,
        sample=settings.shadow_sample,
        max_in_flight=settings.shadow_max_in_flight,
    )
    stack.push_async_callback(shadow.drain)  # before the database closes
    app.state.strangler = Strangler(
        OrderRouter(OpenFeatureRollout(app.state.flag_client), snapshots),
        InProcessOrders(ORDER_ROUTES),
        LegacySide(client),
        shadow,
        app.state.idempotency_store,
    )
