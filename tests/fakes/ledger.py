"""An in-memory ledger with the settlement semantics of the PostgreSQL one:
lines summed from postings, one settlement per (day, currency)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from till.payments.core.gateway import Movement
from till.payments.core.ledger import Posting
from till.payments.core.reconciliation import movement_of
from till.payments.core.settlements import SettlementLine, settlement_lines


@dataclass
class FakeLedger:
    postings: list[Posting] = field(default_factory=list)
    settlements: dict[tuple[date, str], SettlementLine] = field(default_factory=dict)

    async def settlement_lines(
        self, day: date, currency: str | None
    ) -> list[SettlementLine]:
        return settlement_lines(day, self.postings, currency)

    async def store_settlement(
        self,
        settlement_id: str,
        line: SettlementLine,
        payout: Posting | None,
        at: datetime,
    ) -> bool:
        if (line.day, line.currency) in self.settlements:
            return False
        self.settlements[(line.day, line.currency)] = line
        if payout is not None:
            self.postings.append(payout)
        return True

    async def movements(self, start: datetime, end: datetime) -> list[Movement]:
        found = [movement_of(p) for p in self.postings if start <= p.at < end]
        return [m for m in found if m is not None]


class FakeReports:
    def __init__(self) -> None:
        self.reports: dict[str, dict[str, Any]] = {}

    async def store(self, report: dict[str, Any]) -> None:
        self.reports[report["id"]] = report

    async def get(self, report_id: str) -> dict[str, Any] | None:
        return self.reports.get(report_id)
