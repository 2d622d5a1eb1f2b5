from datetime import UTC, datetime, timedelta

import pytest

from till.kernel.errors import InvalidState, NotFound, ValidationFailed
from till.kernel.money import Money, currency
from till.payments.core.errors import AmountTooLarge
from till.payments.core.models import Status, create_payment, replay

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _payment(amount=1000, capture="automatic"):
    payment, events = create_payment(
        "pay_1",
        Money(amount, currency("usd")),
        "usr_1",
        capture,
        T0,
        payment_method="pm",
    )
    return payment, events


def _completed(amount=1000):
    payment, _ = _payment(amount)
    payment, _ = payment.confirm(T0)
    payment, _ = payment.authorize(T0)
    return payment


def test_a_new_payment_is_pending_with_nothing_received():
    payment, events = _payment()
    assert payment.status is Status.PENDING and payment.version == 1
    assert (payment.amount_received, payment.amount_refunded) == (0, 0)
    assert [e.type for e in events] == ["payment.created"]


def test_automatic_capture_completes_on_authorization():
    payment = _completed()
    assert payment.status is Status.COMPLETED and payment.amount_received == 1000


def test_manual_capture_waits_then_captures_part_of_the_amount():
    payment, _ = _payment(capture="manual")
    payment, _ = payment.confirm(T0)
    payment, events = payment.authorize(T0)
    assert payment.status is Status.REQUIRES_CAPTURE
    assert payment.amount_capturable == 1000
    assert events[0].type == "payment.requires_capture"
    payment, _ = payment.capture(T0, amount=600)
    assert payment.status is Status.COMPLETED
    assert (payment.amount_received, payment.amount_capturable) == (600, 0)


def test_capturing_more_than_capturable_is_refused():
    payment, _ = _payment(capture="manual")
    payment, _ = payment.confirm(T0)
    payment, _ = payment.authorize(T0)
    with pytest.raises(AmountTooLarge):
        payment.capture(T0, amount=1001)


def test_a_decline_fails_the_payment_with_its_code():
    payment, _ = _payment()
    payment, _ = payment.confirm(T0)
    payment, events = payment.decline("card_declined", T0)
    assert payment.status is Status.FAILED and payment.failure_code == "card_declined"
    assert events[0].type == "payment.failed"


def _refunded(payment, amount=None, refund_id="re_1"):
    payment, _ = payment.refund(T0, amount=amount, refund_id=refund_id)
    return payment.complete_refund(refund_id, T0)[0]


def test_partial_then_full_refund():
    payment = _refunded(_completed(), 300)
    assert payment.status is Status.PARTIALLY_REFUNDED and payment.refundable == 700
    payment = _refunded(payment, refund_id="re_2")
    assert payment.status is Status.REFUNDED and payment.amount_refunded == 1000
    assert [r.status.value for r in payment.refunds] == ["succeeded", "succeeded"]


def test_a_pending_refund_reserves_its_amount_without_moving_the_status():
    payment, events = _completed().refund(T0, amount=400, refund_id="re_1")
    assert payment.status is Status.COMPLETED and payment.amount_refunded == 0
    assert payment.refundable == 600 and events[0].type == "refund.created"
    with pytest.raises(AmountTooLarge):
        payment.refund(T0, amount=601, refund_id="re_2")


def test_a_failed_refund_releases_its_reservation():
    payment, _ = _completed().refund(T0, amount=400, refund_id="re_1")
    payment, events = payment.fail_refund("re_1", "processing_error", T0)
    assert payment.refundable == 1000 and events[0].type == "refund.failed"
    assert payment.refunds[0].failure_code == "processing_error"
    with pytest.raises(NotFound):
        payment.complete_refund("re_1", T0)  # settled already


def test_confirming_needs_a_payment_method():
    payment, _ = create_payment(
        "pay_1", Money(100, currency("usd")), "usr_1", "automatic", T0
    )
    with pytest.raises(ValidationFailed) as error:
        payment.confirm(T0)
    assert error.value.param == "payment_method"
    confirmed, _ = payment.confirm(T0, "pm_2", gateway="sandbox")
    assert (confirmed.payment_method, confirmed.gateway) == ("pm_2", "sandbox")


def test_an_answer_that_comes_later_keeps_the_payment_processing():
    payment, _ = _payment()
    payment, _ = payment.confirm(T0)
    payment, _ = payment.await_processor(T0, "ch_1", "timeout")
    assert payment.status is Status.PROCESSING and payment.gateway_reference == "ch_1"
    payment, _ = payment.authorize(T0)
    assert payment.status is Status.COMPLETED and payment.gateway_reference == "ch_1"


def test_refund_above_the_refundable_amount_is_rejected():
    payment = _refunded(_completed(), 900)
    with pytest.raises(AmountTooLarge) as error:
        payment.refund(T0, amount=101)
    assert error.value.param == "amount"


@pytest.mark.parametrize("amount", [0, -5])
def test_refund_of_nothing_is_rejected(amount):
    with pytest.raises(ValidationFailed):
        _completed().refund(T0, amount=amount)


def test_review_approve_continues_and_reject_cancels():
    payment, _ = _payment()
    payment, _ = payment.confirm(T0)
    held, _ = payment.hold_for_review(T0, "rev_1")
    assert held.status is Status.REQUIRES_REVIEW
    assert held.review_id == "rev_1"
    approved, _ = held.approve_review(T0)
    assert approved.status is Status.PROCESSING
    rejected, _ = held.reject_review(T0)
    assert rejected.status is Status.CANCELED


@pytest.mark.parametrize(
    ("prepare", "action"),
    [
        (lambda p: p, lambda p: p.capture(T0)),
        (lambda p: p, lambda p: p.refund(T0)),
        (lambda p: p.confirm(T0)[0], lambda p: p.cancel(T0)),
        (lambda p: p.confirm(T0)[0].authorize(T0)[0], lambda p: p.confirm(T0)),
        (lambda p: p.cancel(T0)[0], lambda p: p.confirm(T0)),
    ],
)
def test_an_illegal_transition_names_state_and_action(prepare, action):
    payment, _ = _payment()
    with pytest.raises(InvalidState) as error:
        action(prepare(payment))
    assert error.value.state in error.value.message
    assert error.value.action in error.value.message


def test_a_terminal_payment_cannot_be_canceled():
    with pytest.raises(InvalidState) as error:
        _refunded(_completed()).cancel(T0)
    assert error.value.state == "refunded"


def test_replaying_the_events_rebuilds_the_payment():
    payment, events = _payment(capture="manual")
    for step in (
        lambda p: p.confirm(T0 + timedelta(seconds=1)),
        lambda p: p.authorize(T0 + timedelta(seconds=2)),
        lambda p: p.capture(T0 + timedelta(seconds=3), amount=800),
        lambda p: p.refund(T0 + timedelta(seconds=4), amount=100, refund_id="re_1"),
        lambda p: p.complete_refund("re_1", T0 + timedelta(seconds=5)),
    ):
        payment, new = step(payment)
        events += new
    assert replay(events) == payment and payment.version == len(events)


def test_payments_cannot_be_mutated():
    payment, _ = _payment()
    with pytest.raises(AttributeError):
        payment.status = Status.COMPLETED  # type: ignore[misc]


@pytest.mark.parametrize(
    ("amount", "capture", "param"),
    [(0, "automatic", "amount"), (5, "later", "capture_method")],
)
def test_invalid_payment_requests_are_refused(amount, capture, param):
    with pytest.raises(ValidationFailed) as error:
        _payment(amount, capture)
    assert error.value.param == param
