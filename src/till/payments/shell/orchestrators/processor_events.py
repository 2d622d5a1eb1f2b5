"""What processors tell us later (`POST /v1/gateways/stripe/webhook`): a
payment that was `processing` (a bank transfer, an answer that got lost) moves
on when Stripe says its PaymentIntent succeeded or failed. The signature is
checked first; an event is applied at most once in effect (it is marked after
it is applied, and applying checks the payment is still waiting)."""

import json
from typing import Any, Protocol

from till.kernel.clock import Clock
from till.kernel.errors import NotFound
from till.payments.core.events import PaymentEvent
from till.payments.core.gateway import GatewayResult, Outcome
from till.payments.core.models import Payment, Status
from till.payments.core.stripe_signatures import (
    InvalidSignature,
    verify_stripe_signature,
)
from till.payments.core.use_cases import charge
from till.payments.shell.orchestrators.processor_operations import (
    ProcessorOperations,
)
from till.payments.shell.orchestrators.unit_of_work import (
    NO_KEY,
    PaymentsUnitFactory,
    settled_unit,
)


class AppliedEvents(Protocol):
    async def seen(self, event_id: str) -> bool: ...
    async def mark(self, event_id: str, event_type: str, at: Any) -> None: ...


class PaymentsByReference(Protocol):
    async def by_reference(self, reference: str) -> Payment | None: ...


def _answer(event: dict[str, Any]) -> tuple[str, GatewayResult] | None:
    intent = event.get("data", {}).get("object", {})
    reference = intent.get("id")
    if not isinstance(reference, str):
        return None
    match event.get("type"):
        case "payment_intent.succeeded":
            return reference, GatewayResult(Outcome.SUCCEEDED, reference)
        case "payment_intent.amount_capturable_updated":
            return reference, GatewayResult(Outcome.REQUIRES_CAPTURE, reference)
        case "payment_intent.payment_failed":
            error = intent.get("last_payment_error") or {}
            code = error.get("decline_code") or error.get("code") or "card_declined"
            return reference, GatewayResult(
                Outcome.DECLINED, reference, str(code), error.get("message")
            )
    return None


class ProcessorEvents:
    def __init__(
        self,
        units: PaymentsUnitFactory,
        moves: ProcessorOperations,
        payments: PaymentsByReference,
        applied: AppliedEvents,
        clock: Clock,
        stripe_secret: str | None,
    ) -> None:
        self.units = units
        self.moves = moves
        self.payments = payments
        self.applied = applied
        self.clock = clock
        self.stripe_secret = stripe_secret

    async def receive_stripe(self, body: bytes, signature: str | None) -> None:
        if self.stripe_secret is None:
            raise NotFound("no Stripe webhook secret is configured")
        now = self.clock.now()
        verify_stripe_signature(
            signature, body, self.stripe_secret, int(now.timestamp())
        )
        try:
            event = json.loads(body)
            event_id, event_type = str(event["id"]), str(event["type"])
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidSignature("the signed body is not a Stripe event") from error
        if await self.applied.seen(event_id):
            return
        answer = _answer(event)
        if answer is not None:
            await self._apply(*answer)
        await self.applied.mark(event_id, event_type, now)

    async def _apply(self, reference: str, result: GatewayResult) -> None:
        payment = await self.payments.by_reference(reference)
        if payment is None:
            return

        def decide(current: Payment) -> tuple[Payment, list[PaymentEvent]]:
            if current.status is not Status.PROCESSING:
                return current, []  # already settled: nothing to add
            return charge.settle_charge(
                current, result, self.clock.now(), self.moves.fees
            )

        async with settled_unit(self.units) as unit:
            await self.moves.settle(unit, payment, decide, NO_KEY)
