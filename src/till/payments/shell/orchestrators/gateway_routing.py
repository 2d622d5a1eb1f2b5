"""Which processor gets a payment, and a circuit breaker around each.

New payments go to the primary processor; while its breaker is open they go to
the fallback (when one is configured), and the choice is recorded on the
payment (its `processing` event names the processor). Everything later for a
payment (capture, void, refund, lookup) goes to the processor that charged it.
A call refused by an open breaker fails fast as `GatewayUnavailable`: nothing
was sent."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from prometheus_client import Gauge

from till.kernel.clock import Clock
from till.kernel.money import Money
from till.payments.core.breaker import Breaker, BreakerPolicy, BreakerState
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayResult,
    GatewayUnavailable,
)
from till.payments.core.ports import PaymentGatewayPort

BREAKER_OPEN = Gauge(
    "till_gateway_breaker_open", "1 while a processor's breaker is open", ["gateway"]
)
T = TypeVar("T")


class GatewayRouter:
    def __init__(
        self,
        processors: dict[str, PaymentGatewayPort],
        primary: str,
        fallback: str | None,
        policy: BreakerPolicy,
        clock: Clock,
    ) -> None:
        self.processors = processors
        self.primary = primary
        self.fallback = fallback
        self.policy = policy
        self.clock = clock
        self.breakers = {name: Breaker() for name in processors}

    def choose(self) -> str:
        """The processor for a new payment."""
        if self.fallback and self.breakers[self.primary].state is BreakerState.OPEN:
            _, allowed = self.breakers[self.primary].allows(
                self.policy, self.clock.now()
            )
            if not allowed:
                return self.fallback
        return self.primary

    def gateway(self, name: str | None) -> "GuardedGateway":
        """The processor that handles a payment (the primary if it has none)."""
        chosen = name or self.primary
        if chosen not in self.processors:
            raise GatewayUnavailable(f"processor {chosen!r} is not configured")
        return GuardedGateway(self, chosen)

    async def call(self, name: str, attempt: Callable[[], Awaitable[T]]) -> T:
        now = self.clock.now()
        breaker, allowed = self.breakers[name].allows(self.policy, now)
        self.breakers[name] = breaker
        if not allowed:
            raise GatewayUnavailable(f"{name} is failing; its circuit breaker is open")
        try:
            result = await attempt()
        except (GatewayUnavailable, GatewayOutcomeUnknown):
            self._record(name, answered=False)
            raise
        except Exception:
            self._record(name, answered=True)  # it answered, with a refusal
            raise
        self._record(name, answered=True)
        return result

    def _record(self, name: str, answered: bool) -> None:
        breaker = self.breakers[name].record(self.policy, answered, self.clock.now())
        self.breakers[name] = breaker
        BREAKER_OPEN.labels(name).set(int(breaker.state is not BreakerState.CLOSED))


class GuardedGateway:
    """PaymentGatewayPort for one processor, through its breaker."""

    def __init__(self, router: GatewayRouter, name: str) -> None:
        self.router = router
        self.name = name
        self.inner = router.processors[name]

    async def authorize(self, request: ChargeRequest) -> GatewayResult:
        return await self.router.call(self.name, lambda: self.inner.authorize(request))

    async def capture(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        return await self.router.call(
            self.name, lambda: self.inner.capture(reference, amount, idempotency_key)
        )

    async def void(self, reference: str, idempotency_key: str) -> GatewayResult:
        return await self.router.call(
            self.name, lambda: self.inner.void(reference, idempotency_key)
        )

    async def refund(
        self, reference: str, amount: Money, idempotency_key: str
    ) -> GatewayResult:
        return await self.router.call(
            self.name, lambda: self.inner.refund(reference, amount, idempotency_key)
        )

    async def lookup(self, reference: str) -> GatewayResult:
        return await self.router.call(self.name, lambda: self.inner.lookup(reference))
