"""The janitor: settles payments whose processor answer went missing — a charge
left `processing` (timeout, crash, a client that never retried), a capture or
void left `pending_operation`. It asks again under the same processor key (or
looks the charge up once the processor gave a reference), so nothing is ever
charged twice, and records only real answers: an unreachable processor adds
nothing to the stream, the next pass tries again."""

from datetime import datetime, timedelta
from typing import Protocol

import structlog

from till.kernel.clock import Clock
from till.kernel.errors import DomainError
from till.kernel.money import Money
from till.payments.core import events as ev
from till.payments.core.gateway import (
    GatewayOutcomeUnknown,
    GatewayResult,
    Outcome,
)
from till.payments.core.models import Payment, Status
from till.payments.core.use_cases import cancel, capture, charge
from till.payments.shell.orchestrators.processor_operations import (
    ProcessorOperations,
)
from till.payments.shell.orchestrators.unit_of_work import (
    NO_KEY,
    PaymentsUnit,
    PaymentsUnitFactory,
    settled_unit,
)

log = structlog.get_logger("till.payments.janitor")


class WaitingPayments(Protocol):
    async def waiting_on_processor(
        self, before: datetime, limit: int
    ) -> list[Payment]: ...


class PaymentJanitor:
    def __init__(
        self,
        units: PaymentsUnitFactory,
        moves: ProcessorOperations,
        waiting: WaitingPayments,
        clock: Clock,
        grace_seconds: float = 60.0,
    ) -> None:
        self.units = units
        self.moves = moves
        self.waiting = waiting
        self.clock = clock
        self.grace = timedelta(seconds=grace_seconds)

    async def run_once(self, limit: int = 100) -> int:
        """Settle what it can; the number of payments settled."""
        stuck = await self.waiting.waiting_on_processor(
            self.clock.now() - self.grace, limit
        )
        settled = 0
        for payment in stuck:
            try:
                settled += await self._resolve(payment)
            except (DomainError, GatewayOutcomeUnknown) as error:
                log.info(
                    "janitor_left", payment_id=payment.id, why=type(error).__name__
                )
        return settled

    async def _resolve(self, payment: Payment) -> int:
        async with settled_unit(self.units) as unit:
            if payment.status is Status.PROCESSING:
                result = await self._charge_answer(payment)
                if result is None or (
                    result.outcome is Outcome.PENDING and (payment.gateway_reference)
                ):
                    return 0  # still no answer: nothing to record

                def decide(p: Payment) -> tuple[Payment, list[ev.PaymentEvent]]:
                    if p.status is not Status.PROCESSING:
                        return p, []
                    return charge.settle_charge(
                        p, result, self.clock.now(), self.moves.fees
                    )

                await self.moves.settle(unit, payment, decide, NO_KEY)
                return 1
            return await self._finish_operation(unit, payment)

    async def _charge_answer(self, payment: Payment) -> GatewayResult | None:
        gateway = self.moves.routes.gateway(payment.gateway)
        if payment.gateway_reference:  # the processor gave an id: ask about it
            return await gateway.lookup(payment.gateway_reference)
        found = await self.moves.vault.get_with_secret(payment.payment_method or "")
        if found is None:
            return None
        try:
            return await gateway.authorize(charge.charge_request(payment, *found))
        except GatewayOutcomeUnknown:
            return None

    async def _finish_operation(self, unit: PaymentsUnit, payment: Payment) -> int:
        gateway = self.moves.routes.gateway(payment.gateway)
        reference = payment.gateway_reference or ""
        if payment.pending_operation == "capture":
            amount = await _requested_amount(unit, payment)
            result = await gateway.capture(
                reference, Money(amount, payment.currency), capture.capture_key(payment)
            )
            if result.outcome is not Outcome.SUCCEEDED:
                return 0
            await self.moves.settle(
                unit,
                payment,
                lambda p: capture.settle_capture(
                    p, amount, self.clock.now(), result, self.moves.fees
                ),
                NO_KEY,
            )
            return 1
        if payment.pending_operation == "void":
            result = await gateway.void(reference, cancel.void_key(payment))
            if result.outcome is not Outcome.SUCCEEDED:
                return 0
            await self.moves.settle(
                unit, payment, lambda p: p.cancel(self.clock.now()), NO_KEY
            )
            return 1
        return 0


async def _requested_amount(unit: PaymentsUnit, payment: Payment) -> int:
    """The amount of the capture on record (the newest request)."""
    for event in reversed(await unit.events(payment.id)):
        if event.type == ev.PROCESSOR_PENDING and event.data.get("operation"):
            return event.amount
    return payment.amount_capturable
