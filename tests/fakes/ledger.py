"""An in-memory ledger with the settlement semantics of the PostgreSQL one:
lines summed from postings, one settlement per (day, currency)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from till.payments.core.ledger import Posting
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
