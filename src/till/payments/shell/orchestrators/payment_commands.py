"""PaymentCommandPort: each command loads, asks the pure core, calls the
processor when it must, and records. A processor call sits between two
records: the attempt (or reservation) first, the answer after, so a crash or a
timeout in between leaves a trail, never a double charge (the processor is
asked under keys derived from the payment or refund)."""

from dataclasses import dataclass

from till.kernel.clock import Clock
from till.kernel.errors import NotFound, ValidationFailed
from till.kernel.idempotency import IdempotencyScope
from till.kernel.ids import new_id
from till.payments.core.access import Caller, require_scope, require_visible
from till.payments.core.commands import (
    CommandOutcome,
    NewPaymentMethod,
    PaymentIntent,
    RefundRequest,
)
from till.payments.core.events import PaymentEvent
from till.payments.core.fees import LIST_PRICE, FeeSchedule
from till.payments.core.models import Payment, Status
from till.payments.core.payment_methods import PaymentMethod
from till.payments.core.ports import PaymentMethodVaultPort
from till.payments.core.use_cases.add_payment_method import payment_method_from
from till.payments.core.use_cases.charge import start_charge
from till.payments.core.use_cases.create_payment import open_payment
from till.payments.core.use_cases.review import screen
from till.payments.shell.orchestrators.fraud_screening import FraudScreening
from till.payments.shell.orchestrators.gateway_routing import GatewayRouter
from till.payments.shell.orchestrators.processor_operations import (
    ProcessorOperations,
)
from till.payments.shell.orchestrators.unit_of_work import (
    PaymentsUnit,
    PaymentsUnitFactory,
    settled_unit,
)
from till.platform.tracing import use_case


@dataclass(frozen=True, slots=True)
class PaymentRules:
    refund_mfa_threshold: int  # minor units; above it an admin needs fresh MFA
    fees: FeeSchedule = LIST_PRICE  # when the processor does not say its fee


class PaymentCommands:
    def __init__(
        self,
        units: PaymentsUnitFactory,
        vault: PaymentMethodVaultPort,
        routes: GatewayRouter,
        clock: Clock,
        rules: PaymentRules,
        screening: FraudScreening | None = None,
    ) -> None:
        self.units = units
        self.vault = vault
        self.clock = clock
        self.screening = screening
        self.moves = ProcessorOperations(
            routes, vault, clock, rules.refund_mfa_threshold, rules.fees
        )

    @use_case("payments.add_payment_method")
    async def add_payment_method(
        self, caller: Caller, request: NewPaymentMethod
    ) -> PaymentMethod:
        require_scope(caller, "payments:write")
        method, secret = payment_method_from(
            request, caller, new_id("pm"), self.clock.now()
        )
        await self.vault.store(method, secret)
        return method

    @use_case("payments.create_payment")
    async def create_payment(
        self,
        caller: Caller,
        intent: PaymentIntent,
        idempotency: IdempotencyScope,
        ip: str | None = None,
    ) -> CommandOutcome:
        require_scope(caller, "payments:write")
        async with settled_unit(self.units) as unit:
            if idempotency.resumed:
                earlier = await unit.load(idempotency.resource_id)
                if earlier is not None:
                    return await self.moves.resume_charge(unit, earlier, idempotency)
            found = None
            if intent.payment_method is not None:
                # with its secret: the charge below needs it, one read serves both
                found = await self.vault.get_with_secret(intent.payment_method)
            method = None if found is None else found[0]
            now = self.clock.now()
            payment, events = open_payment(
                intent, caller, idempotency.resource_id, method, now
            )
            if not intent.confirm:
                return await self.moves.finish(unit, 0, payment, events, idempotency)
            return await self._confirm(
                unit, payment, caller, found, None, ip, idempotency, events
            )

    @use_case("payments.confirm_payment")
    async def confirm_payment(
        self,
        caller: Caller,
        payment_id: str,
        payment_method: str | None,
        idempotency: IdempotencyScope,
        ip: str | None = None,
    ) -> CommandOutcome:
        require_scope(caller, "payments:write")
        async with settled_unit(self.units) as unit:
            payment = await _visible(unit, caller, payment_id)
            if idempotency.resumed and payment.status is not Status.PENDING:
                # the first attempt got past recording: finish it, or answer
                return await self.moves.resume_charge(unit, payment, idempotency)
            chosen = payment_method or payment.payment_method
            if chosen is None:
                raise ValidationFailed(
                    "a payment method is needed to confirm", param="payment_method"
                )
            found = await self.vault.get_with_secret(chosen)
            return await self._confirm(
                unit, payment, caller, found, chosen, ip, idempotency, []
            )

    async def _confirm(
        self,
        unit: PaymentsUnit,
        payment: Payment,
        caller: Caller,
        found: tuple[PaymentMethod, str] | None,
        chosen: str | None,
        ip: str | None,
        idempotency: IdempotencyScope,
        earlier: list[PaymentEvent],
    ) -> CommandOutcome:
        """Confirm (the rules first), screen, then record and charge; a payment
        screening holds or blocks is recorded and answered without the
        processor. `earlier`: events of this command not recorded yet."""
        before = payment.version - len(earlier)
        method = None if found is None else found[0]
        gateway, now = self.moves.routes.choose(), self.clock.now()
        confirmed, events = start_charge(payment, caller, method, chosen, gateway, now)
        if self.screening is None or found is None:
            await self.moves.record(unit, before, confirmed, earlier + events)
            return await self.moves.charge(unit, confirmed, idempotency, found)
        screening = self.screening
        attempt = screening.attempt(payment, found[1], ip)
        risk = await screening.assess(attempt)
        confirmed, events = payment.confirm(
            now, confirmed.payment_method, gateway, risk
        )
        held, more = screen(confirmed, risk, new_id("rev"), now)
        if more:  # held for review or blocked: the processor is not asked
            outcome = await self.moves.finish(
                unit, before, held, earlier + events + more, idempotency
            )
            await screening.flagged(attempt)
            return outcome
        await self.moves.record(unit, before, confirmed, earlier + events)
        outcome = await self.moves.charge(unit, confirmed, idempotency, found)
        if isinstance(outcome.result, Payment):
            await screening.settled(attempt, outcome.result)
        return outcome

    @use_case("payments.capture_payment")
    async def capture_payment(
        self,
        caller: Caller,
        payment_id: str,
        amount: int | None,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        require_scope(caller, "payments:write")
        async with settled_unit(self.units) as unit:
            payment = await _visible(unit, caller, payment_id)
            return await self.moves.capture(unit, payment, caller, amount, idempotency)

    @use_case("payments.cancel_payment")
    async def cancel_payment(
        self, caller: Caller, payment_id: str, idempotency: IdempotencyScope
    ) -> CommandOutcome:
        require_scope(caller, "payments:write")
        async with settled_unit(self.units) as unit:
            payment = await _visible(unit, caller, payment_id)
            return await self.moves.cancel(unit, payment, caller, idempotency)

    @use_case("payments.refund_payment")
    async def refund_payment(
        self,
        caller: Caller,
        payment_id: str,
        request: RefundRequest,
        idempotency: IdempotencyScope,
    ) -> CommandOutcome:
        require_scope(caller, "refunds:write")
        async with settled_unit(self.units) as unit:
            payment = await _visible(unit, caller, payment_id)
            return await self.moves.refund(unit, payment, caller, request, idempotency)


async def _visible(unit: PaymentsUnit, caller: Caller, payment_id: str) -> Payment:
    payment = await unit.load(payment_id)
    if payment is None:
        raise NotFound("no such payment")
    require_visible(caller, payment.customer_id, "payment")
    return payment
