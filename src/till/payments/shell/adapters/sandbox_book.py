"""The sandbox processor's own record of money moved (captured charges and
refunds), which it answers `transactions` from, as Stripe answers from its
balance transactions. `MemorySandboxBook` lives as long as the sandbox (unit
tests); `PostgresSandboxBook` keeps it in PostgreSQL so a reconciliation run
in any process, or after a restart, sees it."""

from datetime import datetime
from typing import Protocol

from till.payments.core.gateway import Movement


class SandboxBook(Protocol):
    def add(self, movement: Movement) -> None:
        """Note a movement (no I/O: called on the processor's hot path)."""

    async def between(self, start: datetime, end: datetime) -> list[Movement]: ...


class MemorySandboxBook:
    def __init__(self) -> None:
        self.movements: list[Movement] = []

    def add(self, movement: Movement) -> None:
        self.movements.append(movement)

    async def between(self, start: datetime, end: datetime) -> list[Movement]:
        return [m for m in self.movements if start <= m.at < end]
