"""Every processor call under one overall deadline, whatever the adapter's own
timeouts and retries: past it the outcome is unknown (the request may have been
processed), which the commands handle without charging twice."""

import asyncio
from collections.abc import Awaitable
from datetime import datetime

from till.kernel.money import Money
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayResult,
    GatewayUnavailable,
    Movement,
)
from till.payments.core.ports import PaymentGatewayPort


class DeadlineGateway:
    def __init__(self, gateway: PaymentGatewayPort, seconds: float) -> None:
        self.gateway = gateway
        self.seconds = seconds
        self.name = gateway.name

    async def _within(self, call: Awaitable[GatewayResult]) -> GatewayResult:
        try:
            async with asyncio.timeout(self.seconds):
                return await call
        except TimeoutError:
            raise GatewayOutcomeUnknown(
                f"{self.name} did not answer within {self.seconds} s"
            ) from None

    async def authorize(self, request: ChargeRequest) -> GatewayResult:
        return await self._within(self.gateway.authorize(request))

    async def capture(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        return await self._within(
            self.gateway.capture(reference, amount, idempotency_key)
        )

    async def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        return await self._within(self.gateway.void(reference, idempotency_key))

    async def refund(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        return await self._within(
            self.gateway.refund(reference, amount, idempotency_key)
        )

    async def lookup(self, reference: str) -> GatewayResult:
        try:
            return await self._within(self.gateway.lookup(reference))
        except GatewayOutcomeUnknown as error:  # a read: nothing can have moved
            raise GatewayUnavailable(str(error)) from None

    async def transactions(self, start: datetime, end: datetime) -> list[Movement]:
        """A read (for reconciliation): a timeout means nothing, try later."""
        try:
            async with asyncio.timeout(self.seconds):
                return await self.gateway.transactions(start, end)
        except TimeoutError:
            raise GatewayUnavailable(
                f"{self.name} did not list its transactions within {self.seconds} s"
            ) from None
