"""Settlement: per UTC day and currency, what the ledger says was captured
(gross), given back (refunds) and kept by the processor (fees), and the net
the processor owes us. A settled day posts its net as a payout (ledger)."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from till.kernel.errors import ValidationFailed
from till.kernel.money import currency
from till.payments.core.access import Caller, require_scope, require_staff
from till.payments.core.ledger import Account, Kind, Posting

CSV_COLUMNS = ("date", "currency", "gross", "refunds", "fees", "net", "count")


@dataclass(frozen=True, slots=True)
class SettlementLine:
    day: date
    currency: str
    gross: int  # captured that day
    refunds: int  # refunded that day
    fees: int  # the processor's fees on that day's captures
    count: int  # captures that day

    @property
    def net(self) -> int:
        return self.gross - self.refunds - self.fees

    def as_json(self) -> dict[str, object]:
        return {
            "object": "settlement",
            "date": self.day.isoformat(),
            "currency": self.currency,
            "gross": self.gross,
            "refunds": self.refunds,
            "fees": self.fees,
            "net": self.net,
            "count": self.count,
        }


def require_report_reader(caller: Caller) -> None:
    """Admins, and services whose key has `reports:read`."""
    require_staff(caller, "read reports")
    require_scope(caller, "reports:read")


def parse_day(text: str | None) -> date:
    if text is None:
        raise ValidationFailed("date is required (YYYY-MM-DD)", param="date")
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("date must be YYYY-MM-DD", param="date") from None


def parse_currency(text: str | None) -> str | None:
    return None if text is None else currency(text).code


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a UTC day."""
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def require_day_over(day: date, now: datetime) -> None:
    """A day is settled once it is over (UTC), so nothing posts into it later."""
    if day_bounds(day)[1] > now:
        raise ValidationFailed(f"{day} is not over yet (UTC)", param="date")


def with_requested(
    lines: list[SettlementLine], day: date, code: str | None
) -> list[SettlementLine]:
    """A currency asked for but quiet that day still gets its (zero) line."""
    if code is not None and not lines:
        return [SettlementLine(day, code, 0, 0, 0, 0)]
    return sorted(lines, key=lambda line: line.currency)


def settlement_csv(lines: list[SettlementLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        values = line.as_json()
        writer.writerow([values[column] for column in CSV_COLUMNS])
    return out.getvalue()


def settlement_lines(
    day: date, postings: list[Posting], code: str | None = None
) -> list[SettlementLine]:
    """The lines of `day` from postings (what the SQL of the PostgreSQL
    adapter sums; this is its specification and the fakes' implementation)."""
    start, end = day_bounds(day)
    sums: dict[str, list[int]] = {}
    for posting in postings:
        if not start <= posting.at < end or posting.kind is Kind.PAYOUT:
            continue
        if code is not None and posting.currency != code:
            continue
        line = sums.setdefault(posting.currency, [0, 0, 0, 0])
        line[3] += posting.kind is Kind.CAPTURE
        for entry in posting.entries:
            if entry.account is Account.SALES:
                line[0] -= entry.amount
            elif entry.account is Account.REFUNDS:
                line[1] += entry.amount
            elif entry.account is Account.PROCESSING_FEES:
                line[2] += entry.amount
    return [SettlementLine(day, c, *figures) for c, figures in sums.items()]
