"""Reconciliation: the ledger's money movements against the processor's for a
period, matched by the processor's reference. Both sides are read with a
margin around the period, so a movement stamped a few milliseconds apart on
each side still meets its twin; only movements inside the period are reported.

matched: same kind, reference, currency, amount and fee. mismatched: the same
reference with another amount, currency or fee. missing_at_processor: in the
ledger, unknown to the processor. missing_in_ledger: the processor moved money
the ledger does not know about."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from till.kernel.errors import Forbidden, ValidationFailed
from till.payments.core.access import Caller
from till.payments.core.gateway import Movement
from till.payments.core.ledger import Account, Kind, Posting
from till.payments.core.settlements import parse_day

MARGIN = timedelta(hours=1)
MAX_PERIOD = timedelta(days=31)
COMPARED = ("currency", "amount", "fee")


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValidationFailed("times need a UTC offset", param="from")
        if not self.start < self.end <= self.start + MAX_PERIOD:
            raise ValidationFailed(
                "`from` must be before `to`, at most 31 days apart", param="to"
            )

    @classmethod
    def of_day(cls, day: date) -> "Period":
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return cls(start, start + timedelta(days=1))

    def holds(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def widened(self) -> tuple[datetime, datetime]:
        return self.start - MARGIN, self.end + MARGIN


@dataclass(frozen=True, slots=True)
class Findings:
    matched: list[str] = field(default_factory=list)
    missing_at_processor: list[dict[str, object]] = field(default_factory=list)
    missing_in_ledger: list[dict[str, object]] = field(default_factory=list)
    mismatched: list[dict[str, object]] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return (
            len(self.missing_at_processor)
            + len(self.missing_in_ledger)
            + len(self.mismatched)
        )


def period_from(day: str | None, start: str | None, end: str | None) -> Period:
    """`{date}` (a UTC day) or `{from, to}` (RFC 3339 times with offsets)."""
    if day is not None:
        if start is not None or end is not None:
            raise ValidationFailed("give `date` or `from` and `to`", param="date")
        return Period.of_day(parse_day(day))
    if start is None or end is None:
        raise ValidationFailed("give `date` or both `from` and `to`", param="from")
    return Period(_instant(start, "from"), _instant(end, "to"))


def _instant(text: str, param: str) -> datetime:
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"`{param}` must be an RFC 3339 time", param=param
        ) from None
    if found.tzinfo is None:
        raise ValidationFailed(f"`{param}` needs a UTC offset", param=param)
    return found.astimezone(UTC)


def report_document(
    report_id: str, period: Period, findings: Findings, at: datetime
) -> dict[str, Any]:
    """The stored and returned report (`GET /v1/reports/reconciliations/{id}`)."""
    return {
        "id": report_id,
        "object": "reconciliation",
        "period": {"start": period.start, "end": period.end},
        "created_at": at,
        "counts": {
            "matched": len(findings.matched),
            "missing_at_processor": len(findings.missing_at_processor),
            "missing_in_ledger": len(findings.missing_in_ledger),
            "mismatched": len(findings.mismatched),
        },
        "matched": findings.matched,
        "missing_at_processor": findings.missing_at_processor,
        "missing_in_ledger": findings.missing_in_ledger,
        "mismatched": findings.mismatched,
    }


def movement_of(posting: Posting) -> Movement | None:
    """A capture or refund posting as the ledger's side of a movement (what
    the PostgreSQL ledger's `movements` query computes)."""
    if posting.kind is Kind.PAYOUT:
        return None
    amount = fee = 0
    for entry in posting.entries:
        if entry.account is Account.SALES:
            amount -= entry.amount
        elif entry.account is Account.REFUNDS:
            amount += entry.amount
        elif entry.account is Account.PROCESSING_FEES:
            fee += entry.amount
    kind = "charge" if posting.kind is Kind.CAPTURE else "refund"
    payment_id = posting.source[0]
    reference = posting.reference or payment_id
    return Movement(
        kind, reference, posting.currency, amount, fee, posting.at, payment_id
    )


def require_admin(caller: Caller) -> None:
    if not caller.admin:
        raise Forbidden("only an admin may reconcile")


def _key(movement: Movement) -> tuple[str, str]:
    return movement.kind, movement.reference


def _brief(movement: Movement) -> dict[str, object]:
    found: dict[str, object] = {
        "kind": movement.kind,
        "reference": movement.reference,
        "currency": movement.currency,
        "amount": movement.amount,
        "fee": movement.fee,
    }
    if movement.payment_id is not None:
        found["payment_id"] = movement.payment_id
    return found


def reconcile(
    period: Period, ledger: list[Movement], processor: list[Movement]
) -> Findings:
    findings = Findings()
    theirs = {_key(m): m for m in processor}
    ours = {_key(m) for m in ledger}
    for mine in sorted(ledger, key=lambda m: (m.at, m.reference)):
        if not period.holds(mine.at):
            continue
        twin = theirs.get(_key(mine))
        if twin is None:
            findings.missing_at_processor.append(_brief(mine))
            continue
        differ = {
            name: {"ledger": getattr(mine, name), "processor": getattr(twin, name)}
            for name in COMPARED
            if getattr(mine, name) != getattr(twin, name)
        }
        if differ:
            findings.mismatched.append(_brief(mine) | {"differences": differ})
        else:
            findings.matched.append(mine.reference)
    for other in sorted(processor, key=lambda m: (m.at, m.reference)):
        if period.holds(other.at) and _key(other) not in ours:
            findings.missing_in_ledger.append(_brief(other))
    return findings
