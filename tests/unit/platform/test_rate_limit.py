import pytest

from till.platform.rate_limit import InMemoryRateLimiter, RateRule, gcra

RULE = RateRule("t", limit=3, period_seconds=60.0)


def _burst(n: int, now: float = 1000.0):
    tat, decisions = 0.0, []
    for _ in range(n):
        tat, decision = gcra(tat, now, RULE)
        decisions.append(decision)
    return tat, decisions


def test_a_burst_up_to_the_limit_is_allowed_with_falling_remaining():
    _, decisions = _burst(3)
    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [2, 1, 0]


def test_the_request_past_the_limit_is_refused_with_a_retry_after():
    _, decisions = _burst(4)
    refused = decisions[-1]
    assert not refused.allowed and refused.remaining == 0
    assert refused.retry_after_seconds == 20  # one slot refills every 60/3 s


def test_a_refused_request_does_not_use_up_capacity():
    tat, _ = _burst(4)
    tat_after, again = gcra(tat, 1000.0, RULE)
    assert tat_after == tat and not again.allowed


def test_capacity_refills_smoothly():
    tat, _ = _burst(3)
    _, early = gcra(tat, 1019.0, RULE)
    _, on_time = gcra(tat, 1020.0, RULE)
    assert not early.allowed and on_time.allowed


def test_reset_says_when_the_bucket_is_full_again():
    _, decisions = _burst(3)
    assert decisions[-1].reset_seconds == 60


@pytest.mark.parametrize("limit", [1, 10, 120])
def test_exactly_limit_requests_fit_in_one_instant(limit):
    rule = RateRule("t", limit=limit, period_seconds=60.0)
    tat, allowed = 0.0, 0
    for _ in range(limit + 5):
        tat, decision = gcra(tat, 5.0, rule)
        allowed += decision.allowed
    assert allowed == limit


async def test_in_memory_limiter_keeps_keys_and_rules_apart():
    limiter = InMemoryRateLimiter()
    rule = RateRule("a", limit=1, period_seconds=60.0)
    other_rule = RateRule("b", limit=1, period_seconds=60.0)
    assert (await limiter.hit("ip:1", rule)).allowed
    assert not (await limiter.hit("ip:1", rule)).allowed
    assert (await limiter.hit("ip:2", rule)).allowed
    assert (await limiter.hit("ip:1", other_rule)).allowed
