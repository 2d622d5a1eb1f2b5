import pytest

from till.identity.core.throttle import ACCOUNT_POLICY, IP_POLICY
from till.identity.shell.adapters import memory_guards
from till.identity.shell.adapters.memory_guards import (
    InMemoryLoginThrottle,
    InMemorySessionRevocations,
)

KEY = "account:ada@example.com"
WINDOW = ACCOUNT_POLICY.window_seconds


class SteppedTime:
    """Stands in for the `time` module: a wall clock that moves only when told."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> SteppedTime:
    fake = SteppedTime(1_700_000_000.0)
    monkeypatch.setattr(memory_guards, "time", fake)
    return fake


@pytest.fixture
def throttle(clock) -> InMemoryLoginThrottle:
    return InMemoryLoginThrottle()


async def fail(throttle, times: int, key: str = KEY, policy=ACCOUNT_POLICY) -> None:
    for _ in range(times):
        await throttle.record_failure(key, policy)


async def test_key_without_failures_is_not_throttled(throttle):
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) is None


async def test_failures_within_the_free_allowance_are_not_throttled(throttle):
    await fail(throttle, ACCOUNT_POLICY.free_failures - 1)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) is None


async def test_reaching_the_free_allowance_locks_for_the_base_delay(throttle):
    await fail(throttle, ACCOUNT_POLICY.free_failures)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) == 30


async def test_each_further_failure_doubles_the_lockout(throttle):
    await fail(throttle, ACCOUNT_POLICY.free_failures + 2)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) == 120


async def test_lockout_counts_down_from_the_last_failure(throttle, clock):
    await fail(throttle, ACCOUNT_POLICY.free_failures)
    clock.advance(10)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) == 20
    clock.advance(20)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) is None


async def test_failures_spaced_within_the_window_keep_counting(throttle, clock):
    for _ in range(ACCOUNT_POLICY.free_failures):
        clock.advance(WINDOW - 60)
        await fail(throttle, 1)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) == 30


async def test_failures_are_forgotten_once_the_window_has_passed(throttle, clock):
    await fail(throttle, ACCOUNT_POLICY.free_failures + 3)
    clock.advance(WINDOW + 1)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) is None
    # The count starts again from zero, not from where it stopped.
    await fail(throttle, ACCOUNT_POLICY.free_failures - 1)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) is None


async def test_reset_clears_the_failures_of_a_key(throttle):
    await fail(throttle, ACCOUNT_POLICY.free_failures + 1)
    await throttle.reset(KEY)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) is None
    await fail(throttle, ACCOUNT_POLICY.free_failures - 1)
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) is None


async def test_reset_of_a_key_never_seen_leaves_others_alone(throttle):
    await fail(throttle, ACCOUNT_POLICY.free_failures)
    await throttle.reset("account:nobody@example.com")
    assert await throttle.retry_after(KEY, ACCOUNT_POLICY) == 30


async def test_failures_of_one_key_do_not_throttle_another(throttle):
    await fail(throttle, ACCOUNT_POLICY.free_failures + 4)
    assert await throttle.retry_after("account:bob@example.com", ACCOUNT_POLICY) is None


async def test_ip_policy_allows_many_more_failures_than_the_account_policy(throttle):
    ip = "ip:10.0.0.1"
    await fail(throttle, IP_POLICY.free_failures - 1, key=ip, policy=IP_POLICY)
    assert await throttle.retry_after(ip, IP_POLICY) is None
    await fail(throttle, 1, key=ip, policy=IP_POLICY)
    assert await throttle.retry_after(ip, IP_POLICY) == IP_POLICY.base_delay_seconds


@pytest.fixture
def revocations(clock) -> InMemorySessionRevocations:
    return InMemorySessionRevocations(ttl_seconds=900)


async def test_session_never_marked_is_not_revoked(revocations):
    assert await revocations.is_revoked("ses_1") is False


async def test_marked_session_is_revoked_and_others_are_not(revocations):
    await revocations.mark_revoked("ses_1")
    assert await revocations.is_revoked("ses_1") is True
    assert await revocations.is_revoked("ses_2") is False


async def test_revocation_mark_lasts_for_its_ttl(revocations, clock):
    await revocations.mark_revoked("ses_1")
    clock.advance(899)
    assert await revocations.is_revoked("ses_1") is True
    clock.advance(1)
    assert await revocations.is_revoked("ses_1") is False


async def test_marking_again_restarts_the_ttl(revocations, clock):
    await revocations.mark_revoked("ses_1")
    clock.advance(600)
    await revocations.mark_revoked("ses_1")
    clock.advance(600)
    assert await revocations.is_revoked("ses_1") is True
