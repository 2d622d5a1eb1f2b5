"""Capture, cancel (void) and refund: each records its attempt before asking
the processor (a capture or void as `pending_operation`, a refund as its
reservation), asks under a key derived from the payment or refund, and settles
the answer. An unknown outcome leaves the attempt on record and answers 503;
the same request retried asks again under the same key."""

from collections.abc import Awaitable

from till.kernel.idempotency import IdempotencyScope
from till.kernel.money import Money
from till.payments.core.access import Caller
from till.payments.core.commands import CommandOutcome, RefundRequest
from till.payments.core.events import PaymentEvent
from till.payments.core.gateway import (
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayResult,
    GatewayUnavailable,
    Outcome,
)
from till.payments.core.models import Payment
from till.payments.core.refunds import Refund, RefundStatus
from till.payments.core.use_cases import cancel, capture, refund
from till.payments.shell.orchestrators.money_moves import UNKNOWN, MoneyMoves
from till.payments.shell.orchestrators.unit_of_work import PaymentsUnit


class ProcessorOperations(MoneyMoves):
    async def capture(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        caller: Caller,
        amount: int | None,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        taking = capture.check_capture(payment, caller, amount)
        payment = await self._attempt(unit, payment, "capture", taking)
        result = await self._ask(
            self.routes.gateway(payment.gateway).capture(
                payment.gateway_reference or "",
                Money(taking, payment.currency),
                capture.capture_key(payment),
            )
        )
        if result.outcome is not Outcome.SUCCEEDED:
            raise GatewayRejected("the processor refused the capture")
        return await self.settle(
            unit,
            payment,
            lambda p: capture.settle_capture(
                p, taking, self.clock.now(), result, self.fees
            ),
            idempotency,
        )

    async def cancel(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        caller: Caller,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        if cancel.check_cancel(payment, caller):
            payment = await self._attempt(unit, payment, "void")
            result = await self._ask(
                self.routes.gateway(payment.gateway).void(
                    payment.gateway_reference or "", cancel.void_key(payment)
                )
            )
            if result.outcome is not Outcome.SUCCEEDED:
                raise GatewayRejected("the processor refused to release the funds")
        return await self.settle(
            unit, payment, lambda p: p.cancel(self.clock.now()), idempotency
        )

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
            result = await self._ask(
                self.routes.gateway(payment.gateway).refund(
                    payment.gateway_reference or "",
                    Money(reserved.amount, payment.currency),
                    refund.refund_key(refund_id),
                )
            )
        except GatewayRejected as rejected:  # nothing was given back
            result = GatewayResult(Outcome.DECLINED, message=str(rejected))

        def decide(current: Payment) -> tuple[Payment, list[PaymentEvent]]:
            mine = _refund(current, refund_id)
            if mine is None or mine.status is not RefundStatus.PENDING:
                return current, []  # settled meanwhile
            return refund.settle_refund(current, refund_id, result, self.clock.now())

        return await self.settle(
            unit,
            payment,
            decide,
            idempotency,
            lambda after: _refund(after, refund_id) or reserved,
        )

    async def _attempt(
        self, unit: PaymentsUnit, payment: Payment, operation: str, amount: int = 0
    ) -> Payment:
        """On record before the processor is asked (once: a retry of the same
        operation asks again under the same key)."""
        if payment.pending_operation == operation:
            return payment
        after, events = payment.request_processor(operation, self.clock.now(), amount)
        await self.record(unit, payment.version, after, events)
        return after

    async def _ask(self, call: Awaitable[GatewayResult]) -> GatewayResult:
        try:
            return await call
        except GatewayOutcomeUnknown:
            raise GatewayUnavailable(UNKNOWN) from None


def _refund(payment: Payment, refund_id: str) -> Refund | None:
    return next((r for r in payment.refunds if r.id == refund_id), None)
