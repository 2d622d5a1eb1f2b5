"""Screening inside the confirm path (fakes and the sandbox): held and blocked
payments never reach the processor, the verdict is recorded with the confirm,
counters hear the processor's answer, and a dead counter store fails open. The
review desk then decides held payments."""

from datetime import datetime

import pytest

from tests.unit.orchestrators.payment_rig import ALICE, SHOP, Rig
from till.kernel.errors import Forbidden, NotFound
from till.kernel.money import Money, currency
from till.payments.core.access import Caller, MfaRequired
from till.payments.core.fraud import AllowList, Attempt, FraudRules, Signals
from till.payments.core.models import Status
from till.payments.shell.adapters.memory_fraud_signals import MemoryFraudSignals
from till.payments.shell.orchestrators.fraud_screening import (
    FraudPolicy,
    FraudScreening,
)
from till.payments.shell.orchestrators.review_desk import ReviewDesk

DECLINED_CARD = "4000000000000002"  # pragma: allowlist secret
IP = "198.51.100.4"
ADMIN_MFA = Caller("user", "usr_root", admin=True, recent_mfa=True)


class BrokenSignals:
    async def observe(self, attempt: Attempt, now: datetime) -> Signals:
        raise ConnectionError("redis is down")

    async def settled(self, attempt, succeeded, amount, now) -> None:
        raise ConnectionError("redis is down")

    async def flagged(self, attempt, now) -> None:
        raise ConnectionError("redis is down")


def _rig(signals=None, rules: FraudRules | None = None) -> Rig:
    rig = Rig()
    policy = FraudPolicy(rules or FraudRules(), AllowList(), b"k" * 32)
    rig.commands.screening = FraudScreening(
        signals or MemoryFraudSignals(), policy, rig.clock
    )
    return rig


class Queue:
    def __init__(self, rig: Rig) -> None:
        self.rig = rig

    async def open_reviews(self, limit, starting_after):
        held = [
            p
            for p in self.rig.store.payments.values()
            if p.status is Status.REQUIRES_REVIEW
        ]
        return held[:limit], len(held) > limit

    async def payment_for_review(self, review_id):
        found = [
            p for p in self.rig.store.payments.values() if p.review_id == review_id
        ]
        return found[0].id if found else None


def _desk(rig: Rig) -> ReviewDesk:
    units = rig.commands.units
    return ReviewDesk(units, rig.commands.moves, Queue(rig), rig.clock)


async def test_an_ordinary_payment_is_scored_and_goes_through():
    rig = _rig()
    payment = (
        await rig.pay(ip=IP, payment_method=await rig.card(), confirm=True)
    ).result
    assert payment.status is Status.COMPLETED
    assert payment.risk is not None and payment.risk.score == 0
    processing = rig.store.streams[payment.id][1]
    assert processing.data["risk"] == {"score": 0, "level": "normal", "reasons": []}


async def _card_testing(rig: Rig, cards: int) -> list:
    found = []
    for n in range(cards):
        body = f"55555555{n:07d}"  # not one of the sandbox's decline cards
        number = body + _luhn_digit(body)
        method = await rig.card(number, caller=SHOP)
        outcome = await rig.pay(SHOP, ip=IP, payment_method=method, confirm=True)
        found.append(outcome.result)
    return found


def _luhn_digit(body: str) -> str:
    total = 0
    for i, d in enumerate(int(c) for c in reversed(body)):
        total += sum(divmod(d * 2, 10)) if i % 2 == 0 else d
    return str((10 - total % 10) % 10)


async def test_many_cards_from_one_ip_are_held_then_blocked_never_charged():
    rig = _rig()
    payments = await _card_testing(rig, 6)
    statuses = [p.status for p in payments]
    assert statuses[:3] == [Status.COMPLETED] * 3
    assert statuses[3] is Status.REQUIRES_REVIEW
    assert payments[3].risk.reasons == ("card_testing",)
    # held and blocked payments were recorded once, the processor never asked
    assert all(p.amount_received == 0 for p in payments[3:])
    types = [e.type for e in rig.store.streams[payments[3].id]]
    assert types == ["payment.created", "payment.processing", "payment.requires_review"]


async def test_blocked_payments_fail_with_fraud_suspected():
    rules = FraudRules.from_overrides({"card_testing": {"limit": 1, "points": 90}})
    rig = _rig(rules=rules)
    payments = await _card_testing(rig, 2)
    blocked = payments[1]
    assert blocked.status is Status.FAILED
    assert blocked.failure_code == "fraud_suspected"
    types = [e.type for e in rig.store.streams[blocked.id]]
    assert types == ["payment.created", "payment.processing", "payment.failed"]


async def test_declines_feed_back_and_the_next_attempt_scores_higher():
    signals = MemoryFraudSignals()
    rig = _rig(signals)
    method = await rig.card(DECLINED_CARD)
    for _ in range(3):
        payment = (await rig.pay(ip=IP, payment_method=method, confirm=True)).result
        assert payment.status is Status.FAILED
    last = (await rig.pay(ip=IP, payment_method=method, confirm=True)).result
    assert "repeated_declines" in last.risk.reasons


async def test_completed_payments_build_the_customers_history():
    signals = MemoryFraudSignals()
    rig = _rig(signals)
    method = await rig.card()
    for _ in range(3):
        await rig.pay(ip=IP, payment_method=method, confirm=True)
    rig.clock.advance(7200)  # out of the velocity windows
    big = Money(20_000, currency("usd"))
    spike = await rig.pay(ip=IP, payment_method=method, confirm=True, amount=big)
    assert spike.result.status is Status.REQUIRES_REVIEW
    assert spike.result.risk.reasons == ("amount_extreme",)


async def test_a_held_payment_flags_the_next_attempt_from_its_address():
    rig = _rig()
    payments = await _card_testing(rig, 5)
    assert payments[3].risk.reasons == ("card_testing",)
    assert payments[4].risk.reasons == ("card_testing", "recently_flagged")
    assert payments[4].status is Status.FAILED  # 90: blocked


async def test_when_the_counters_are_down_flagging_is_skipped_quietly():
    rules = FraudRules.from_overrides(
        {"large_first_payment": {"limit": 1, "points": 60}}
    )
    rig = _rig(BrokenSignals(), rules)
    payment = (
        await rig.pay(ip=IP, payment_method=await rig.card(), confirm=True)
    ).result
    assert payment.status is Status.REQUIRES_REVIEW


async def test_when_the_counters_are_down_payments_still_go_through():
    rig = _rig(BrokenSignals())
    payment = (
        await rig.pay(ip=IP, payment_method=await rig.card(), confirm=True)
    ).result
    assert payment.status is Status.COMPLETED
    assert payment.risk is not None and payment.risk.level.value == "normal"


async def test_without_screening_the_payment_is_not_assessed():
    rig = Rig()
    payment = (await rig.pay(payment_method=await rig.card(), confirm=True)).result
    assert payment.risk is None


async def _held(rig: Rig):
    return (await _card_testing(rig, 4))[3]


async def test_approving_a_review_charges_the_payment():
    rig = _rig()
    held = await _held(rig)
    approved = await _desk(rig).approve(ADMIN_MFA, held.review_id)
    assert approved.status is Status.COMPLETED
    assert approved.amount_received == held.amount.amount
    assert [e.type for e in rig.store.streams[held.id]][-2:] == [
        "payment.review_approved",
        "payment.completed",
    ]


async def test_rejecting_a_review_cancels_the_payment():
    rig = _rig()
    held = await _held(rig)
    rejected = await _desk(rig).reject(ADMIN_MFA, held.review_id)
    assert rejected.status is Status.CANCELED
    assert rig.store.payments[held.id].status is Status.CANCELED


async def test_the_queue_lists_held_payments_for_admins_only():
    rig = _rig()
    held = await _held(rig)
    desk = _desk(rig)
    found, more = await desk.open_reviews(ADMIN_MFA, 10, None)
    assert [p.id for p in found] == [held.id] and more is False
    with pytest.raises(Forbidden):
        await desk.open_reviews(SHOP, 10, None)


@pytest.mark.parametrize(
    ("caller", "error"),
    [
        (Caller("user", "usr_root", admin=True), MfaRequired),
        (ALICE, Forbidden),
        (SHOP, Forbidden),
    ],
)
async def test_deciding_needs_an_admin_with_mfa_before_anything_is_read(caller, error):
    rig = _rig()
    with pytest.raises(error):
        await _desk(rig).approve(caller, "rev_unknown")


async def test_an_unknown_review_is_not_found():
    with pytest.raises(NotFound):
        await _desk(_rig()).reject(ADMIN_MFA, "rev_unknown")
