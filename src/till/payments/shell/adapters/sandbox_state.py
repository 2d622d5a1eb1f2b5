"""The sandbox processor's state: its charges, and the answer it gave under
each idempotency key. A processor is one service however many till processes
call it: a retry after an unknown outcome, a refund or the janitor's lookup
may come through another process than the charge did, and must find the
charge (and its answer) there. So the app keeps the state in PostgreSQL
(`postgres_sandbox_state.py`); `MemorySandboxState` is for unit tests.

Every call is decided by a pure function of the charge (`Decide`) that the
state applies atomically with storing the answer: two calls on one charge, or
under one key, never interleave."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from till.kernel.money import Money
from till.payments.core.gateway import GatewayRejected, GatewayResult, Movement, Outcome


@dataclass(frozen=True, slots=True)
class Charge:
    reference: str
    payment_id: str
    status: Outcome
    amount: Money
    captured: Money
    refunded: Money
    decline_code: str | None = None
    settles_at: datetime | None = None
    voided: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """What one call did: the charge's new state (None: none to store), the
    answer, and the money it moved (for the processor's book)."""

    charge: Charge | None
    result: GatewayResult
    moved: tuple[Movement, ...] = ()


# A call on an existing charge (None: no such charge); raises GatewayRejected
# to refuse, and then nothing is stored.
Decide = Callable[[Charge | None], Change]


class SandboxState(Protocol):
    async def open(
        self, key: str, fingerprint: bytes, change: Change
    ) -> tuple[GatewayResult, bool]:
        """Store a new charge (`change.charge`) and its answer under `key` —
        unless the key has an answer already: that answer, and False."""

    async def apply(
        self, key: str | None, fingerprint: bytes, reference: str, decide: Decide
    ) -> tuple[Change, bool]:
        """Under the charge's lock: the key's answer if it has one (False),
        else `decide(charge)` with its new state and answer stored (True).
        `key` None: no idempotency (a lookup), always decided."""


class KeyReused(GatewayRejected):
    def __init__(self) -> None:
        super().__init__("idempotency key reused with other parameters")


def replayed(known: tuple[bytes, GatewayResult], fingerprint: bytes) -> GatewayResult:
    """The stored answer, if it was given to the same parameters."""
    recorded, result = known
    if recorded != fingerprint:
        raise KeyReused()
    return result


class MemorySandboxState:
    """One process's state (unit tests): nothing is shared."""

    def __init__(self) -> None:
        self.charges: dict[str, Charge] = {}
        self.answers: dict[str, tuple[bytes, GatewayResult]] = {}

    async def open(
        self, key: str, fingerprint: bytes, change: Change
    ) -> tuple[GatewayResult, bool]:
        if key in self.answers:
            return replayed(self.answers[key], fingerprint), False
        if change.charge is not None:
            self.charges[change.charge.reference] = change.charge
        self.answers[key] = (fingerprint, change.result)
        return change.result, True

    async def apply(
        self, key: str | None, fingerprint: bytes, reference: str, decide: Decide
    ) -> tuple[Change, bool]:
        if key is not None and key in self.answers:
            return Change(None, replayed(self.answers[key], fingerprint)), False
        change = decide(self.charges.get(reference))
        if change.charge is not None:
            self.charges[reference] = change.charge
        if key is not None:
            self.answers[key] = (fingerprint, change.result)
        return change, True
