"""The Stripe adapter over real HTTP against a local fake Stripe (fake_stripe.py).
The client timeout is 0.3 s and retries wait 10 ms, so the file stays fast."""

import logging
import socket
import traceback
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.payments.fake_stripe import APPROVED_CARD, FakeStripe
from tests.integration.payments.fake_stripe_server import running_fake_stripe
from till.kernel.money import Money, currency
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayUnavailable,
    Outcome,
)
from till.payments.shell.adapters import stripe_balance
from till.payments.shell.adapters.stripe_gateway import (
    StripeGateway,
    stripe_idempotency_key,
)

# The SDK (16.1) hands httpx the form body as `data=<str>`, which httpx deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")
API_KEY = "sk_test_fakekey0123456789"  # pragma: allowlist secret
USD = currency("usd")


def charge(
    secret: str = APPROVED_CARD,
    *,
    capture: bool = True,
    key: str = "pay_1:authorize",
    amount: Money | None = None,
    method_type: str = "card",
) -> ChargeRequest:
    return ChargeRequest(
        payment_id="pay_1",
        amount=amount or Money(1050, USD),
        method_type=method_type,
        secret=secret,
        exp_month=12,
        exp_year=2034,
        capture=capture,
        idempotency_key=key,
    )


@pytest.fixture
def fake() -> Iterator[FakeStripe]:
    with running_fake_stripe() as server:
        yield server


def make_gateway(api_base: str) -> StripeGateway:
    return StripeGateway(
        API_KEY, api_base=api_base, timeout=0.3, max_retries=2, retry_delay=0.01
    )


@pytest.fixture
async def gateway(fake: FakeStripe) -> AsyncIterator[StripeGateway]:
    made = make_gateway(fake.url)
    yield made
    await made.aclose()


async def test_a_charge_is_a_confirmed_payment_intent(gateway, fake) -> None:
    result = await gateway.authorize(charge())

    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference == "pi_fake1"
    (request,) = fake.seen
    assert request.idempotency_key == "till:authorize:pay_1:authorize"
    expected = {
        "amount": "1050",
        "currency": "usd",
        "capture_method": "automatic",
        "confirm": "true",
        "payment_method_data[card][number]": APPROVED_CARD,
        "payment_method_data[card][exp_year]": "2034",
        "metadata[till_payment_id]": "pay_1",
    }
    assert request.form.items() >= expected.items()


async def test_a_hold_is_captured_then_refunded(gateway, fake, monkeypatch) -> None:
    monkeypatch.setattr(stripe_balance, "PAGE", 1)  # the listing pages through
    held = await gateway.authorize(charge(capture=False))
    assert held.outcome is Outcome.REQUIRES_CAPTURE
    assert fake.seen[0].form["capture_method"] == "manual"

    captured = await gateway.capture(held.reference, Money(800, USD), "cap_1")
    refunded = await gateway.refund(held.reference, Money(300, USD), "ref_1")

    assert captured.outcome is Outcome.SUCCEEDED
    assert fake.seen[1].form == {"amount_to_capture": "800"}
    assert fake.seen[1].idempotency_key == "till:capture:cap_1"
    assert refunded.outcome is Outcome.SUCCEEDED
    assert refunded.reference == "re_fake1"
    assert fake.seen[2].form == {"payment_intent": "pi_fake1", "amount": "300"}
    assert (await gateway.lookup("pi_fake1")).outcome is Outcome.SUCCEEDED
    assert (await gateway.lookup("re_fake1")).outcome is Outcome.SUCCEEDED
    # what moved, as reconciliation reads it: Stripe's balance transactions,
    # the charge under its PaymentIntent, the refund under its own id
    now = datetime.now(UTC)
    moved = await gateway.transactions(
        now - timedelta(hours=1), now + timedelta(hours=1)
    )
    assert [(m.kind, m.reference, m.amount, m.fee) for m in moved] == [
        ("charge", "pi_fake1", 800, 53),  # 23.2 → 23, + 30
        ("refund", "re_fake1", 300, 0),
    ]
    listed = [r for r in fake.seen if r.path.startswith("/v1/balance_transactions")]
    assert len(listed) == 2  # one page per transaction, the second after the first


async def test_a_void_cancels_the_hold(gateway, fake) -> None:
    held = await gateway.authorize(charge(capture=False))

    voided = await gateway.void(held.reference, "void_1")
    assert voided.outcome is Outcome.SUCCEEDED
    assert fake.intents["pi_fake1"]["status"] == "canceled"
    looked_up = await gateway.lookup(held.reference)
    assert (looked_up.outcome, looked_up.message) == (Outcome.DECLINED, "canceled")


async def test_refusals_of_the_request_itself_are_rejections(gateway, fake) -> None:
    held = await gateway.authorize(charge(capture=False))
    with pytest.raises(GatewayRejected, match="amount_too_large"):
        await gateway.capture(held.reference, Money(5000, USD), "cap_1")
    with pytest.raises(GatewayRejected, match="IdempotencyError"):
        await gateway.authorize(charge(amount=Money(999, USD), capture=False))


@pytest.mark.parametrize(
    ("card", "decline_code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4000000000000127", "incorrect_cvc"),
        ("4000000000000119", "processing_error"),
        ("4111111111111112", "card_declined"),  # Stripe: incorrect_number
    ],
)
async def test_a_card_error_is_a_decline(gateway, card, decline_code) -> None:
    result = await gateway.authorize(charge(card))
    assert (result.outcome, result.reference) == (Outcome.DECLINED, "pi_fake1")
    assert result.decline_code == decline_code
    assert result.message and card not in result.message
    assert (await gateway.lookup("pi_fake1")).decline_code == decline_code


async def test_a_sepa_debit_is_pending(gateway, fake) -> None:
    iban = "DE89370400440532013000"
    result = await gateway.authorize(charge(iban, method_type="bank_transfer"))
    assert result.outcome is Outcome.PENDING
    expected = {
        "payment_method_types[0]": "sepa_debit",
        "payment_method_data[sepa_debit][iban]": iban,
        "mandate_data[customer_acceptance][type]": "offline",
    }
    assert fake.seen[0].form.items() >= expected.items()


async def test_isk_is_sent_two_decimal_as_stripe_wants(gateway, fake) -> None:
    await gateway.authorize(charge(amount=Money(5, currency("isk"))))
    assert fake.seen[0].form["amount"] == "500"


async def test_429s_are_retried_with_one_key_then_unavailable(gateway, fake):
    fake.fail_next(3, "429")
    with pytest.raises(GatewayUnavailable, match="429"):
        await gateway.authorize(charge())
    assert fake.keys_seen() == ["till:authorize:pay_1:authorize"] * 3
    assert fake.intents == {}


async def test_a_server_error_is_retried_and_may_succeed(gateway, fake) -> None:
    fake.fail_next(1, "500")
    result = await gateway.authorize(charge())
    assert result.outcome is Outcome.SUCCEEDED
    assert len(set(fake.keys_seen())) == 1 and len(fake.seen) == 2


async def test_persistent_server_errors_leave_the_outcome_unknown(gateway, fake):
    fake.fail_next(3, "500")
    with pytest.raises(GatewayOutcomeUnknown, match="500"):
        await gateway.refund("pi_x", Money(100, USD), "ref_1")
    assert len(fake.seen) == 3

    fake.fail_next(3, "500")  # a lookup moves nothing: it is just unavailable
    with pytest.raises(GatewayUnavailable):
        await gateway.lookup("pi_x")


async def test_a_timeout_is_unknown_and_asking_again_charges_once(gateway, fake):
    fake.fail_next(3, "stall")
    with pytest.raises(GatewayOutcomeUnknown, match="ReadTimeout"):
        await gateway.authorize(charge())
    assert len(fake.intents) == 1 and len(set(fake.keys_seen())) == 1

    again = await gateway.authorize(charge())
    assert (again.outcome, again.reference) == (Outcome.SUCCEEDED, "pi_fake1")
    assert len(fake.intents) == 1


async def test_a_timeout_stays_unknown_though_retries_get_429s(gateway, fake):
    fake.fail_next(1, "stall")
    fake.fail_next(2, "429")
    with pytest.raises(GatewayOutcomeUnknown):
        await gateway.authorize(charge())


async def test_a_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = make_gateway(f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(GatewayUnavailable, match="ConnectError"):
            await gateway.authorize(charge())
    finally:
        await gateway.aclose()


def test_idempotency_keys_are_derived_per_operation() -> None:
    assert stripe_idempotency_key("refund", "k1") == "till:refund:k1"
    assert stripe_idempotency_key("void", "k1") == "till:void:k1"
    long = stripe_idempotency_key("capture", "k" * 300)
    assert len(long) <= 255 and long == stripe_idempotency_key("capture", "k" * 300)


async def test_secrets_reach_no_error_log_or_repr(gateway, fake, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail_next(1, "echo400")  # a 400 whose message repeats the parameters
    with pytest.raises(GatewayRejected) as raised:
        await gateway.authorize(charge())
    await gateway.authorize(charge("4000000000009995"))

    shown = "".join(traceback.format_exception(raised.value)) + repr(raised.value)
    assert "parameter_invalid" in shown
    for secret in (APPROVED_CARD, "4000000000009995", API_KEY):
        assert secret not in shown
        assert secret not in caplog.text
    assert API_KEY not in repr(gateway)
    assert APPROVED_CARD not in repr(charge())
