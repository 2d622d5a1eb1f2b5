"""The sandbox payment processor: the embedded default `PaymentGatewayPort`.

Deterministic and in memory, shaped like Stripe's test mode. The card number
chooses the answer: the API.md test cards in `DECLINING_CARDS` decline, any other
number succeeds, and two more simulate the network: `TIMEOUT_AFTER_PROCESSING_CARD`
is processed, then raises `GatewayOutcomeUnknown` (a retry with the same key
replays the answer); `UNAVAILABLE_CARD` raises `GatewayUnavailable`, nothing done.
Bank transfers stay pending for `bank_transfer_delay` seconds of the clock.

It keeps its own book of money moved (captures and refunds, with the fee it
charges: Stripe's list price, told in each answer) for `transactions`, the
reconciliation's processor side. Each mutating call is recorded under its
idempotency key: the same key with the same parameters replays the first
answer; with others it is rejected. For load
and chaos tests, `latency` delays every call and `unavailable_rate` /
`timeout_rate` inject those two failures, drawn from `rng`.
"""

import asyncio
import hashlib
import random
import secrets
from collections.abc import Callable
from dataclasses import astuple, dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from till.kernel.clock import Clock
from till.kernel.money import Money
from till.payments.core.fees import LIST_PRICE
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayResult,
    GatewayUnavailable,
    Movement,
    Outcome,
)
from till.payments.shell.adapters.sandbox_book import MemorySandboxBook, SandboxBook

DECLINING_CARDS = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
}
TIMEOUT_AFTER_PROCESSING_CARD = "4000000000000259"
UNAVAILABLE_CARD = "4000000000000341"


@dataclass(slots=True)
class _Charge:
    status: Outcome
    amount: Money
    captured: Money
    refunded: Money
    decline_code: str | None = None
    settles_at: datetime | None = None
    voided: bool = False


class SandboxGateway:
    name = "sandbox"

    def __init__(
        self,
        clock: Clock,
        *,
        bank_transfer_delay: float = 5.0,
        latency: float = 0.0,
        timeout_rate: float = 0.0,
        unavailable_rate: float = 0.0,
        rng: random.Random | None = None,
        book: SandboxBook | None = None,
    ) -> None:
        rates = (timeout_rate, unavailable_rate)
        if min(bank_transfer_delay, latency, *rates) < 0 or sum(rates) > 1:
            raise ValueError("sandbox delays and rates must be ≥ 0, rates sum ≤ 1")
        self._clock = clock
        self._transfer_delay = timedelta(seconds=bank_transfer_delay)
        self._latency = latency
        self._timeout_rate = timeout_rate
        self._unavailable_rate = unavailable_rate
        # Fault injection, not security: a seeded Random makes chaos tests repeat.
        self._rng = rng or random.Random()  # noqa: S311
        self._charges: dict[str, _Charge] = {}
        self.book = book or MemorySandboxBook()
        self._answers: dict[str, tuple[tuple[object, ...], GatewayResult]] = {}

    async def authorize(self, request: ChargeRequest) -> GatewayResult:
        card = request.secret if request.method_type == "card" else None
        # The fingerprint keeps a digest of the card number, never the number.
        secret = hashlib.sha256(request.secret.encode()).hexdigest()
        fingerprint = ("authorize", secret, *astuple(replace(request, secret="")))
        return await self._call(
            request.idempotency_key, fingerprint, partial(self._open, request), card
        )

    async def capture(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        return await self._mutate(idempotency_key, self._capture, reference, amount)

    async def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        return await self._mutate(idempotency_key, self._void, reference)

    async def refund(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        return await self._mutate(idempotency_key, self._refund, reference, amount)

    async def lookup(self, reference: str) -> GatewayResult:
        if await self._network():
            raise GatewayOutcomeUnknown("the sandbox timed out")
        charge = self._charge(reference)
        if charge.voided:
            return GatewayResult(Outcome.DECLINED, reference, message="voided")
        fee = _fee(charge.captured) if charge.status is Outcome.SUCCEEDED else None
        return GatewayResult(charge.status, reference, charge.decline_code, fee=fee)

    async def transactions(self, start: datetime, end: datetime) -> list[Movement]:
        return await self.book.between(start, end)

    def _moved(self, kind: str, reference: str, amount: Money) -> int:
        """Into the book; the fee (a charge's) for the answer."""
        fee = _fee(amount) if kind == "charge" else 0
        self.book.add(
            Movement(
                kind,
                reference,
                amount.currency.code,
                amount.amount,
                fee,
                self._clock.now(),
            )
        )
        return fee

    async def _mutate(
        self, key: str, action: Callable[..., GatewayResult], *args: object
    ) -> GatewayResult:
        fingerprint = (action.__name__, *args)
        return await self._call(key, fingerprint, partial(action, *args))

    async def _call(
        self,
        key: str,
        fingerprint: tuple[object, ...],
        action: Callable[[], GatewayResult],
        card: str | None = None,
    ) -> GatewayResult:
        timed_out = await self._network(card)
        result, fresh = self._once(key, fingerprint, action)
        if timed_out or (fresh and card == TIMEOUT_AFTER_PROCESSING_CARD):
            raise GatewayOutcomeUnknown("the sandbox timed out after processing")
        return result

    async def _network(self, card: str | None = None) -> bool:
        """Waits `latency`, raises the injected unavailability (nothing is
        processed); True when this call is to time out after processing."""
        if self._latency > 0:
            await asyncio.sleep(self._latency)
        draw = self._rng.random()
        if card == UNAVAILABLE_CARD or draw < self._unavailable_rate:
            raise GatewayUnavailable()
        return draw < self._unavailable_rate + self._timeout_rate

    def _once(
        self,
        key: str,
        fingerprint: tuple[object, ...],
        action: Callable[[], GatewayResult],
    ) -> tuple[GatewayResult, bool]:
        """The recorded answer for `key` (False: a replay), or `action`'s."""
        if key in self._answers:
            recorded, result = self._answers[key]
            if recorded != fingerprint:
                raise GatewayRejected("idempotency key reused with other parameters")
            return result, False
        result = action()
        self._answers[key] = (fingerprint, result)
        return result, True

    def _open(self, request: ChargeRequest) -> GatewayResult:
        reference = f"sbx_ch_{secrets.token_hex(12)}"
        zero = Money.zero(request.amount.currency)
        charge = _Charge(Outcome.SUCCEEDED, request.amount, request.amount, zero)
        if request.method_type == "bank_transfer":
            charge.status = Outcome.PENDING
            charge.settles_at = self._clock.now() + self._transfer_delay
        elif request.method_type != "card":
            raise GatewayRejected("unsupported payment method type")
        elif request.secret in DECLINING_CARDS:
            charge.status = Outcome.DECLINED
            charge.decline_code = DECLINING_CARDS[request.secret]
        elif not request.capture:
            charge.status = Outcome.REQUIRES_CAPTURE
        fee = None
        if charge.status is not Outcome.SUCCEEDED:
            charge.captured = zero
        else:
            fee = self._moved("charge", reference, charge.captured)
        self._charges[reference] = charge
        return GatewayResult(charge.status, reference, charge.decline_code, fee=fee)

    def _capture(self, reference: str, amount: Money) -> GatewayResult:
        charge = self._uncaptured(reference)
        if not _within(amount, charge.amount):
            raise GatewayRejected("capture amount is not within the authorised one")
        charge.status, charge.captured = Outcome.SUCCEEDED, amount
        fee = self._moved("charge", reference, amount)
        return GatewayResult(Outcome.SUCCEEDED, reference, fee=fee)

    def _void(self, reference: str) -> GatewayResult:
        self._uncaptured(reference).voided = True
        return GatewayResult(Outcome.SUCCEEDED, reference)

    def _refund(self, reference: str, amount: Money) -> GatewayResult:
        charge = self._charge(reference)
        if charge.status is not Outcome.SUCCEEDED:
            raise GatewayRejected("only a captured charge can be refunded")
        if not _within(amount, charge.captured - charge.refunded):
            raise GatewayRejected("refund amount is not within the refundable one")
        charge.refunded += amount
        refund = f"sbx_re_{secrets.token_hex(12)}"
        self._moved("refund", refund, amount)
        return GatewayResult(Outcome.SUCCEEDED, refund)

    def _uncaptured(self, reference: str) -> _Charge:
        charge = self._charge(reference)
        if charge.status is not Outcome.REQUIRES_CAPTURE or charge.voided:
            raise GatewayRejected("the charge is not an uncaptured authorisation")
        return charge

    def _charge(self, reference: str) -> _Charge:
        """The charge, its bank transfer settled if the delay has passed."""
        charge = self._charges.get(reference)
        if charge is None:
            raise GatewayRejected("no such charge")
        if charge.settles_at is not None and self._clock.now() >= charge.settles_at:
            charge.status, charge.captured = Outcome.SUCCEEDED, charge.amount
            charge.settles_at = None
            self._moved("charge", reference, charge.amount)
        return charge


def _fee(amount: Money) -> int:
    return LIST_PRICE.fee_for(amount.amount)


def _within(amount: Money, limit: Money) -> bool:
    """A positive amount in the limit's currency, not above it."""
    return amount.currency == limit.currency and 0 < amount.amount <= limit.amount
