"""Which outcome a recorded step reaches: the processor's approval is
`succeeded` once (a manual payment's later capture is not a second success);
declines, review holds and cancels are their own outcomes; refunds none."""

from datetime import UTC, datetime

from till.kernel.money import Money, currency
from till.payments.core.models import create_payment
from till.payments.core.outcomes import outcomes_of

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _processing(capture="automatic"):
    payment, _ = create_payment(
        "pay_1", Money(1000, currency("usd")), "usr_1", capture, T0, payment_method="pm"
    )
    payment, _ = payment.confirm(T0)
    return payment


def test_an_automatic_capture_succeeds_on_the_charge():
    payment, events = _processing().authorize(T0, "ch_1")
    assert outcomes_of(payment, events) == ["succeeded"]


def test_a_manual_payment_succeeds_on_authorisation_not_again_on_capture():
    authorised, events = _processing("manual").authorize(T0, "ch_1")
    assert outcomes_of(authorised, events) == ["succeeded"]
    captured, events = authorised.capture(T0)
    assert outcomes_of(captured, events) == []


def test_a_decline_fails_and_a_review_hold_is_its_own_outcome():
    declined, events = _processing().decline("card_declined", T0)
    assert outcomes_of(declined, events) == ["failed"]
    held, events = _processing().hold_for_review(T0, "rev_1")
    assert outcomes_of(held, events) == ["requires_review"]


def test_a_rejected_review_and_a_voided_authorisation_are_canceled():
    held, _ = _processing().hold_for_review(T0, "rev_1")
    rejected, events = held.reject_review(T0)
    assert outcomes_of(rejected, events) == ["canceled"]
    authorised, _ = _processing("manual").authorize(T0, "ch_1")
    voided, events = authorised.cancel(T0)
    assert outcomes_of(voided, events) == ["canceled"]


def test_creation_confirmation_and_refunds_reach_no_outcome():
    payment, created = create_payment(
        "pay_1",
        Money(1000, currency("usd")),
        "usr_1",
        "automatic",
        T0,
        payment_method="pm",
    )
    confirmed, confirming = payment.confirm(T0)
    assert outcomes_of(confirmed, created + confirming) == []
    completed, _ = confirmed.authorize(T0, "ch_1")
    refunding, reserved = completed.refund(T0, 400, "re_1")
    refunded, done = refunding.complete_refund("re_1", T0)
    assert outcomes_of(refunded, reserved + done) == []
