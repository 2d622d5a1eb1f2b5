"""The sandbox payment processor: the embedded default `PaymentGatewayPort`.

Deterministic, shaped like Stripe's test mode. The card number
chooses the answer: the API.md test cards in `DECLINING_CARDS` decline, any other
number succeeds, and two more simulate the network: `TIMEOUT_AFTER_PROCESSING_CARD`
is processed, then raises `GatewayOutcomeUnknown` (a retry with the same key
replays the answer); `UNAVAILABLE_CARD` raises `GatewayUnavailable`, nothing done.
Bank transfers stay pending for `bank_transfer_delay` seconds of the clock.

It keeps its own book of money moved (captures and refunds, with the fee it
charges: Stripe's list price, told in each answer) for `transactions`, the
reconciliation's processor side. Each mutating call is recorded under its
idempotency key: the same key with the same parameters replays the first
answer; with others it is rejected. Its charges and answers live in a
`SandboxState`, shared by every process in an app (PostgreSQL), as a real
processor is one service for all of them. For load and chaos tests, `latency`
delays every call and `unavailable_rate` / `timeout_rate` inject those two
failures, drawn from `rng`.
"""

import asyncio
import hashlib
import random
import secrets
from dataclasses import astuple, replace
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
from till.payments.shell.adapters.sandbox_state import (
    Change,
    Charge,
    Decide,
    MemorySandboxState,
    SandboxState,
)

DECLINING_CARDS = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
}
TIMEOUT_AFTER_PROCESSING_CARD = "4000000000000259"
UNAVAILABLE_CARD = "4000000000000341"


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
        state: SandboxState | None = None,
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
        self.book = book or MemorySandboxBook()
        self.state = state or MemorySandboxState()

    async def authorize(self, request: ChargeRequest) -> GatewayResult:
        card = request.secret if request.method_type == "card" else None
        # The fingerprint keeps a digest of the card number, never the number.
        secret = hashlib.sha256(request.secret.encode()).hexdigest()
        fingerprint = _digest(
            ("authorize", secret, *astuple(replace(request, secret="")))
        )
        timed_out = await self._network(card)
        change = self._open(request)
        result, fresh = await self.state.open(
            request.idempotency_key, fingerprint, change
        )
        if fresh:
            self._note(change.moved)
        if timed_out or (fresh and card == TIMEOUT_AFTER_PROCESSING_CARD):
            raise GatewayOutcomeUnknown("the sandbox timed out after processing")
        return result

    async def capture(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        decide = partial(self._capture, amount)
        return await self._mutate(idempotency_key, "capture", reference, decide, amount)

    async def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        return await self._mutate(idempotency_key, "void", reference, self._void)

    async def refund(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        decide = partial(self._refund, amount)
        return await self._mutate(idempotency_key, "refund", reference, decide, amount)

    async def lookup(self, reference: str) -> GatewayResult:
        if await self._network():
            raise GatewayOutcomeUnknown("the sandbox timed out")
        change, _ = await self.state.apply(None, b"", reference, self._looked_up)
        self._note(change.moved)
        return change.result

    async def transactions(self, start: datetime, end: datetime) -> list[Movement]:
        return await self.book.between(start, end)

    async def _mutate(
        self, key: str, name: str, reference: str, decide: Decide, *args: object
    ) -> GatewayResult:
        fingerprint = _digest((name, reference, *args))
        timed_out = await self._network()
        change, fresh = await self.state.apply(key, fingerprint, reference, decide)
        if fresh:
            self._note(change.moved)
        if timed_out:
            raise GatewayOutcomeUnknown("the sandbox timed out after processing")
        return change.result

    def _note(self, moved: tuple[Movement, ...]) -> None:
        for movement in moved:
            self.book.add(movement)

    def _moved(self, kind: str, reference: str, amount: Money) -> tuple[Movement, int]:
        """A movement for the book, and the fee (a charge's) for the answer."""
        fee = _fee(amount) if kind == "charge" else 0
        movement = Movement(
            kind, reference, amount.currency.code, amount.amount, fee, self._clock.now()
        )
        return movement, fee

    async def _network(self, card: str | None = None) -> bool:
        """Waits `latency`, raises the injected unavailability (nothing is
        processed); True when this call is to time out after processing."""
        if self._latency > 0:
            await asyncio.sleep(self._latency)
        draw = self._rng.random()
        if card == UNAVAILABLE_CARD or draw < self._unavailable_rate:
            raise GatewayUnavailable()
        return draw < self._unavailable_rate + self._timeout_rate

    def _open(self, request: ChargeRequest) -> Change:
        reference = f"sbx_ch_{secrets.token_hex(12)}"
        zero = Money.zero(request.amount.currency)
        charge = Charge(
            reference, request.payment_id, Outcome.SUCCEEDED,
            request.amount, request.amount, zero,
        )  # fmt: skip
        if request.method_type == "bank_transfer":
            settles_at = self._clock.now() + self._transfer_delay
            charge = replace(
                charge, status=Outcome.PENDING, captured=zero, settles_at=settles_at
            )
        elif request.method_type != "card":
            raise GatewayRejected("unsupported payment method type")
        elif request.secret in DECLINING_CARDS:
            code = DECLINING_CARDS[request.secret]
            charge = replace(
                charge, status=Outcome.DECLINED, captured=zero, decline_code=code
            )
        elif not request.capture:
            charge = replace(charge, status=Outcome.REQUIRES_CAPTURE, captured=zero)
        if charge.status is not Outcome.SUCCEEDED:
            result = GatewayResult(charge.status, reference, charge.decline_code)
            return Change(charge, result)
        movement, fee = self._moved("charge", reference, charge.captured)
        return Change(
            charge, GatewayResult(charge.status, reference, fee=fee), (movement,)
        )

    def _capture(self, amount: Money, found: Charge | None) -> Change:
        charge, moved = self._uncaptured(found)
        if not _within(amount, charge.amount):
            raise GatewayRejected("capture amount is not within the authorised one")
        movement, fee = self._moved("charge", charge.reference, amount)
        captured = replace(charge, status=Outcome.SUCCEEDED, captured=amount)
        result = GatewayResult(Outcome.SUCCEEDED, charge.reference, fee=fee)
        return Change(captured, result, (*moved, movement))

    def _void(self, found: Charge | None) -> Change:
        charge, moved = self._uncaptured(found)
        result = GatewayResult(Outcome.SUCCEEDED, charge.reference)
        return Change(replace(charge, voided=True), result, moved)

    def _refund(self, amount: Money, found: Charge | None) -> Change:
        charge, moved = self._settled(found)
        if charge.status is not Outcome.SUCCEEDED:
            raise GatewayRejected("only a captured charge can be refunded")
        if not _within(amount, charge.captured - charge.refunded):
            raise GatewayRejected("refund amount is not within the refundable one")
        reference = f"sbx_re_{secrets.token_hex(12)}"
        movement, _ = self._moved("refund", reference, amount)
        refunded = replace(charge, refunded=charge.refunded + amount)
        result = GatewayResult(Outcome.SUCCEEDED, reference)
        return Change(refunded, result, (*moved, movement))

    def _looked_up(self, found: Charge | None) -> Change:
        charge, moved = self._settled(found)
        if charge.voided:
            result = GatewayResult(Outcome.DECLINED, charge.reference, message="voided")
        else:
            fee = _fee(charge.captured) if charge.status is Outcome.SUCCEEDED else None
            result = GatewayResult(
                charge.status, charge.reference, charge.decline_code, fee=fee
            )
        return Change(charge if moved else None, result, moved)

    def _uncaptured(self, found: Charge | None) -> tuple[Charge, tuple[Movement, ...]]:
        charge, moved = self._settled(found)
        if charge.status is not Outcome.REQUIRES_CAPTURE or charge.voided:
            raise GatewayRejected("the charge is not an uncaptured authorisation")
        return charge, moved

    def _settled(self, found: Charge | None) -> tuple[Charge, tuple[Movement, ...]]:
        """The charge, its bank transfer settled if the delay has passed (and
        the money that moved then)."""
        if found is None:
            raise GatewayRejected("no such charge")
        if found.settles_at is None or self._clock.now() < found.settles_at:
            return found, ()
        settled = replace(
            found, status=Outcome.SUCCEEDED, captured=found.amount, settles_at=None
        )
        movement, _ = self._moved("charge", found.reference, found.amount)
        return settled, (movement,)


def _digest(fingerprint: tuple[object, ...]) -> bytes:
    """What a key's answer was given to, comparable across processes."""
    return hashlib.sha256(repr(fingerprint).encode()).digest()


def _fee(amount: Money) -> int:
    return LIST_PRICE.fee_for(amount.amount)


def _within(amount: Money, limit: Money) -> bool:
    """A positive amount in the limit's currency, not above it."""
    return amount.currency == limit.currency and 0 < amount.amount <= limit.amount
