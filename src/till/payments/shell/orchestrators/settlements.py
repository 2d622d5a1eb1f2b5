"""Settlement reports (`GET /v1/reports/settlements`) and the daily settling
of a day (`generate`, for `till scheduler` and `till reports settle`): each
currency's line is stored once with its payout posting, so running it again
for the same day posts nothing more."""

from datetime import date, datetime
from typing import Protocol

from till.kernel.clock import Clock
from till.kernel.ids import new_id
from till.payments.core.access import Caller
from till.payments.core.ledger import Posting, payout
from till.payments.core.settlements import (
    SettlementLine,
    parse_currency,
    parse_day,
    require_day_over,
    require_report_reader,
    with_requested,
)


class SettlementLedger(Protocol):
    async def settlement_lines(
        self, day: date, currency: str | None
    ) -> list[SettlementLine]: ...

    async def store_settlement(
        self,
        settlement_id: str,
        line: SettlementLine,
        payout: Posting | None,
        at: datetime,
    ) -> bool: ...


class Settlements:
    def __init__(self, ledger: SettlementLedger, clock: Clock) -> None:
        self.ledger = ledger
        self.clock = clock

    async def report(
        self, caller: Caller, day_text: str | None, currency_text: str | None
    ) -> list[SettlementLine]:
        require_report_reader(caller)
        day = parse_day(day_text)
        code = parse_currency(currency_text)
        lines = await self.ledger.settlement_lines(day, code)
        return with_requested(lines, day, code)

    async def generate(self, day: date) -> int:
        """Settle a day that is over: the number of currencies settled now
        (0 when they all were already)."""
        now = self.clock.now()
        require_day_over(day, now)
        settled = 0
        for line in await self.ledger.settlement_lines(day, None):
            settlement_id = new_id("stl")
            posting = payout(settlement_id, line.currency, line.net, now)
            settled += await self.ledger.store_settlement(
                settlement_id, line, posting, now
            )
        return settled
