import random
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.fakes.clock import FixedClock
from till.kernel.money import Money, currency
from till.payments.core.cards import luhn_valid
from till.payments.core.gateway import (
    ChargeRequest,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayResult,
    GatewayUnavailable,
    Outcome,
)
from till.payments.shell.adapters import sandbox_gateway
from till.payments.shell.adapters.sandbox_gateway import SandboxGateway

SUCCEEDS = "4242424242424242"
TIMES_OUT_AFTER_PROCESSING = "4000000000000259"
UNAVAILABLE = "4000000000000341"
DECLINES = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
}
USD = currency("usd")
T_START = datetime(2026, 1, 15, tzinfo=UTC)  # FixedClock's day
T_END = datetime(2026, 1, 16, tzinfo=UTC)


def usd(amount: int) -> Money:
    return Money(amount, USD)


def charge(
    secret: str = SUCCEEDS,
    *,
    amount: int = 1000,
    capture: bool = True,
    key: str = "key-1",
    method_type: str = "card",
) -> ChargeRequest:
    return ChargeRequest(
        payment_id="pay_1",
        amount=usd(amount),
        method_type=method_type,
        secret=secret,
        exp_month=12,
        exp_year=2030,
        capture=capture,
        idempotency_key=key,
    )


class ScriptedDraws(random.Random):
    """A `random.Random` answering the given draws, in order."""

    def __init__(self, *draws: float) -> None:
        super().__init__(0)
        self.draws = list(draws)

    def random(self) -> float:
        return self.draws.pop(0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def gateway(clock) -> SandboxGateway:
    return SandboxGateway(clock)


async def held(gateway, amount: int = 1000) -> str:
    result = await gateway.authorize(charge(amount=amount, capture=False, key="hold"))
    return result.reference


async def charged(gateway, amount: int = 1000) -> str:
    result = await gateway.authorize(charge(amount=amount, key="charge"))
    return result.reference


# Cards


def test_gateway_is_named_sandbox(gateway):
    assert gateway.name == "sandbox"


@pytest.mark.parametrize(
    "number", [SUCCEEDS, TIMES_OUT_AFTER_PROCESSING, UNAVAILABLE, *DECLINES]
)
def test_every_test_card_passes_luhn(number):
    assert luhn_valid(number)


async def test_succeeding_card_with_capture_is_charged(gateway):
    result = await gateway.authorize(charge(SUCCEEDS, capture=True))
    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference.startswith("sbx_ch_")
    assert result.decline_code is None


async def test_succeeding_card_without_capture_is_held(gateway):
    result = await gateway.authorize(charge(SUCCEEDS, capture=False))
    assert result.outcome is Outcome.REQUIRES_CAPTURE
    assert result.reference.startswith("sbx_ch_")


async def test_unlisted_card_number_succeeds(gateway):
    result = await gateway.authorize(charge("4000000000000101"))
    assert result.outcome is Outcome.SUCCEEDED


@pytest.mark.parametrize(("number", "code"), DECLINES.items())
async def test_declined_card_answers_its_decline_code(gateway, number, code):
    result = await gateway.authorize(charge(number))
    assert result.outcome is Outcome.DECLINED
    assert result.decline_code == code
    assert (await gateway.lookup(result.reference)).decline_code == code


async def test_each_charge_gets_its_own_reference(gateway):
    first = await gateway.authorize(charge(key="a"))
    second = await gateway.authorize(charge(key="b"))
    assert first.reference != second.reference


async def test_card_number_appears_in_no_result_error_or_repr(gateway):
    texts = [repr(gateway), repr(await gateway.authorize(charge(key="ok")))]
    for key, number in (("declined", "4000000000000002"), ("other", SUCCEEDS)):
        texts.append(repr(await gateway.authorize(charge(number, key=key))))
    with pytest.raises(GatewayRejected) as reused:
        await gateway.authorize(charge("4000000000000002", key="ok"))
    with pytest.raises(GatewayOutcomeUnknown) as unknown:
        await gateway.authorize(charge(TIMES_OUT_AFTER_PROCESSING, key="t"))
    with pytest.raises(GatewayUnavailable) as unavailable:
        await gateway.authorize(charge(UNAVAILABLE, key="u"))
    texts += [str(e.value) for e in (reused, unknown, unavailable)]
    for number in (SUCCEEDS, "4000000000000002", TIMES_OUT_AFTER_PROCESSING):
        assert not any(number in text for text in texts)


async def test_unsupported_method_type_is_rejected(gateway):
    with pytest.raises(GatewayRejected):
        await gateway.authorize(charge(method_type="crypto"))


# Bank transfers


async def test_bank_transfer_is_pending_until_the_delay_has_passed(clock):
    gateway = SandboxGateway(clock, bank_transfer_delay=5.0)
    transfer = charge("DE89370400440532013000", method_type="bank_transfer")
    result = await gateway.authorize(transfer)
    assert result.outcome is Outcome.PENDING
    clock.advance(4.9)
    assert (await gateway.lookup(result.reference)).outcome is Outcome.PENDING
    clock.advance(0.1)
    assert (await gateway.lookup(result.reference)).outcome is Outcome.SUCCEEDED


async def test_bank_transfer_is_refundable_only_once_completed(gateway, clock):
    transfer = charge("DE89370400440532013000", method_type="bank_transfer")
    reference = (await gateway.authorize(transfer)).reference
    with pytest.raises(GatewayRejected):
        await gateway.refund(reference, usd(1000), "early")
    clock.advance(5.0)
    assert (await gateway.refund(reference, usd(1000), "late")).outcome == "succeeded"


# Capture


async def test_capture_takes_the_held_amount(gateway):
    reference = await held(gateway)
    result = await gateway.capture(reference, usd(1000), "cap")
    assert result == GatewayResult(Outcome.SUCCEEDED, reference, fee=59)
    assert (await gateway.lookup(reference)).outcome is Outcome.SUCCEEDED


async def test_its_book_holds_the_money_moved_with_its_fees(gateway):
    reference = await held(gateway)
    assert await gateway.transactions(T_START, T_END) == []  # held: nothing moved
    await gateway.capture(reference, usd(600), "cap")
    refund = await gateway.refund(reference, usd(100), "re")
    other = await gateway.authorize(charge(capture=False, key="hold-2"))
    await gateway.void(other.reference, "void")  # releases, moves nothing
    moved = await gateway.transactions(T_START, T_END)
    assert [(m.kind, m.reference, m.amount, m.fee) for m in moved] == [
        ("charge", reference, 600, 47),  # 17.4 → 17, + 30
        ("refund", refund.reference, 100, 0),
    ]
    assert await gateway.transactions(T_END, T_END + (T_END - T_START)) == []


async def test_partial_capture_limits_what_can_be_refunded(gateway):
    reference = await held(gateway)
    await gateway.capture(reference, usd(600), "cap")
    with pytest.raises(GatewayRejected):
        await gateway.refund(reference, usd(601), "too-much")
    assert (await gateway.refund(reference, usd(600), "all")).outcome == "succeeded"


@pytest.mark.parametrize(
    "amount", [usd(1001), usd(0), Money(1000, currency("eur"))], ids=str
)
async def test_capture_outside_the_held_amount_is_rejected(gateway, amount):
    reference = await held(gateway)
    with pytest.raises(GatewayRejected):
        await gateway.capture(reference, amount, "cap")


async def test_capture_of_unknown_reference_is_rejected(gateway):
    with pytest.raises(GatewayRejected):
        await gateway.capture("sbx_ch_nope", usd(1), "cap")


async def test_capturing_twice_with_another_key_is_rejected(gateway):
    reference = await held(gateway)
    await gateway.capture(reference, usd(1000), "cap-1")
    with pytest.raises(GatewayRejected):
        await gateway.capture(reference, usd(1000), "cap-2")


async def test_capture_of_a_charged_or_declined_payment_is_rejected(gateway):
    taken = await charged(gateway)
    declined = await gateway.authorize(charge("4000000000000002", key="declined"))
    for reference in (taken, declined.reference):
        with pytest.raises(GatewayRejected):
            await gateway.capture(reference, usd(1), f"cap-{reference}")


# Void


async def test_void_releases_an_uncaptured_authorisation(gateway):
    reference = await held(gateway)
    assert await gateway.void(reference, "void") == GatewayResult(
        Outcome.SUCCEEDED, reference
    )
    looked_up = await gateway.lookup(reference)
    assert (looked_up.outcome, looked_up.message) == (Outcome.DECLINED, "voided")
    with pytest.raises(GatewayRejected):
        await gateway.capture(reference, usd(1000), "cap")


async def test_void_of_a_captured_charge_is_rejected(gateway):
    reference = await charged(gateway)
    with pytest.raises(GatewayRejected):
        await gateway.void(reference, "void")


async def test_voiding_twice_with_another_key_is_rejected(gateway):
    reference = await held(gateway)
    await gateway.void(reference, "void-1")
    with pytest.raises(GatewayRejected):
        await gateway.void(reference, "void-2")


async def test_void_of_unknown_reference_is_rejected(gateway):
    with pytest.raises(GatewayRejected):
        await gateway.void("sbx_ch_nope", "void")


# Refund


async def test_refund_answers_a_refund_reference(gateway):
    result = await gateway.refund(await charged(gateway), usd(400), "re")
    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference.startswith("sbx_re_")


async def test_refunds_never_exceed_the_captured_amount(gateway):
    reference = await charged(gateway)
    await gateway.refund(reference, usd(700), "re-1")
    with pytest.raises(GatewayRejected):
        await gateway.refund(reference, usd(301), "re-2")
    assert (await gateway.refund(reference, usd(300), "re-3")).outcome == "succeeded"
    with pytest.raises(GatewayRejected):
        await gateway.refund(reference, usd(1), "re-4")


async def test_refund_of_an_uncaptured_authorisation_is_rejected(gateway):
    with pytest.raises(GatewayRejected):
        await gateway.refund(await held(gateway), usd(1), "re")


async def test_refund_of_unknown_reference_is_rejected(gateway):
    with pytest.raises(GatewayRejected):
        await gateway.refund("sbx_ch_nope", usd(1), "re")


async def test_lookup_of_unknown_reference_is_rejected(gateway):
    with pytest.raises(GatewayRejected):
        await gateway.lookup("sbx_ch_nope")


# Idempotency


async def test_authorize_replayed_with_its_key_answers_the_same_charge(gateway):
    first = await gateway.authorize(charge(capture=False))
    assert await gateway.authorize(charge(capture=False)) == first
    await gateway.capture(first.reference, usd(1000), "cap")
    assert await gateway.authorize(charge(capture=False)) == first


async def test_refund_replayed_with_its_key_moves_money_once(gateway):
    reference = await charged(gateway)
    first = await gateway.refund(reference, usd(600), "re")
    assert await gateway.refund(reference, usd(600), "re") == first
    assert (await gateway.refund(reference, usd(400), "re-2")).outcome == "succeeded"


async def test_capture_and_void_replayed_with_their_keys_answer_the_same(gateway):
    captured = await held(gateway)
    first = await gateway.capture(captured, usd(500), "cap")
    assert await gateway.capture(captured, usd(500), "cap") == first
    voided = (await gateway.authorize(charge(capture=False, key="h2"))).reference
    first = await gateway.void(voided, "void")
    assert await gateway.void(voided, "void") == first


@pytest.mark.parametrize(
    "other",
    [charge(amount=999), charge(capture=False), charge("4000000000000002")],
    ids=["amount", "capture", "card"],
)
async def test_authorize_key_reused_with_other_parameters_is_rejected(gateway, other):
    await gateway.authorize(charge())
    with pytest.raises(GatewayRejected):
        await gateway.authorize(other)


async def test_key_reused_for_another_call_is_rejected(gateway):
    reference = await charged(gateway)
    await gateway.refund(reference, usd(100), "re")
    with pytest.raises(GatewayRejected):
        await gateway.refund(reference, usd(200), "re")
    with pytest.raises(GatewayRejected):
        await gateway.void(reference, "re")


# Simulated network failures


async def test_timeout_card_is_processed_then_answers_an_unknown_outcome(gateway):
    with pytest.raises(GatewayOutcomeUnknown):
        await gateway.authorize(charge(TIMES_OUT_AFTER_PROCESSING, capture=False))
    retried = await gateway.authorize(charge(TIMES_OUT_AFTER_PROCESSING, capture=False))
    assert retried.outcome is Outcome.REQUIRES_CAPTURE
    assert (await gateway.capture(retried.reference, usd(1000), "cap")).outcome
    assert len(gateway.state.charges) == 1


async def test_unavailable_card_processes_nothing(gateway):
    for _ in range(2):
        with pytest.raises(GatewayUnavailable):
            await gateway.authorize(charge(UNAVAILABLE))
    # Nothing was recorded under the key: other parameters are accepted.
    assert (await gateway.authorize(charge())).outcome is Outcome.SUCCEEDED


async def test_injected_unavailability_processes_nothing(clock):
    gateway = SandboxGateway(clock, unavailable_rate=0.1, rng=ScriptedDraws(0.05, 0.5))
    with pytest.raises(GatewayUnavailable):
        await gateway.authorize(charge(amount=999))
    assert (await gateway.authorize(charge())).outcome is Outcome.SUCCEEDED


async def test_injected_timeout_is_processed_and_replayed_once(clock):
    draws = ScriptedDraws(0.15, 0.9)
    gateway = SandboxGateway(clock, unavailable_rate=0.1, timeout_rate=0.1, rng=draws)
    with pytest.raises(GatewayOutcomeUnknown):
        await gateway.authorize(charge())
    replayed = await gateway.authorize(charge())
    assert replayed.outcome is Outcome.SUCCEEDED
    assert len(gateway.state.charges) == 1


async def test_injected_failures_also_reach_lookup(clock):
    draws = ScriptedDraws(0.9, 0.05, 0.15)
    gateway = SandboxGateway(clock, unavailable_rate=0.1, timeout_rate=0.1, rng=draws)
    reference = await charged(gateway)
    with pytest.raises(GatewayUnavailable):
        await gateway.lookup(reference)
    with pytest.raises(GatewayOutcomeUnknown):
        await gateway.lookup(reference)


async def test_seeded_rng_makes_the_failures_repeat(clock):
    async def failures(seed: int) -> list[str]:
        gateway = SandboxGateway(
            clock, unavailable_rate=0.3, timeout_rate=0.3, rng=random.Random(seed)
        )
        seen = []
        for attempt in range(20):
            try:
                await gateway.authorize(charge(key=f"k{attempt}"))
                seen.append("ok")
            except (GatewayUnavailable, GatewayOutcomeUnknown) as error:
                seen.append(type(error).__name__)
        return seen

    first = await failures(7)
    assert first == await failures(7)
    assert {"ok", "GatewayUnavailable", "GatewayOutcomeUnknown"} <= set(first)


async def test_latency_is_awaited_only_when_positive(clock, monkeypatch):
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(sandbox_gateway, "asyncio", SimpleNamespace(sleep=sleep))
    await SandboxGateway(clock).authorize(charge())
    await SandboxGateway(clock, latency=0.25).authorize(charge())
    assert slept == [0.25]


@pytest.mark.parametrize(
    "settings",
    [
        {"timeout_rate": -0.1},
        {"latency": -1.0},
        {"timeout_rate": 0.6, "unavailable_rate": 0.5},
    ],
)
def test_impossible_settings_are_refused(clock, settings):
    with pytest.raises(ValueError):
        SandboxGateway(clock, **settings)
