"""The fraud review queue: admins list the payments screening held, and an
admin with recent MFA approves one (it goes on to the processor, as its
confirmation would have) or rejects it (canceled; nothing was charged)."""

from till.kernel.clock import Clock
from till.kernel.errors import Forbidden, NotFound
from till.payments.core.access import Caller, require_admin_with_mfa
from till.payments.core.models import Payment
from till.payments.core.ports import ReviewQueuePort
from till.payments.core.use_cases import review
from till.payments.shell.orchestrators.money_moves import MoneyMoves
from till.payments.shell.orchestrators.unit_of_work import (
    NO_KEY,
    PaymentsUnit,
    PaymentsUnitFactory,
    settled_unit,
)


class ReviewDesk:
    def __init__(
        self,
        units: PaymentsUnitFactory,
        moves: MoneyMoves,
        queue: ReviewQueuePort,
        clock: Clock,
    ) -> None:
        self.units = units
        self.moves = moves
        self.queue = queue
        self.clock = clock

    async def open_reviews(
        self, caller: Caller, limit: int, starting_after: str | None
    ) -> tuple[list[Payment], bool]:
        if not caller.admin:
            raise Forbidden("only an admin may list reviews")
        return await self.queue.open_reviews(limit, starting_after)

    async def approve(self, caller: Caller, review_id: str) -> Payment:
        require_admin_with_mfa(caller, "approve a review")
        async with settled_unit(self.units) as unit:
            payment = await self._held(unit, review_id)
            approved, events = review.approve(payment, caller, self.clock.now())
            await self.moves.record(unit, payment.version, approved, events)
            outcome = await self.moves.charge(unit, approved, NO_KEY)
        assert isinstance(outcome.result, Payment)  # noqa: S101  # nosec B101
        return outcome.result

    async def reject(self, caller: Caller, review_id: str) -> Payment:
        require_admin_with_mfa(caller, "reject a review")
        async with settled_unit(self.units) as unit:
            payment = await self._held(unit, review_id)
            rejected, events = review.reject(payment, caller, self.clock.now())
            await self.moves.finish(unit, payment.version, rejected, events, NO_KEY)
        return rejected

    async def _held(self, unit: PaymentsUnit, review_id: str) -> Payment:
        payment_id = await self.queue.payment_for_review(review_id)
        payment = None if payment_id is None else await unit.load(payment_id)
        if payment is None:
            raise NotFound("no such review")
        return payment
