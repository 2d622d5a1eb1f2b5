"""The payment outcome counter (`till_payment_outcomes_total{outcome}`),
counted after the record that reached the outcome has committed: a record that
fails (a conflict, the database away) counts nothing, its retry counts once."""

from prometheus_client import Counter

from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment
from till.payments.core.outcomes import OUTCOMES, outcomes_of

PAYMENT_OUTCOMES = Counter(
    "till_payment_outcomes_total",
    "Payments that reached an outcome: succeeded, failed, requires_review, canceled",
    ["outcome"],
)
# Every outcome's series exists from the start at 0, so rate() and increase()
# see the first payment of each kind (a series born at 1 hides its first step).
_COUNTERS = {outcome: PAYMENT_OUTCOMES.labels(outcome) for outcome in OUTCOMES}


def count_outcomes(after: Payment, events: list[PaymentEvent]) -> None:
    for outcome in outcomes_of(after, events):
        _COUNTERS[outcome].inc()
