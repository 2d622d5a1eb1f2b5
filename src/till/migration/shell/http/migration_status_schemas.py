"""The body of `GET /v1/admin/migration/status`, for the OpenAPI document (the
route answers the status document as it is built, in this shape)."""

from typing import Literal

from pydantic import Field

from till.platform.schemas import Response, examples

ORDER_ID = "ord_01KJQ6PQQW7VNQX5Q5KKJ0Z75H"


class UnsetFlagRollout(Response):
    """A flag never set: off, every request goes to legacy."""

    enabled: Literal[False]
    percentage: Literal[0]
    allowlist: Literal[0]


class FlagRollout(Response):
    enabled: bool
    percentage: int = Field(description="0 while the flag is off")
    allowlist: int = Field(description="how many customers are on by name")
    version: int
    updated_at: str


class DualWrite(Response):
    lag_seconds: float | None
    pending: int | None


class LegacyReconciliation(Response):
    """The last `till legacy reconcile` run."""

    id: int
    started_at: str
    finished_at: str
    repair: Literal["new", "legacy"] | None
    compared: int
    matched: int
    missing_new: int
    missing_legacy: int
    mismatched: int
    deleted_in_legacy: int
    repaired: int
    not_repaired: int
    orders_per_second: float
    samples: dict[str, list[str]]


class ShadowRoute(Response):
    compared: int
    mismatched: int


class ShadowReads(Response):
    sample: float
    window_hours: int
    compared: int
    mismatched: int
    mismatch_rate: float | None
    routes: dict[str, ShadowRoute]


class MigrationStatusOut(Response):
    model_config = examples(
        {
            "object": "migration_status",
            "router": "on",
            "rollout": {
                "orders.create": {
                    "enabled": True,
                    "percentage": 10,
                    "allowlist": 1,
                    "version": 4,
                    "updated_at": "2026-03-02T08:30:00+00:00",
                },
                "orders.read": {"enabled": False, "percentage": 0, "allowlist": 0},
                "orders.transition": {
                    "enabled": False,
                    "percentage": 0,
                    "allowlist": 0,
                },
            },
            "dual_write": {"lag_seconds": 0.42, "pending": 3},
            "last_reconciliation": {
                "id": 17,
                "started_at": "2026-03-02T03:00:00.118000Z",
                "finished_at": "2026-03-02T03:01:12.904000Z",
                "repair": None,
                "compared": 48210,
                "matched": 48207,
                "missing_new": 1,
                "missing_legacy": 0,
                "mismatched": 2,
                "deleted_in_legacy": 0,
                "repaired": 0,
                "not_repaired": 0,
                "orders_per_second": 662.4,
                "samples": {
                    "missing_new": ["- / 48113"],
                    "mismatched": [f"{ORDER_ID} / 48213: total"],
                },
            },
            "shadow": {
                "sample": 0.05,
                "window_hours": 24,
                "compared": 1200,
                "mismatched": 3,
                "mismatch_rate": 0.0025,
                "routes": {
                    "get": {"compared": 900, "mismatched": 2},
                    "list": {"compared": 300, "mismatched": 1},
                },
            },
        }
    )

    object: Literal["migration_status"] = "migration_status"
    router: Literal["on", "off"]
    rollout: dict[str, FlagRollout | UnsetFlagRollout]
    dual_write: DualWrite
    last_reconciliation: LegacyReconciliation | None
    shadow: ShadowReads
