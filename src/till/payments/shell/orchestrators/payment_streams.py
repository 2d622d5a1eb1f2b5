"""Live payment status (`WS /v1/payments/{id}/stream`): each process keeps the
open streams by payment id and wakes them when the payment changes, here or in
another process (the cache invalidation that every command sends is the
signal, fanned out through Redis pub/sub)."""

import asyncio
from collections.abc import AsyncIterator

from till.payments.core.access import Caller
from till.payments.shell.orchestrators.payment_queries import PaymentQueries

PREFIX = "payment:"


class PaymentStreams:
    def __init__(self, queries: PaymentQueries) -> None:
        self.queries = queries
        self._waiting: dict[str, set[asyncio.Event]] = {}

    def changed(self, keys: list[str]) -> None:
        """A cache listener: wake the streams of the payments named."""
        for key in keys:
            if key.startswith(PREFIX):
                for event in self._waiting.get(key[len(PREFIX) :], ()):
                    event.set()

    async def follow(self, caller: Caller, payment_id: str) -> AsyncIterator[bytes]:
        """The payment as JSON now, then after every change (visibility checked
        first: NotFound for a payment the caller may not see)."""
        woken = asyncio.Event()
        self._waiting.setdefault(payment_id, set()).add(woken)
        try:
            yield await self.queries.payment_document(caller, payment_id)
            while True:
                await woken.wait()
                woken.clear()
                yield await self.queries.payment_document(caller, payment_id)
        finally:
            waiting = self._waiting.get(payment_id, set())
            waiting.discard(woken)
            if not waiting:
                self._waiting.pop(payment_id, None)
