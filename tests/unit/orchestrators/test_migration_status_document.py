"""The migration status document: rollout per routed flag, lag, last
reconciliation, shadow mismatch rate — admins only."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.fakes.clock import FixedClock
from tests.fakes.strangler import ShadowVerdicts
from till.kernel.errors import Forbidden
from till.migration.core.access import Caller
from till.migration.core.flags import FeatureFlag
from till.migration.core.legacy_compare import Difference
from till.migration.shell.orchestrators.migration_status import MigrationStatus

AT = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
ADMIN = Caller("user", "usr_root", admin=True)


@dataclass
class Flags:
    flags: dict[str, FeatureFlag]

    def cached(self) -> dict[str, FeatureFlag]:
        return self.flags

    async def current(self) -> dict[str, FeatureFlag]:
        return self.flags


@dataclass
class Progress:
    lag: float | None = 1.5
    behind: int | None = 3
    reconciled: dict[str, Any] | None = None

    async def lag_seconds(self) -> float | None:
        return self.lag

    async def pending(self) -> int | None:
        return self.behind

    async def last(self) -> dict[str, Any] | None:
        return self.reconciled


def flag(key: str, enabled: bool, percentage: int) -> FeatureFlag:
    return FeatureFlag(key, enabled, percentage, frozenset({"usr_a"}), AT, "usr_root")


async def document(flags: dict[str, FeatureFlag], verdicts: ShadowVerdicts) -> dict:
    progress = Progress(reconciled={"matched": 10, "mismatched": 0})
    status = MigrationStatus(
        Flags(flags),
        progress,
        progress,
        verdicts,
        FixedClock(),
        router_on=True,
        shadow_sample=0.1,
    )
    return await status.document(ADMIN)


async def test_rollout_shows_each_routed_flag_and_a_killed_one_as_zero() -> None:
    shown = await document(
        {
            "orders.create": flag("orders.create", True, 50),
            "orders.read": flag("orders.read", False, 100),
        },
        ShadowVerdicts(),
    )
    rollout = shown["rollout"]
    assert (
        rollout["orders.create"]["percentage"],
        rollout["orders.create"]["allowlist"],
    ) == (50, 1)
    assert (
        rollout["orders.read"]["enabled"],
        rollout["orders.read"]["percentage"],
    ) == (False, 0)
    assert rollout["orders.transition"] == {
        "enabled": False,
        "percentage": 0,
        "allowlist": 0,
    }
    assert shown["dual_write"] == {"lag_seconds": 1.5, "pending": 3}
    assert shown["last_reconciliation"] == {"matched": 10, "mismatched": 0}


async def test_the_mismatch_rate_is_over_what_was_compared() -> None:
    verdicts = ShadowVerdicts()
    at = FixedClock().now()
    for found in ([], [], [], [Difference("status", "pending", "canceled")]):
        await verdicts.record("get", "ord_x", found, at)
    shadow = (await document({}, verdicts))["shadow"]
    assert (shadow["compared"], shadow["mismatched"], shadow["mismatch_rate"]) == (
        4,
        1,
        0.25,
    )
    assert (await document({}, ShadowVerdicts()))["shadow"]["mismatch_rate"] is None


async def test_only_admins_read_the_status() -> None:
    status = MigrationStatus(
        Flags({}),
        Progress(),
        Progress(),
        ShadowVerdicts(),
        FixedClock(),
        router_on=False,
        shadow_sample=0.0,
    )
    with pytest.raises(Forbidden):
        await status.document(Caller("service", "key_shop"))
