"""Scoring a payment before the processor is asked, and telling the counters
what the processor answered. Redis is what can be lost: when the signals cannot
be read the payment is scored without them (fail open, as Stripe Radar does
when it cannot score) and the log says so; a payment never fails because the
fraud counters are down."""

from dataclasses import dataclass

import structlog

from till.kernel.clock import Clock
from till.payments.core.fraud import (
    AllowList,
    Attempt,
    FraudRules,
    Risk,
    Signals,
    assess,
    card_fingerprint,
)
from till.payments.core.models import Payment, Status
from till.payments.core.ports import FraudSignalsPort
from till.payments.core.use_cases.review import FRAUD_SUSPECTED

log = structlog.get_logger("till.payments.fraud")


@dataclass(frozen=True, slots=True)
class FraudPolicy:
    rules: FraudRules
    allowed: AllowList
    fingerprint_key: bytes


class FraudScreening:
    def __init__(
        self, signals: FraudSignalsPort, policy: FraudPolicy, clock: Clock
    ) -> None:
        self.signals = signals
        self.policy = policy
        self.clock = clock

    def attempt(self, payment: Payment, secret: str, ip: str | None) -> Attempt:
        return Attempt(
            payment_id=payment.id,
            amount=payment.amount.amount,
            currency=payment.currency.code,
            customer_id=payment.customer_id,
            card=card_fingerprint(self.policy.fingerprint_key, secret),
            ip=ip,
        )

    async def assess(self, attempt: Attempt) -> Risk:
        try:
            signals = await self.signals.observe(attempt, self.clock.now())
        except Exception as error:  # fail open: scoring must not stop payments
            log.warning("fraud_signals_unavailable", error_type=type(error).__name__)
            signals = Signals()
        return assess(attempt, signals, self.policy.rules, self.policy.allowed)

    async def flagged(self, attempt: Attempt) -> None:
        try:
            await self.signals.flagged(attempt, self.clock.now())
        except Exception as error:  # the verdict is recorded; counters may lag
            log.warning("fraud_signals_unavailable", error_type=type(error).__name__)

    async def settled(self, attempt: Attempt, payment: Payment) -> None:
        """Feed the answer back: completed or authorised → history; declined by
        the processor → a decline. Held, blocked or unknown → nothing."""
        if payment.status in (Status.COMPLETED, Status.REQUIRES_CAPTURE):
            succeeded = True
        elif payment.status is Status.FAILED:
            if payment.failure_code == FRAUD_SUSPECTED:
                return
            succeeded = False
        else:
            return
        try:
            await self.signals.settled(
                attempt, succeeded, payment.amount.amount, self.clock.now()
            )
        except Exception as error:  # the payment is settled; counters may lag
            log.warning("fraud_signals_unavailable", error_type=type(error).__name__)
