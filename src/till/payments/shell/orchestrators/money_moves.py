"""The steps that move money, shared by the payment commands: record, finish
(the last record, with the outbox rows and the idempotent response), settle
(finish, deciding again on a fresh state if another command appended after the
processor answered: the answer stands, the money has moved) and the charge
round trip. Capture, cancel and refund are in `processor_operations`."""

from collections.abc import Callable

from till.kernel.clock import Clock
from till.kernel.errors import NotFound
from till.kernel.idempotency import IdempotencyScope
from till.kernel.ids import new_id
from till.payments.core.commands import CommandOutcome, CommandResult
from till.payments.core.errors import StreamConflict
from till.payments.core.events import PaymentEvent
from till.payments.core.fees import FeeSchedule
from till.payments.core.gateway import (
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayResult,
    GatewayUnavailable,
    Outcome,
)
from till.payments.core.models import Payment, Status
from till.payments.core.notifications import notifications_for
from till.payments.core.payment_methods import PaymentMethod
from till.payments.core.ports import PaymentMethodVaultPort
from till.payments.core.use_cases import charge
from till.payments.shell.orchestrators.gateway_routing import GatewayRouter
from till.payments.shell.orchestrators.outcome_metrics import count_outcomes
from till.payments.shell.orchestrators.unit_of_work import PaymentsUnit

UNKNOWN = (
    "the processor did not answer in time; the payment is on record and nothing "
    "is charged twice: retry with the same Idempotency-Key"
)
SETTLE_ATTEMPTS = 5
Decision = Callable[[Payment], tuple[Payment, list[PaymentEvent]]]


class MoneyMoves:
    def __init__(
        self,
        routes: GatewayRouter,
        vault: PaymentMethodVaultPort,
        clock: Clock,
        refund_mfa_threshold: int,
        fees: FeeSchedule,
    ) -> None:
        self.routes = routes
        self.vault = vault
        self.clock = clock
        self.refund_mfa_threshold = refund_mfa_threshold
        self.fees = fees  # when the processor does not say what it kept

    async def record(
        self,
        unit: PaymentsUnit,
        before: int,
        after: Payment,
        events: list[PaymentEvent],
    ) -> None:
        ids = [new_id("evt") for _ in events]
        unit.publish(notifications_for(after, events, ids))
        await unit.record(before, after, events)
        count_outcomes(after, events)  # committed: a record is its own transaction

    async def finish(
        self,
        unit: PaymentsUnit,
        before: int,
        after: Payment,
        events: list[PaymentEvent],
        idempotency: IdempotencyScope,
        result: CommandResult | None = None,
    ) -> CommandOutcome:
        shown = after if result is None else result
        response = idempotency.render(shown)
        unit.respond(idempotency.caller, idempotency.key, response)
        await self.record(unit, before, after, events)
        return CommandOutcome(shown, response)

    async def settle(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        decide: Decision,
        idempotency: IdempotencyScope,
        shown: Callable[[Payment], CommandResult] = lambda after: after,
    ) -> CommandOutcome:
        """Record what the processor answered. If another command appended in
        the meantime (a concurrent refund), reload and decide again."""
        for attempt in range(SETTLE_ATTEMPTS):
            after, events = decide(payment)
            try:
                return await self.finish(
                    unit, payment.version, after, events, idempotency, shown(after)
                )
            except StreamConflict:
                reloaded = await unit.load(payment.id)
                if reloaded is None or attempt == SETTLE_ATTEMPTS - 1:
                    raise
                payment = reloaded
        raise AssertionError("unreachable")  # pragma: no cover

    async def charge(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        idempotency: IdempotencyScope,
        found: tuple[PaymentMethod, str] | None = None,
    ) -> CommandOutcome:
        """Ask the processor for a payment recorded as `processing` (`found`:
        its method and secret, when the caller has read them already)."""
        if found is None:
            found = await self.vault.get_with_secret(payment.payment_method or "")
        if found is None:
            raise NotFound("no such payment method", param="payment_method")
        request = charge.charge_request(payment, *found)
        try:
            result = await self.routes.gateway(payment.gateway).authorize(request)
        except GatewayOutcomeUnknown:
            after, events = charge.settle_charge(
                payment, None, self.clock.now(), self.fees
            )
            await self.record(unit, payment.version, after, events)
            raise GatewayUnavailable(UNKNOWN) from None
        except GatewayRejected as rejected:
            # the processor refused the request itself: nothing was charged
            result = GatewayResult(
                Outcome.DECLINED, decline_code="processing_error", message=str(rejected)
            )

        def decide(current: Payment) -> tuple[Payment, list[PaymentEvent]]:
            if current.status is not Status.PROCESSING:
                return current, []  # settled meanwhile (a concurrent resume)
            return charge.settle_charge(current, result, self.clock.now(), self.fees)

        return await self.settle(unit, payment, decide, idempotency)

    async def resume_charge(
        self, unit: PaymentsUnit, payment: Payment, idempotency: IdempotencyScope
    ) -> CommandOutcome:
        """A retry after the first attempt stopped: ask again (same processor
        key) when the answer is missing, else answer with the state."""
        if payment.status is Status.PROCESSING:
            return await self.charge(unit, payment, idempotency)
        return await self.finish(unit, payment.version, payment, [], idempotency)
