"""The router's view of the flags through OpenFeature: values, reasons and
errors as the specification names them, over an in-memory store."""

from datetime import UTC, datetime

import pytest
from openfeature.api import get_client, set_provider_and_wait
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import Reason

from tests.fakes.feature_flags import InMemoryFlagStore
from till.migration.core.flags import FeatureFlag, rollout_bucket
from till.migration.shell.adapters.openfeature_provider import TillFlagProvider
from till.migration.shell.orchestrators.flag_cache import FlagCache

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def flag(**overrides) -> FeatureFlag:
    fields = {
        "key": "orders.create",
        "enabled": True,
        "percentage": 0,
        "allowlist": frozenset(),
        "updated_at": T0,
        "updated_by": "usr_admin",
    }
    return FeatureFlag(**(fields | overrides))


async def provider_with(*flags: FeatureFlag) -> tuple[TillFlagProvider, FlagCache]:
    store = InMemoryFlagStore({f.key: f for f in flags})
    cache = FlagCache(store.all, 60.0)
    await cache.current()
    return TillFlagProvider(cache), cache


def customer(key: str) -> EvaluationContext:
    return EvaluationContext(targeting_key=key)


async def test_an_allowlisted_customer_is_a_targeting_match():
    provider, _ = await provider_with(flag(allowlist=frozenset({"usr_1"})))
    details = provider.resolve_boolean_details(
        "orders.create", False, customer("usr_1")
    )
    assert (details.value, details.reason, details.variant) == (
        True,
        Reason.TARGETING_MATCH,
        "on",
    )


async def test_the_customers_bucket_is_a_split_and_says_which_bucket():
    bucket = rollout_bucket("orders.create", "usr_9")
    provider, _ = await provider_with(flag(percentage=bucket))
    details = await provider.resolve_boolean_details_async(
        "orders.create", False, customer("usr_9")
    )
    assert (details.value, details.reason) == (True, Reason.SPLIT)
    assert details.flag_metadata["bucket"] == bucket


async def test_the_kill_switch_is_disabled_and_a_full_rollout_static():
    provider, _ = await provider_with(
        flag(enabled=False, percentage=100), flag(key="orders.read", percentage=100)
    )
    off = provider.resolve_boolean_details("orders.create", True, customer("usr_1"))
    full = provider.resolve_boolean_details("orders.read", False, None)
    assert (off.value, off.reason) == (False, Reason.DISABLED)
    assert (full.value, full.reason) == (True, Reason.STATIC)


async def test_an_unknown_flag_answers_the_default_with_flag_not_found():
    provider, _ = await provider_with()
    details = await provider.resolve_boolean_details_async("orders.refund", True)
    assert (details.value, details.error_code) == (True, ErrorCode.FLAG_NOT_FOUND)


async def test_a_store_that_fails_answers_the_default_with_an_error():
    async def broken() -> list[FeatureFlag]:
        raise ConnectionError("database gone")

    provider = TillFlagProvider(FlagCache(broken, 2.0))
    details = await provider.resolve_boolean_details_async("orders.create", False)
    assert (details.value, details.reason, details.error_code) == (
        False,
        Reason.ERROR,
        ErrorCode.GENERAL,
    )


@pytest.mark.parametrize(
    "resolve",
    [
        lambda p: p.resolve_string_details("orders.create", "x"),
        lambda p: p.resolve_integer_details("orders.create", 1),
        lambda p: p.resolve_float_details("orders.create", 1.0),
        lambda p: p.resolve_object_details("orders.create", {}),
    ],
)
async def test_flags_are_booleans_only(resolve):
    provider, _ = await provider_with(flag())
    assert resolve(provider).error_code == ErrorCode.TYPE_MISMATCH


async def test_an_openfeature_client_sees_a_change_applied_to_the_cache_at_once():
    provider, cache = await provider_with(flag(percentage=100))
    domain = "till-unit-provider"
    set_provider_and_wait(provider, domain)
    client = get_client(domain)
    context = customer("usr_1")
    assert client.get_boolean_value("orders.create", False, context) is True
    cache.apply(flag(enabled=False, version=2))
    assert await client.get_boolean_value_async("orders.create", True, context) is False
    assert client.provider.get_metadata().name == "till-flags"
