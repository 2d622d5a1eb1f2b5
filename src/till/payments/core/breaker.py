"""A circuit breaker over a processor's recent calls, as values.

Closed: calls go through; when at least `min_calls` of the last `window` calls
are known and their failure rate reaches `failure_rate`, it opens. Open: calls
are refused for `open_seconds`, then one probe is let through (half-open); its
success closes the breaker, its failure opens it again. A processor that
answered (approved or declined) succeeded; one that was unreachable or silent
failed."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    window: int = 20
    min_calls: int = 10
    failure_rate: float = 0.5
    open_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class Breaker:
    state: BreakerState = BreakerState.CLOSED
    outcomes: tuple[bool, ...] = ()  # True: the processor answered
    opened_at: datetime | None = None
    probing: bool = False

    def allows(self, policy: BreakerPolicy, now: datetime) -> tuple["Breaker", bool]:
        """May a call go through now? (An open breaker past its time lets one
        probe through.)"""
        if self.state is BreakerState.CLOSED:
            return self, True
        if self.state is BreakerState.OPEN and self.opened_at is not None:
            if now - self.opened_at >= timedelta(seconds=policy.open_seconds):
                return replace(self, state=BreakerState.HALF_OPEN, probing=True), True
            return self, False
        if self.state is BreakerState.HALF_OPEN and not self.probing:
            return replace(self, probing=True), True
        return self, False

    def record(self, policy: BreakerPolicy, answered: bool, now: datetime) -> "Breaker":
        if self.state is BreakerState.HALF_OPEN:
            if answered:
                return Breaker()
            return Breaker(BreakerState.OPEN, (), now)
        outcomes = (*self.outcomes, answered)[-policy.window :]
        failures = outcomes.count(False)
        if (
            len(outcomes) >= policy.min_calls
            and failures / len(outcomes) >= policy.failure_rate
        ):
            return Breaker(BreakerState.OPEN, (), now)
        return replace(self, outcomes=outcomes)
