import pytest

from till.identity.core.throttle import ACCOUNT_POLICY, IP_POLICY, ThrottlePolicy


@pytest.mark.parametrize("failures", [0, 1, 4])
def test_failures_below_the_free_allowance_are_not_throttled(failures):
    assert ACCOUNT_POLICY.retry_after(failures, 1000.0, 1000.0) is None


@pytest.mark.parametrize(
    ("failures", "seconds"), [(5, 30), (6, 60), (7, 120), (9, 480), (10, 900)]
)
def test_back_off_doubles_per_failure(failures, seconds):
    assert ACCOUNT_POLICY.lockout_seconds(failures) == seconds


def test_back_off_is_capped_so_the_owner_is_never_locked_out_for_good():
    assert ACCOUNT_POLICY.lockout_seconds(10_000) == 15 * 60


def test_retry_after_counts_down_from_the_last_failure():
    assert ACCOUNT_POLICY.retry_after(5, 1000.0, 1010.0) == 20
    assert ACCOUNT_POLICY.retry_after(5, 1000.0, 1030.0) is None


def test_ip_policy_allows_more_failures_than_an_account():
    assert IP_POLICY.retry_after(49, 0.0, 0.0) is None
    assert IP_POLICY.retry_after(50, 0.0, 0.0) == 30


def test_fractional_wait_rounds_up():
    policy = ThrottlePolicy(free_failures=1, base_delay_seconds=1)
    assert policy.retry_after(1, 0.0, 0.5) == 1
