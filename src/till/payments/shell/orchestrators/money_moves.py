"""The steps that move money, shared by the payment commands: record, finish
(the last record, with the outbox rows and the idempotent response), and the
processor round trips for charge, capture, cancel and refund."""

from collections.abc import Awaitable

from till.kernel.clock import Clock
from till.kernel.errors import NotFound
from till.kernel.idempotency import IdempotencyScope
from till.kernel.ids import new_id
from till.kernel.money import Money
from till.payments.core.access import Caller
from till.payments.core.commands import CommandOutcome, CommandResult, RefundRequest
from till.payments.core.events import PaymentEvent
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
from till.payments.core.ports import PaymentGatewayPort, PaymentMethodVaultPort
from till.payments.core.refunds import Refund, RefundStatus
from till.payments.core.use_cases import cancel, capture, charge, refund
from till.payments.shell.orchestrators.unit_of_work import PaymentsUnit

UNKNOWN = (
    "the processor did not answer in time; the payment is on record and nothing "
    "is charged twice: retry with the same Idempotency-Key"
)


class MoneyMoves:
    def __init__(
        self,
        gateway: PaymentGatewayPort,
        vault: PaymentMethodVaultPort,
        clock: Clock,
        refund_mfa_threshold: int,
    ) -> None:
        self.gateway = gateway
        self.vault = vault
        self.clock = clock
        self.refund_mfa_threshold = refund_mfa_threshold

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
        now = self.clock.now
        try:
            result = await self.gateway.authorize(request)
        except GatewayOutcomeUnknown:
            after, events = charge.settle_charge(payment, None, now())
            await self.record(unit, payment.version, after, events)
            raise GatewayUnavailable(UNKNOWN) from None
        after, events = charge.settle_charge(payment, result, now())
        return await self.finish(unit, payment.version, after, events, idempotency)

    async def resume_charge(
        self, unit: PaymentsUnit, payment: Payment, idempotency: IdempotencyScope
    ) -> CommandOutcome:
        """A retry after the first attempt stopped: ask again (same processor
        key) when the answer is missing, else answer with the state."""
        if payment.status is Status.PROCESSING:
            return await self.charge(unit, payment, idempotency)
        return await self.finish(unit, payment.version, payment, [], idempotency)

    async def capture(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        caller: Caller,
        amount: int | None,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        taking = capture.check_capture(payment, caller, amount)
        result = await self._ask(
            self.gateway.capture(
                payment.gateway_reference or "",
                Money(taking, payment.currency),
                capture.capture_key(payment),
            )
        )
        if result is not Outcome.SUCCEEDED:
            raise GatewayRejected("the processor refused the capture")
        after, events = capture.settle_capture(payment, taking, self.clock.now())
        return await self.finish(unit, payment.version, after, events, idempotency)

    async def cancel(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        caller: Caller,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        if cancel.check_cancel(payment, caller):
            result = await self._ask(
                self.gateway.void(
                    payment.gateway_reference or "", cancel.void_key(payment)
                )
            )
            if result is not Outcome.SUCCEEDED:
                raise GatewayRejected("the processor refused to release the funds")
        after, events = payment.cancel(self.clock.now())
        return await self.finish(unit, payment.version, after, events, idempotency)

    async def refund(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        caller: Caller,
        request: RefundRequest,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        refund_id = idempotency.resource_id
        reserved = _refund(payment, refund_id)
        if reserved is None:  # not a retry of a reserved refund
            before = payment.version
            payment, events = refund.reserve_refund(
                payment,
                caller,
                request,
                refund_id,
                self.refund_mfa_threshold,
                self.clock.now(),
            )
            await self.record(unit, before, payment, events)
            reserved = payment.refunds[-1]
        if reserved.status is not RefundStatus.PENDING:
            return await self.finish(
                unit, payment.version, payment, [], idempotency, reserved
            )
        try:
            result = await self.gateway.refund(
                payment.gateway_reference or "",
                Money(reserved.amount, payment.currency),
                refund.refund_key(refund_id),
            )
        except GatewayOutcomeUnknown:
            raise GatewayUnavailable(UNKNOWN) from None
        after, events = refund.settle_refund(
            payment, refund_id, result, self.clock.now()
        )
        shown = _refund(after, refund_id)
        return await self.finish(
            unit, payment.version, after, events, idempotency, shown
        )

    async def _ask(self, call: Awaitable[GatewayResult]) -> Outcome:
        try:
            return (await call).outcome
        except GatewayOutcomeUnknown:
            raise GatewayUnavailable(UNKNOWN) from None


def _refund(payment: Payment, refund_id: str) -> Refund | None:
    return next((r for r in payment.refunds if r.id == refund_id), None)
