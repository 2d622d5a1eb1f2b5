"""Risk scoring: each rule adds its points with a reason, thresholds decide,
allow lists skip the velocity rules only."""

import pytest

from till.kernel.errors import ValidationFailed
from till.payments.core.fraud import (
    AllowList,
    Attempt,
    FraudRules,
    Level,
    Risk,
    Rule,
    Signals,
    assess,
    card_fingerprint,
)

RULES = FraudRules()
NOBODY = AllowList()


def _attempt(amount: int = 1000, **kw: object) -> Attempt:
    fields: dict[str, object] = {
        "payment_id": "pay_1",
        "amount": amount,
        "currency": "usd",
        "customer_id": "usr_a",
        "card": "fp_1",
        "ip": "198.51.100.4",
    }
    fields.update(kw)
    return Attempt(**fields)  # type: ignore[arg-type]


def _score(signals: Signals, amount: int = 1000, allowed: AllowList = NOBODY) -> Risk:
    return assess(_attempt(amount), signals, RULES, allowed)


def test_an_ordinary_payment_is_normal_with_no_reasons():
    risk = _score(Signals(customer_payments=1, card_payments=1, ip_payments=1))
    assert risk == Risk(0, Level.NORMAL, ())


@pytest.mark.parametrize(
    ("signals", "reason"),
    [
        (Signals(customer_payments=6), "customer_velocity"),
        (Signals(card_payments=6), "card_velocity"),
        (Signals(ip_payments=21), "ip_velocity"),
        (Signals(ip_cards=4), "card_testing"),
        (Signals(customer_cards=3), "account_many_cards"),
        (Signals(customer_declines=3), "repeated_declines"),
        (Signals(card_declines=3), "repeated_declines"),
        (Signals(ip_declines=3), "repeated_declines"),
        (Signals(recent_flags=1), "recently_flagged"),
    ],
)
def test_each_velocity_rule_fires_above_its_limit(signals, reason):
    assert _score(signals).reasons == (reason,)


@pytest.mark.parametrize(
    "signals",
    [
        Signals(customer_payments=5),
        Signals(card_payments=5),
        Signals(ip_payments=20),
        Signals(ip_cards=3),
        Signals(customer_cards=2),
        Signals(customer_declines=2),
    ],
)
def test_at_the_limit_nothing_fires(signals):
    assert _score(signals).reasons == ()


def test_card_testing_alone_sends_to_review():
    risk = _score(Signals(ip_cards=4))
    assert (risk.score, risk.level) == (60, Level.ELEVATED)


def test_card_testing_with_declines_blocks():
    risk = _score(Signals(ip_cards=5, ip_declines=3))
    assert risk.level is Level.HIGHEST
    assert risk.reasons == ("card_testing", "repeated_declines")


def test_the_score_is_capped_at_100():
    every = Signals(
        customer_payments=9,
        card_payments=9,
        ip_payments=99,
        ip_cards=9,
        customer_cards=9,
        customer_declines=9,
    )
    assert _score(every).score == 100


HISTORY = Signals(history_count=4, history_sum=4000)  # usually 10.00


def test_an_amount_spike_against_history_adds_points_but_does_not_hold():
    risk = _score(HISTORY, amount=6000)
    assert risk.reasons == ("amount_spike",)
    assert risk.level is Level.NORMAL


def test_an_extreme_amount_goes_to_review():
    risk = _score(HISTORY, amount=10_001)
    assert risk.reasons == ("amount_extreme",)
    assert risk.level is Level.ELEVATED


def test_a_spike_from_a_new_ip_adds_its_own_reason():
    signals = Signals(history_count=4, history_sum=4000, new_ip=True)
    risk = _score(signals, amount=6000)
    assert risk.reasons == ("amount_spike", "new_ip_spike")
    assert risk.level is Level.ELEVATED


def test_usual_amounts_from_a_new_ip_are_fine():
    signals = Signals(history_count=4, history_sum=4000, new_ip=True)
    assert _score(signals, amount=1200).reasons == ()


def test_without_enough_history_only_a_large_first_payment_counts():
    few = Signals(history_count=2, history_sum=200)
    assert _score(few, amount=150_000).reasons == ()
    risk = _score(few, amount=200_001)
    assert risk.reasons == ("large_first_payment",)
    assert risk.level is Level.NORMAL


@pytest.mark.parametrize(
    "allowed",
    [
        AllowList(ips=frozenset({"198.51.100.4"})),
        AllowList(customers=frozenset({"usr_a"})),
        AllowList(cards=frozenset({"fp_1"})),
    ],
)
def test_an_allow_list_skips_velocity_but_not_amount_rules(allowed):
    signals = Signals(ip_cards=9, customer_payments=9, history_count=4, history_sum=4)
    assert _score(signals, amount=1000, allowed=allowed).reasons == ("amount_extreme",)


def test_an_allow_list_does_not_cover_other_traffic():
    allowed = AllowList(ips=frozenset({"127.0.0.1"}))
    attempt = _attempt(ip=None, customer_id=None)
    assert not allowed.covers(attempt)
    assert assess(attempt, Signals(card_payments=6), RULES, allowed).reasons == (
        "card_velocity",
    )


def test_overrides_change_limits_points_and_thresholds():
    rules = FraudRules.from_overrides(
        {"card_testing": {"limit": 1, "points": 90}, "review_at": 30}
    )
    assert rules.card_testing == Rule(1, 90)
    assert rules.review_at == 30
    assert rules.customer_velocity == FraudRules().customer_velocity
    risk = assess(_attempt(), Signals(ip_cards=2), rules, NOBODY)
    assert risk.level is Level.HIGHEST


@pytest.mark.parametrize(
    "overrides",
    [
        {"no_such_rule": {"limit": 1}},
        {"card_testing": {"limit": "3"}},
        {"card_testing": {"weight": 3}},
        {"card_testing": 3},
        {"review_at": -1},
        {"review_at": 90, "block_at": 80},
        {"block_at": 101},
    ],
)
def test_bad_overrides_are_refused(overrides):
    with pytest.raises(ValidationFailed):
        FraudRules.from_overrides(overrides)


def test_risk_round_trips_through_event_data():
    risk = Risk(65, Level.ELEVATED, ("card_testing", "amount_spike"))
    assert Risk.from_data(risk.as_data()) == risk


def test_fingerprints_match_per_card_and_key_and_hide_the_number():
    visa = "4242424242424242"  # pragma: allowlist secret
    key = b"k" * 32
    first = card_fingerprint(key, visa)
    assert first == card_fingerprint(key, visa)
    assert first != card_fingerprint(key, "4000000000000002")
    assert first != card_fingerprint(b"x" * 32, visa)
    assert visa not in first and len(first) == 32
