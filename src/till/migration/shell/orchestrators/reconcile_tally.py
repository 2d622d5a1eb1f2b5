"""The running counts of one reconciliation and a sample of ids per kind."""

from dataclasses import dataclass, field
from datetime import datetime

from till.migration.core.legacy_reconcile import Action, Kind, Repair, Verdict
from till.migration.core.sync_ports import ReconciliationSummary

SAMPLE = 20


@dataclass
class Tally:
    repair: str | None
    counts: dict[Kind, int] = field(default_factory=lambda: dict.fromkeys(Kind, 0))
    repaired: int = 0
    not_repaired: int = 0
    samples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def compared(self) -> int:
        return sum(self.counts.values())

    @property
    def orders_per_second(self) -> float:
        return self.compared / self.seconds if self.seconds > 0 else 0.0

    def count(self, verdict: Verdict, repair: Repair, failure: str | None) -> None:
        self.counts[verdict.kind] += 1
        if verdict.kind not in (Kind.MATCHED, Kind.DELETED_IN_LEGACY):
            self._sample(verdict.kind.value, verdict.label)
        if repair.action is Action.NONE:
            return
        if failure is None:
            self.repaired += 1
        else:
            self.not_repaired += 1
            self._sample("not_repaired", f"{verdict.label} ({failure})")

    def _sample(self, kind: str, label: str) -> None:
        found = self.samples.setdefault(kind, [])
        if len(found) < SAMPLE:
            found.append(label)

    def summary(
        self, started_at: datetime, finished_at: datetime
    ) -> ReconciliationSummary:
        return ReconciliationSummary(
            started_at=started_at,
            finished_at=finished_at,
            repair=self.repair,
            compared=self.compared,
            matched=self.counts[Kind.MATCHED],
            missing_new=self.counts[Kind.MISSING_NEW],
            missing_legacy=self.counts[Kind.MISSING_LEGACY],
            mismatched=self.counts[Kind.MISMATCHED],
            deleted_in_legacy=self.counts[Kind.DELETED_IN_LEGACY],
            repaired=self.repaired,
            not_repaired=self.not_repaired,
            orders_per_second=round(self.orders_per_second, 1),
            samples=self.samples,
        )
