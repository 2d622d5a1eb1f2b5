"""OpenFeatureRollout: the router's three answers from OpenFeature's value
and reason — on; off by the customer's bucket (SPLIT: a partial rollout);
off for everyone (kill switch, 0 %, unknown flag)."""

from datetime import UTC, datetime

from openfeature.api import get_client, set_provider_and_wait

from tests.fakes.feature_flags import InMemoryFlagStore
from till.migration.core.flags import FeatureFlag, rollout_bucket
from till.migration.core.order_routing import FlagAnswer
from till.migration.shell.adapters.openfeature_provider import TillFlagProvider
from till.migration.shell.adapters.openfeature_rollout import OpenFeatureRollout
from till.migration.shell.orchestrators.flag_cache import FlagCache

T0 = datetime(2026, 3, 1, tzinfo=UTC)
KEY = "orders.transition"


def flag(**overrides) -> FeatureFlag:
    fields = {
        "key": KEY,
        "enabled": True,
        "percentage": 0,
        "allowlist": frozenset(),
        "updated_at": T0,
        "updated_by": "usr_admin",
    }
    return FeatureFlag(**(fields | overrides))


async def rollout(domain: str, *flags: FeatureFlag) -> OpenFeatureRollout:
    cache = FlagCache(InMemoryFlagStore({f.key: f for f in flags}).all, 60.0)
    await cache.current()
    set_provider_and_wait(TillFlagProvider(cache), domain)
    return OpenFeatureRollout(get_client(domain))


async def test_a_customer_out_of_a_partial_rollout_is_off_by_split():
    customer = next(
        f"usr_{n}" for n in range(100) if rollout_bucket(KEY, f"usr_{n}") > 1
    )
    bucket = rollout_bucket(KEY, customer)
    flags = await rollout("till-unit-rollout-1", flag(percentage=bucket - 1))
    assert await flags.answer(KEY, customer) is FlagAnswer.OFF_BY_SPLIT
    assert await flags.is_on(KEY, customer) is False


async def test_in_the_rollout_is_on():
    bucket = rollout_bucket(KEY, "usr_9")
    flags = await rollout("till-unit-rollout-2", flag(percentage=bucket))
    assert await flags.answer(KEY, "usr_9") is FlagAnswer.ON


async def test_zero_percent_the_kill_switch_and_an_unknown_flag_are_off():
    flags = await rollout(
        "till-unit-rollout-3",
        flag(percentage=0),
        flag(key="orders.read", enabled=False, percentage=100),
    )
    assert await flags.answer(KEY, "usr_9") is FlagAnswer.OFF
    assert await flags.answer("orders.read", "usr_9") is FlagAnswer.OFF
    assert await flags.answer("orders.create", "usr_9") is FlagAnswer.OFF
