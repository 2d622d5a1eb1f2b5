"""What the processor keeps of a captured amount. The fee is recorded as a
fact on the `payment.completed` event, so the ledger is a pure function of the
events and a replay posts the same figures: the processor's own figure when it
gives one, else the configured schedule (Stripe's list price by default).
Integer arithmetic only, rounding half up; a fee never exceeds the amount."""

from dataclasses import dataclass

from till.kernel.errors import ValidationFailed

BPS = 10_000  # basis points in a whole


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    percent_bps: int = 290  # 2.9 %
    fixed: int = 30  # minor units of the payment's currency

    def __post_init__(self) -> None:
        for name in ("percent_bps", "fixed"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValidationFailed(f"{name} must be a non-negative integer")
        if self.percent_bps > BPS:
            raise ValidationFailed("percent_bps must not exceed 10000 (100 %)")

    def fee_for(self, amount: int) -> int:
        """percent of `amount` (half up) plus the fixed part, capped at it."""
        percent = (amount * self.percent_bps * 2 + BPS) // (2 * BPS)
        return min(amount, percent + self.fixed)


LIST_PRICE = FeeSchedule()  # Stripe's card price: 2.9 % + 30


def recorded_fee(amount: int, given: int | None, schedule: FeeSchedule) -> int:
    """The fee to record for a capture of `amount`: the processor's figure
    (`given`) when it gave one, else the schedule's."""
    if given is None:
        return schedule.fee_for(amount)
    if type(given) is not int or not 0 <= given <= amount:
        raise ValidationFailed("a processor fee must be between 0 and the amount")
    return given
