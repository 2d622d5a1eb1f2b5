"""The pure payment use cases: who may do what, and how processor answers
become events."""

from datetime import UTC, datetime

import pytest

from till.kernel.errors import Forbidden, InvalidState, NotFound, ValidationFailed
from till.kernel.money import Money, currency
from till.payments.core.access import Caller, customer_for, require_scope
from till.payments.core.commands import NewPaymentMethod, PaymentIntent, RefundRequest
from till.payments.core.fees import FeeSchedule
from till.payments.core.gateway import GatewayResult, Outcome
from till.payments.core.models import Status
from till.payments.core.payment_methods import PaymentMethod
from till.payments.core.use_cases import cancel, capture, charge, refund
from till.payments.core.use_cases.add_payment_method import payment_method_from
from till.payments.core.use_cases.create_payment import open_payment

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ALICE = Caller("user", "usr_a")
BOB = Caller("user", "usr_b")
SHOP = Caller("service", "key_1", scopes=frozenset({"payments:write"}))
ADMIN = Caller("user", "usr_root", admin=True)
ADMIN_MFA = Caller("user", "usr_root", admin=True, recent_mfa=True)
METHOD = PaymentMethod("pm_1", "card", "usr_a", T0, "visa", "4242", 12, 2031)
VISA = "4242424242424242"  # pragma: allowlist secret
FEES = FeeSchedule()


def _intent(**kw):
    return PaymentIntent(Money(kw.pop("amount", 1000), currency("usd")), **kw)


def _pending(caller=ALICE, **kw):
    payment, _ = open_payment(_intent(**kw), caller, "pay_1", METHOD, T0)
    return payment


def _charged(capture_method="automatic"):
    payment, _ = charge.start_charge(
        _pending(payment_method="pm_1", capture_method=capture_method),
        ALICE,
        METHOD,
        None,
        "sandbox",
        T0,
    )
    outcome = Outcome.SUCCEEDED if capture_method == "automatic" else None
    result = GatewayResult(outcome or Outcome.REQUIRES_CAPTURE, "ch_1")
    return charge.settle_charge(payment, result, T0, FEES)[0]


def test_a_user_pays_as_themselves_and_a_service_names_the_customer():
    assert _pending().customer_id == "usr_a"
    assert _pending(SHOP, customer_id="usr_z").customer_id == "usr_z"
    with pytest.raises(Forbidden):
        customer_for(ALICE, "usr_b")


def test_another_customers_method_cannot_be_used():
    with pytest.raises(NotFound) as error:
        open_payment(_intent(payment_method="pm_1"), BOB, "pay_1", METHOD, T0)
    assert error.value.param == "payment_method"


def test_a_service_key_acts_only_within_its_scopes():
    require_scope(ALICE, "refunds:write")  # users act by role
    with pytest.raises(Forbidden):
        require_scope(SHOP, "refunds:write")


def test_only_the_payer_or_a_service_confirms():
    with pytest.raises(Forbidden):
        charge.start_charge(_pending(), ADMIN, METHOD, "pm_1", "sandbox", T0)
    paid_by_shop = _pending(SHOP, customer_id="usr_a", payment_method="pm_1")
    confirmed, _ = charge.start_charge(paid_by_shop, SHOP, METHOD, None, "x", T0)
    assert confirmed.status is Status.PROCESSING and confirmed.gateway == "x"


def test_confirming_without_any_method_is_refused():
    with pytest.raises(ValidationFailed):
        charge.start_charge(_pending(), ALICE, None, None, "sandbox", T0)


@pytest.mark.parametrize(
    ("result", "status", "code"),
    [
        (GatewayResult(Outcome.SUCCEEDED, "ch"), Status.COMPLETED, None),
        (GatewayResult(Outcome.PENDING, "ch"), Status.PROCESSING, None),
        (None, Status.PROCESSING, None),
        (
            GatewayResult(Outcome.DECLINED, "ch", "expired_card"),
            Status.FAILED,
            "expired_card",
        ),
        (GatewayResult(Outcome.DECLINED, "ch"), Status.FAILED, "card_declined"),
    ],
)
def test_processor_answers_become_states(result, status, code):
    payment, _ = charge.start_charge(
        _pending(payment_method="pm_1"), ALICE, METHOD, None, "sandbox", T0
    )
    settled, events = charge.settle_charge(payment, result, T0, FEES)
    assert settled.status is status and settled.failure_code == code
    assert len(events) == 1


def test_the_charge_request_carries_a_key_derived_from_the_payment():
    payment = _pending(payment_method="pm_1", capture_method="manual")
    request = charge.charge_request(payment, METHOD, VISA)
    assert request.idempotency_key == "pay_1:authorize" and request.capture is False
    assert VISA not in repr(request)


def test_capture_is_for_staff_and_within_the_held_amount():
    held = _charged("manual")
    with pytest.raises(Forbidden):
        capture.check_capture(held, ALICE, None)
    with pytest.raises(NotFound):
        capture.check_capture(held, BOB, None)
    assert capture.check_capture(held, SHOP, None) == 1000
    with pytest.raises(ValidationFailed):
        capture.check_capture(held, ADMIN, 1001)
    with pytest.raises(InvalidState):
        capture.check_capture(_charged(), SHOP, None)
    done, _ = capture.settle_capture(held, 400, T0, None, FEES)
    assert done.amount_received == 400 and capture.capture_key(held) == "pay_1:capture"


def test_cancel_voids_only_a_held_payment():
    assert cancel.check_cancel(_charged("manual"), ALICE) is True
    assert cancel.check_cancel(_pending(), ADMIN) is False
    with pytest.raises(Forbidden):
        cancel.check_cancel(_pending(), Caller("user", "usr_a2"))
    with pytest.raises(InvalidState):
        cancel.check_cancel(_charged(), SHOP)


def test_refunds_above_the_threshold_need_an_admin_with_recent_mfa():
    paid = _charged()
    with pytest.raises(refund.MfaRequired):
        refund.reserve_refund(paid, ADMIN, RefundRequest(), "re_1", 500, T0)
    small, _ = refund.reserve_refund(paid, ADMIN, RefundRequest(500), "re_1", 500, T0)
    assert small.refundable == 500
    big, _ = refund.reserve_refund(paid, ADMIN_MFA, RefundRequest(), "re_1", 500, T0)
    assert big.refundable == 0
    with pytest.raises(Forbidden):
        refund.reserve_refund(paid, ALICE, RefundRequest(), "re_1", 500, T0)


def test_a_declined_refund_releases_the_amount():
    paid, _ = refund.reserve_refund(_charged(), SHOP, RefundRequest(), "re_1", 0, T0)
    failed, _ = refund.settle_refund(paid, "re_1", GatewayResult(Outcome.DECLINED), T0)
    assert failed.refundable == 1000 and failed.refunds[0].status.value == "failed"
    ok, _ = refund.settle_refund(paid, "re_1", GatewayResult(Outcome.SUCCEEDED), T0)
    assert ok.status is Status.REFUNDED


def test_new_card_methods_keep_only_what_may_be_shown():
    method, secret = payment_method_from(
        NewPaymentMethod("card", VISA, 12, 2031, "123"), ALICE, "pm_9", T0
    )
    assert (method.brand, method.last4, method.customer_id) == ("visa", "4242", "usr_a")
    assert secret == VISA and VISA not in repr(method)
    with pytest.raises(ValidationFailed):
        payment_method_from(NewPaymentMethod("card", VISA), ALICE, "pm_9", T0)
    with pytest.raises(ValidationFailed) as error:
        payment_method_from(NewPaymentMethod("wallet", "x"), ALICE, "pm_9", T0)
    assert error.value.param == "type"
