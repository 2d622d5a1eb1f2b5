"""The circuit breaker opens on a failure rate, probes after a while, and closes
when the probe gets an answer."""

from datetime import UTC, datetime, timedelta

from till.payments.core.breaker import Breaker, BreakerPolicy, BreakerState

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = BreakerPolicy(window=4, min_calls=4, failure_rate=0.5, open_seconds=30)


def _run(breaker, outcomes, at=T0):
    for answered in outcomes:
        breaker = breaker.record(POLICY, answered, at)
    return breaker


def test_it_opens_at_the_failure_rate_once_enough_calls_are_known():
    assert _run(Breaker(), [False, False, True]).state is BreakerState.CLOSED
    opened = _run(Breaker(), [True, False, True, False])
    assert opened.state is BreakerState.OPEN
    assert opened.allows(POLICY, T0 + timedelta(seconds=29))[1] is False


def test_after_its_time_one_probe_goes_through_and_decides():
    opened = _run(Breaker(), [False] * 4)
    later = T0 + timedelta(seconds=30)
    probing, allowed = opened.allows(POLICY, later)
    assert allowed and probing.state is BreakerState.HALF_OPEN
    assert probing.allows(POLICY, later)[1] is False  # one probe at a time
    assert probing.record(POLICY, True, later).state is BreakerState.CLOSED
    reopened = probing.record(POLICY, False, later)
    assert reopened.state is BreakerState.OPEN and reopened.opened_at == later


def test_only_the_last_window_counts():
    breaker = _run(Breaker(), [False, True, True, True, True, True])
    assert breaker.state is BreakerState.CLOSED and len(breaker.outcomes) == 4
    assert False not in breaker.outcomes  # the old failure fell out
