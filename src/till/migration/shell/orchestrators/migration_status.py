"""The migration status document (admins): gathers what each part of the
migration reports, through ports, into `core/migration_status`."""

from datetime import timedelta
from typing import Any

from till.kernel.clock import Clock
from till.migration.core.access import Caller, require_admin
from till.migration.core.migration_status import shadow_summary, status_document
from till.migration.core.ports import FlagSnapshot
from till.migration.core.router_ports import (
    DualWriteStatus,
    ReconciliationLog,
    ShadowLog,
)

SHADOW_WINDOW_HOURS = 24


class MigrationStatus:
    def __init__(
        self,
        flags: FlagSnapshot,
        dual_write: DualWriteStatus,
        reconciliations: ReconciliationLog,
        shadow: ShadowLog,
        clock: Clock,
        *,
        router_on: bool,
        shadow_sample: float,
    ) -> None:
        self.flags = flags
        self.dual_write = dual_write
        self.reconciliations = reconciliations
        self.shadow = shadow
        self.clock = clock
        self.router_on = router_on
        self.shadow_sample = shadow_sample

    async def document(self, caller: Caller) -> dict[str, Any]:
        require_admin(caller, "read the migration status")
        since = self.clock.now() - timedelta(hours=SHADOW_WINDOW_HOURS)
        counts = await self.shadow.counts(since)
        return status_document(
            router_on=self.router_on,
            flags=await self.flags.current(),
            lag_seconds=await self.dual_write.lag_seconds(),
            pending=await self.dual_write.pending(),
            last_reconciliation=await self.reconciliations.last(),
            shadow=shadow_summary(counts, self.shadow_sample, SHADOW_WINDOW_HOURS),
        )
