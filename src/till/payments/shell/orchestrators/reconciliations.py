"""Reconciliations (`POST /v1/reports/reconciliations`, and `reconcile_day`
for `till scheduler`): the ledger's movements against every configured
processor's for a period; the report is stored, and each difference counts on
`till_reconciliation_differences_total`, which an alert watches."""

from datetime import date, datetime
from typing import Any, Protocol

from till.kernel.clock import Clock
from till.kernel.errors import NotFound
from till.kernel.ids import new_id
from till.payments.core.access import Caller
from till.payments.core.gateway import Movement
from till.payments.core.reconciliation import (
    Period,
    period_from,
    reconcile,
    report_document,
    require_admin,
)
from till.platform.metrics import RECONCILIATION_DIFFERENCES


class LedgerMovements(Protocol):
    async def movements(self, start: datetime, end: datetime) -> list[Movement]: ...


class ProcessorRecords(Protocol):
    async def transactions(self, start: datetime, end: datetime) -> list[Movement]: ...


class ReconciliationStore(Protocol):
    async def store(self, report: dict[str, Any]) -> None: ...
    async def get(self, report_id: str) -> dict[str, Any] | None: ...


class Reconciliations:
    def __init__(
        self,
        ledger: LedgerMovements,
        processors: dict[str, ProcessorRecords],
        reports: ReconciliationStore,
        clock: Clock,
    ) -> None:
        self.ledger = ledger
        self.processors = processors
        self.reports = reports
        self.clock = clock

    async def run(
        self, caller: Caller, day: str | None, start: str | None, end: str | None
    ) -> dict[str, Any]:
        require_admin(caller)
        return await self.reconcile(period_from(day, start, end))

    async def get(self, caller: Caller, report_id: str) -> dict[str, Any]:
        require_admin(caller)
        found = await self.reports.get(report_id)
        if found is None:
            raise NotFound("no such reconciliation")
        return found

    async def reconcile_day(self, day: date) -> dict[str, Any]:
        """For the scheduler: yesterday's reconciliation, say."""
        return await self.reconcile(Period.of_day(day))

    async def reconcile(self, period: Period) -> dict[str, Any]:
        start, end = period.widened()
        ours = await self.ledger.movements(start, end)
        theirs = [
            movement
            for processor in self.processors.values()
            for movement in await processor.transactions(start, end)
        ]
        findings = reconcile(period, ours, theirs)
        report = report_document(new_id("rpt"), period, findings, self.clock.now())
        await self.reports.store(report)
        for kind, count in report["counts"].items():
            if kind != "matched" and count:
                RECONCILIATION_DIFFERENCES.labels(kind).inc(count)
        return report
