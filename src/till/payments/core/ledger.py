"""The double-entry ledger, from the merchant's side: what money moved, as
balanced postings. A pure function of the payment events (`postings_for`), so
replaying a stream posts the same figures, and a posting names the event it
came from (payment id, stream version): it can be written only once.

Chart of accounts, per currency. Amounts are signed minor units: a debit is
positive, a credit negative, and every posting sums to zero.
    processor_balance  asset    money held for us at the processor
    sales              revenue  captured amounts (credit-normal)
    refunds            contra-revenue, money given back (debit-normal)
    processing_fees    expense  what the processor kept
    bank               asset    payouts of settled days

Only money that moved posts: a capture (`payment.completed`, with its fee), a
completed refund, a payout. Authorisations, reservations and failures post
nothing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from till.payments.core import events as ev
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment


class Account(StrEnum):
    PROCESSOR_BALANCE = "processor_balance"
    SALES = "sales"
    REFUNDS = "refunds"
    PROCESSING_FEES = "processing_fees"
    BANK = "bank"


class Kind(StrEnum):
    CAPTURE = "capture"
    REFUND = "refund"
    PAYOUT = "payout"


@dataclass(frozen=True, slots=True)
class Entry:
    account: Account
    amount: int  # signed minor units: + debit, − credit; never zero

    def __post_init__(self) -> None:
        if type(self.amount) is not int or self.amount == 0:
            raise ValueError("a ledger entry moves a non-zero integer amount")


@dataclass(frozen=True, slots=True)
class Posting:
    """One ledger transaction: balanced entries in one currency. `source` is
    what it came from: a payment event (`pay_…`, version) or a settlement
    (`stl_…`, 0); each source posts once. `reference` is the processor's id
    for the money movement (the charge, the refund), for reconciliation."""

    kind: Kind
    currency: str
    at: datetime
    source: tuple[str, int]
    entries: tuple[Entry, ...]
    reference: str | None = None

    def __post_init__(self) -> None:
        if len(self.entries) < 2 or sum(e.amount for e in self.entries) != 0:
            raise ValueError(f"unbalanced {self.kind} posting for {self.source}")


def _move(debit: Account, credit: Account, amount: int) -> tuple[Entry, ...]:
    return () if amount == 0 else (Entry(debit, amount), Entry(credit, -amount))


def postings_for(
    after: Payment, before_version: int, events: Iterable[PaymentEvent]
) -> list[Posting]:
    """The postings of `events`, appended to a payment's stream after
    `before_version` (the first is at `before_version + 1`) and leading to
    `after`."""
    found = []
    code = after.currency.code
    for version, event in enumerate(events, start=before_version + 1):
        source = (event.payment_id, version)
        reference = event.data.get("reference")
        if event.type == ev.COMPLETED and event.amount > 0:
            fee = int(event.data.get("fee") or 0)
            entries = _move(
                Account.PROCESSOR_BALANCE, Account.SALES, event.amount
            ) + _move(Account.PROCESSING_FEES, Account.PROCESSOR_BALANCE, fee)
            charge = reference or after.gateway_reference
            found.append(Posting(Kind.CAPTURE, code, event.at, source, entries, charge))
        elif event.type == ev.REFUND_COMPLETED and event.amount > 0:
            entries = _move(Account.REFUNDS, Account.PROCESSOR_BALANCE, event.amount)
            found.append(
                Posting(Kind.REFUND, code, event.at, source, entries, reference)
            )
    return found


def payout(settlement_id: str, currency: str, net: int, at: datetime) -> Posting | None:
    """Moving a settled day's net from the processor to the bank (a negative
    net — more refunded than sold — flows back); nothing for a zero net."""
    if net == 0:
        return None
    entries = _move(Account.BANK, Account.PROCESSOR_BALANCE, net)
    return Posting(Kind.PAYOUT, currency, at, (settlement_id, 0), entries)


def balances(postings: Iterable[Posting]) -> dict[tuple[str, Account], int]:
    """Debit-positive balance per (currency, account)."""
    totals: dict[tuple[str, Account], int] = {}
    for posting in postings:
        for entry in posting.entries:
            key = (posting.currency, entry.account)
            totals[key] = totals.get(key, 0) + entry.amount
    return totals
