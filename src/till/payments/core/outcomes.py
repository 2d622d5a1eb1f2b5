"""Which outcomes a payment reached in one record, for the payment outcome
metric (`till_payment_outcomes_total{outcome}`, alerts on the failure rate).

Rules: the processor's approval of a charge is `succeeded` — `completed` for an
automatic capture, `requires_capture` for a manual one (its later capture is a
second money move, not a second outcome); a decline or a fraud block is
`failed`; a hold for review is `requires_review`; a cancel (before the charge,
of an authorisation, or of a rejected review) is `canceled`. A payment held for
review and then approved reaches two outcomes, as it passed through both."""

from till.payments.core import events as ev
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment

SUCCEEDED = "succeeded"
FAILED = "failed"
REQUIRES_REVIEW = "requires_review"
CANCELED = "canceled"
OUTCOMES = (SUCCEEDED, FAILED, REQUIRES_REVIEW, CANCELED)

_BY_EVENT = {
    ev.REQUIRES_CAPTURE: SUCCEEDED,
    ev.FAILED: FAILED,
    ev.REQUIRES_REVIEW: REQUIRES_REVIEW,
    ev.CANCELED: CANCELED,
}


def outcomes_of(after: Payment, events: list[PaymentEvent]) -> list[str]:
    """The outcomes `events` (recorded together, leading to `after`) reach."""
    found = []
    for event in events:
        if event.type == ev.COMPLETED:
            # Only an automatic capture completes on the charge itself: a
            # manual payment completes by a capture after `requires_capture`.
            if after.capture_method == "automatic":
                found.append(SUCCEEDED)
        elif event.type in _BY_EVENT:
            found.append(_BY_EVENT[event.type])
    return found
