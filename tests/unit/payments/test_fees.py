"""The processor's fee: the processor's own figure when it gives one, else the
schedule (percent in basis points, half up, plus a fixed part, never above the
amount), recorded on the completed event."""

from datetime import UTC, datetime

import pytest

from till.kernel.errors import ValidationFailed
from till.kernel.money import Money, currency
from till.payments.core.fees import FeeSchedule, recorded_fee
from till.payments.core.gateway import GatewayResult, Outcome
from till.payments.core.models import create_payment
from till.payments.core.use_cases import capture, charge

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STRIPE_LIST_PRICE = FeeSchedule()


@pytest.mark.parametrize(
    ("amount", "fee"),
    [(1000, 59), (1050, 60), (1, 1), (30, 30), (31, 31), (10_000, 320), (50, 31)],
)
def test_the_default_schedule_is_2_9_percent_plus_30_rounded_half_up(amount, fee):
    # 1050 × 2.9 % = 30.45 → 30; 50 × 2.9 % = 1.45 → 1; never above the amount
    assert STRIPE_LIST_PRICE.fee_for(amount) == fee


def test_half_a_minor_unit_rounds_up():
    assert FeeSchedule(percent_bps=50, fixed=0).fee_for(100) == 1  # 0.5 → 1
    assert FeeSchedule(percent_bps=49, fixed=0).fee_for(100) == 0  # 0.49 → 0


@pytest.mark.parametrize(
    "bad", [{"percent_bps": -1}, {"fixed": -5}, {"percent_bps": 10_001}, {"fixed": 1.5}]
)
def test_a_schedule_rejects_negative_fractional_or_over_100_percent(bad):
    with pytest.raises(ValidationFailed):
        FeeSchedule(**bad)


def test_the_processors_own_fee_wins_and_is_bounded_by_the_amount():
    assert recorded_fee(1000, 12, STRIPE_LIST_PRICE) == 12
    assert recorded_fee(1000, 0, STRIPE_LIST_PRICE) == 0
    assert recorded_fee(1000, None, STRIPE_LIST_PRICE) == 59
    with pytest.raises(ValidationFailed):
        recorded_fee(1000, 1001, STRIPE_LIST_PRICE)


def _processing(capture_method):
    payment, _ = create_payment(
        "pay_1", Money(1000, currency("usd")), None, capture_method, T0
    )
    return payment.confirm(T0, "pm_1")[0]


def test_an_immediate_charge_records_the_fee_on_its_completed_event():
    result = GatewayResult(Outcome.SUCCEEDED, "ch_1")
    _, events = charge.settle_charge(
        _processing("automatic"), result, T0, STRIPE_LIST_PRICE
    )
    assert events[0].type == "payment.completed" and events[0].data["fee"] == 59
    given = GatewayResult(Outcome.SUCCEEDED, "ch_1", fee=41)
    _, events = charge.settle_charge(
        _processing("automatic"), given, T0, STRIPE_LIST_PRICE
    )
    assert events[0].data["fee"] == 41


def test_an_authorisation_records_no_fee_and_the_capture_records_its_own():
    held, events = charge.settle_charge(
        _processing("manual"),
        GatewayResult(Outcome.REQUIRES_CAPTURE, "ch_1"),
        T0,
        STRIPE_LIST_PRICE,
    )
    assert "fee" not in events[0].data
    _, events = capture.settle_capture(held, 400, T0, None, STRIPE_LIST_PRICE)
    assert (events[0].amount, events[0].data["fee"]) == (400, 42)  # 11.6 → 12 + 30


def test_a_fee_above_the_captured_amount_is_refused():
    held, _ = _processing("manual").authorize(T0, "ch_1")
    with pytest.raises(ValidationFailed):
        held.capture(T0, 10, fee=11)
