"""The strangler router on the real PHP app and PostgreSQL: who answers
/v1/orders as a flag moves, for orders each side created; the kill switch;
a shadow read's mismatch recorded; the status document."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from openfeature import api as openfeature
from sqlalchemy import text

from tests.integration.legacy.server import LegacyServer
from tests.integration.orders.flows import ITEMS, act
from tests.integration.payments.flows import admin, service, user
from till.app import create_app
from till.migration.core.access import Caller
from till.migration.core.flags import FeatureFlag, FlagSettings
from till.migration.core.legacy_ids import legacy_id_in_order_id
from till.migration.core.legacy_mapping import legacy_order_from_new
from till.migration.core.legacy_orders import NewOrder
from till.migration.shell.adapters.mariadb_legacy_orders import MariaDbLegacyOrders
from till.migration.shell.adapters.openfeature_provider import TillFlagProvider
from till.migration.shell.adapters.openfeature_rollout import OpenFeatureRollout
from till.migration.shell.adapters.postgres_legacy_customers import (
    PostgresLegacyCustomers,
)
from till.platform.settings import (
    AuthSettings,
    InfraSettings,
    LegacySettings,
    MigrationSettings,
    PaymentSettings,
)

OPERATOR = Caller("user", "usr_operator", admin=True, recent_mfa=True)
SERVED_BY = "till-served-by"


@pytest.fixture
async def routed(
    infra: InfraSettings, legacy_app: LegacyServer
) -> AsyncIterator[httpx.AsyncClient]:
    legacy = LegacySettings(
        base_url=legacy_app.base_url,
        api_token=legacy_app.token,
        tz=legacy_app.database.timezone,
    )
    app = create_app(
        infra,
        AuthSettings(),
        PaymentSettings(),
        legacy,
        MigrationSettings(shadow_sample=1.0),
    )
    async with app.router.lifespan_context(app):
        _flags_in_memory(app)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http


class MemoryFlags:
    """The flags as a process's snapshot holds them. The run's database is
    shared by every test, and the flags tests expect to create these keys:
    the router here reads flags through OpenFeature and our provider, as in
    production, over this snapshot instead of the stored flags."""

    def __init__(self) -> None:
        self.flags: dict[str, FeatureFlag] = {}

    def cached(self) -> dict[str, FeatureFlag]:
        return self.flags

    async def current(self) -> dict[str, FeatureFlag]:
        return self.flags


def _flags_in_memory(app: FastAPI) -> None:
    flags = MemoryFlags()
    domain = f"strangler-test-{uuid.uuid4().hex[:8]}"
    openfeature.set_provider(TillFlagProvider(flags), domain)
    rollout = OpenFeatureRollout(openfeature.get_client(domain))
    app.state.strangler.routing.flags = rollout
    app.state.migration_status.flags = flags
    app.state.test_flags = flags


async def flag(http: httpx.AsyncClient, key: str, settings: FlagSettings) -> None:
    flags: MemoryFlags = http.app.state.test_flags  # type: ignore[attr-defined]
    flags.flags[key] = FeatureFlag(
        key,
        settings.enabled,
        settings.percentage,
        settings.allowlist,
        datetime.now(UTC),
        OPERATOR.id,
    )


async def dual_written(
    http: httpx.AsyncClient, order: dict, store: MariaDbLegacyOrders, tz: str
) -> int:
    """What the dual-write does for one order: the legacy row, then the link."""
    database = http.app.state.migration_status.shadow.database  # type: ignore[attr-defined]
    customer = await PostgresLegacyCustomers(database).legacy_customer_for(
        order["customer_id"]
    )
    row = legacy_order_from_new(
        NewOrder.from_api(order), legacy_customer_id=customer, tz=ZoneInfo(tz)
    )
    legacy_id = await store.upsert_order(row)
    await http.app.state.order_imports.link_legacy(order["id"], legacy_id)  # type: ignore[attr-defined]
    return legacy_id


async def test_orders_move_between_the_sides_as_the_flags_move(
    routed: httpx.AsyncClient, legacy_app: LegacyServer, legacy_store
) -> None:
    http = routed
    me, auth = await user(http)
    # No flag yet: legacy creates, and keeps, the order.
    first_key = _key()
    old = await http.post(
        "/v1/orders", json={"currency": "eur", "items": ITEMS}, headers=auth | first_key
    )
    assert (old.status_code, old.headers[SERVED_BY]) == (201, "legacy"), old.text
    assert old.headers["x-request-id"]
    old_id = old.json()["id"]
    assert legacy_id_in_order_id(old_id) == old.json()["legacy_id"]
    assert old.json()["customer_id"] == me["id"]
    listed = await http.get("/v1/orders", headers=auth)
    assert listed.headers[SERVED_BY] == "legacy"
    # (other tests' legacy orders may share the allocated legacy customer id)
    assert old_id in [o["id"] for o in listed.json()["data"]]

    # The flags on for this customer: new orders are the new service's; the
    # legacy-created one stays with legacy.
    for key in ("orders.create", "orders.read", "orders.transition"):
        await flag(http, key, FlagSettings(True, 0, frozenset({me["id"]})))
    # A retry of the first create across the flip replays legacy's answer.
    retried = await http.post(
        "/v1/orders", json={"currency": "eur", "items": ITEMS}, headers=auth | first_key
    )
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json() == old.json()
    created = await http.post(
        "/v1/orders", json={"currency": "eur", "items": ITEMS}, headers=auth | _key()
    )
    assert (created.status_code, created.headers[SERVED_BY]) == (201, "new")
    new_id = created.json()["id"]
    got = await http.get(f"/v1/orders/{new_id}", headers=auth)
    assert (got.status_code, got.headers[SERVED_BY]) == (200, "new")
    still = await http.get(f"/v1/orders/{old_id}", headers=auth)
    assert (still.status_code, still.headers[SERVED_BY]) == (200, "legacy")
    assert still.json() == old.json()
    _, other_auth = await user(http)
    hidden = await http.get(f"/v1/orders/{old_id}", headers=other_auth)
    assert hidden.status_code == 404  # legacy's answer checked like the new one

    # The dual-write copies the new order; then the kill switch: legacy
    # answers for it at once, reads and writes.
    legacy_id = await dual_written(
        http, created.json(), legacy_store, legacy_app.database.timezone
    )
    for key in ("orders.read", "orders.transition"):
        await flag(http, key, FlagSettings(False, 100, frozenset({me["id"]})))
    back = await http.get(f"/v1/orders/{new_id}", headers=auth)
    assert (back.status_code, back.headers[SERVED_BY]) == (200, "legacy")
    assert (back.json()["id"], back.json()["legacy_id"]) == (new_id, legacy_id)
    canceled = await act(http, new_id, "cancel", auth)
    assert canceled["status"] == "canceled"

    # Staff act on legacy-created orders through the router too.
    shop = await service(http, ["orders:read", "orders:write"])
    refused = await http.post(f"/v1/orders/{old_id}/ship", headers=shop | _key())
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_state")

    # Shadow reads (sample 1.0): the new store never had the legacy-created
    # order (no backfill here) — a mismatch, recorded; the canceled one
    # disagrees too (legacy canceled it, the new store did not hear of it).
    await http.app.state.strangler.shadow.drain()  # type: ignore[attr-defined]
    async with http.app.state.migration_status.shadow.database.read() as conn:  # type: ignore[attr-defined]
        rows = (
            await conn.execute(
                text("SELECT order_id, differences FROM migration_shadow_mismatches")
            )
        ).all()
    fields = {(r[0], d["field"]) for r in rows for d in r[1]}
    assert (old_id, "missing") in fields
    assert (new_id, "status") not in fields  # the GET came before the cancel

    status = await http.get("/v1/admin/migration/status", headers=await admin(http))
    assert status.status_code == 200, status.text
    document = status.json()
    assert document["router"] == "on"
    assert document["rollout"]["orders.create"]["allowlist"] == 1
    assert document["rollout"]["orders.read"]["enabled"] is False
    assert document["shadow"]["mismatched"] >= 1
    assert document["shadow"]["compared"] >= document["shadow"]["mismatched"]
    assert document["dual_write"] == {"lag_seconds": None, "pending": None}
    # the run's database is shared: another test may have reconciled already
    last = document["last_reconciliation"]
    assert last is None or {"matched", "mismatched", "finished_at"} <= set(last)
    forbidden = await http.get("/v1/admin/migration/status", headers=auth)
    assert forbidden.status_code == 403


def _key() -> dict[str, str]:
    return {"Idempotency-Key": datetime.now(UTC).isoformat() + str(id(object()))}
