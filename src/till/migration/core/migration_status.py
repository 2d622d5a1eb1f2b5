"""`GET /v1/admin/migration/status`: one document an operator reads before
and after each step of the runbook (rollout, dual-write lag, last
reconciliation, shadow mismatch rate)."""

from collections.abc import Mapping
from typing import Any

from till.migration.core.flags import FeatureFlag
from till.migration.core.order_routing import ROUTED_FLAGS
from till.migration.core.router_ports import ShadowCount


def rollout(flags: Mapping[str, FeatureFlag]) -> dict[str, Any]:
    """Per routed flag: who the new service serves. A flag never set is off
    (every request goes to legacy)."""
    shown: dict[str, Any] = {}
    for key in ROUTED_FLAGS:
        flag = flags.get(key)
        if flag is None:
            shown[key] = {"enabled": False, "percentage": 0, "allowlist": 0}
            continue
        shown[key] = {
            "enabled": flag.enabled,
            "percentage": flag.percentage if flag.enabled else 0,
            "allowlist": len(flag.allowlist) if flag.enabled else 0,
            "version": flag.version,
            "updated_at": flag.updated_at.isoformat(),
        }
    return shown


def shadow_summary(
    counts: Mapping[str, ShadowCount], sample: float, window_hours: int
) -> dict[str, Any]:
    compared = sum(c.compared for c in counts.values())
    mismatched = sum(c.mismatched for c in counts.values())
    return {
        "sample": sample,
        "window_hours": window_hours,
        "compared": compared,
        "mismatched": mismatched,
        "mismatch_rate": round(mismatched / compared, 6) if compared else None,
        "routes": {
            route: {"compared": c.compared, "mismatched": c.mismatched}
            for route, c in sorted(counts.items())
        },
    }


def status_document(
    *,
    router_on: bool,
    flags: Mapping[str, FeatureFlag],
    lag_seconds: float | None,
    pending: int | None,
    last_reconciliation: Mapping[str, Any] | None,
    shadow: dict[str, Any],
) -> dict[str, Any]:
    return {
        "object": "migration_status",
        "router": "on" if router_on else "off",
        "rollout": rollout(flags),
        "dual_write": {"lag_seconds": lag_seconds, "pending": pending},
        "last_reconciliation": (
            dict(last_reconciliation) if last_reconciliation else None
        ),
        "shadow": shadow,
    }
