"""A flag is valid by construction, and its evaluation is the issue's rule:
kill switch first, then the allowlist, then the sticky percentage bucket."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from till.kernel.errors import ValidationFailed
from till.migration.core.flags import (
    FeatureFlag,
    FlagReason,
    FlagSettings,
    evaluate,
    flag_from_dict,
    flag_to_dict,
    rollout_bucket,
)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


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


def test_the_bucket_is_unleash_normalised_murmur3_of_flag_and_customer():
    # Unleash's cross-client vectors: normalizedValue("123", "gr1") == 73.
    assert rollout_bucket("gr1", "123") == 73
    assert rollout_bucket("groupX", "999") == 25


def test_a_disabled_flag_is_off_even_for_an_allowlisted_customer():
    off = flag(enabled=False, percentage=100, allowlist=frozenset({"usr_1"}))
    decision = evaluate(off, "usr_1")
    assert (decision.on, decision.reason) == (False, FlagReason.DISABLED)
    assert evaluate(off, None).reason is FlagReason.DISABLED


def test_an_allowlisted_customer_is_on_at_zero_percent():
    decision = evaluate(flag(allowlist=frozenset({"usr_1"})), "usr_1")
    assert (decision.on, decision.reason) == (True, FlagReason.ALLOWLISTED)
    assert evaluate(flag(allowlist=frozenset({"usr_1"})), "usr_2").on is False


def test_a_customer_is_on_when_their_bucket_is_within_the_percentage():
    bucket = rollout_bucket("orders.create", "usr_7")
    at = evaluate(flag(percentage=bucket), "usr_7")
    below = evaluate(flag(percentage=bucket - 1), "usr_7")
    assert (at.on, at.reason, at.bucket) == (True, FlagReason.SPLIT, bucket)
    assert (below.on, below.reason) == (False, FlagReason.SPLIT)


def test_zero_and_hundred_percent_do_not_depend_on_the_customer():
    assert evaluate(flag(percentage=100), "usr_7").reason is FlagReason.STATIC
    assert evaluate(flag(percentage=100), "usr_7").on is True
    assert evaluate(flag(percentage=0), "usr_7").on is False
    assert evaluate(flag(percentage=0), "usr_7").reason is FlagReason.STATIC


def test_without_a_customer_only_a_full_rollout_is_on():
    assert evaluate(flag(percentage=100), None).on is True
    none = evaluate(flag(percentage=99), None)
    assert (none.on, none.reason) == (False, FlagReason.STATIC)


@pytest.mark.parametrize(
    "key",
    ["", "Orders.create", "orders..create", ".orders", "orders create", "x" * 101],
)
def test_a_malformed_key_is_refused(key):
    with pytest.raises(ValidationFailed) as raised:
        flag(key=key)
    assert raised.value.param == "key"


@pytest.mark.parametrize(
    "key", ["orders", "orders.create", "orders.read_one", "a-b.c2"]
)
def test_keys_are_dotted_lowercase_names(key):
    assert flag(key=key).key == key


@pytest.mark.parametrize("percentage", [-1, 101, True, 50.0])
def test_a_percentage_outside_0_to_100_or_not_an_int_is_refused(percentage):
    with pytest.raises(ValidationFailed) as raised:
        flag(percentage=percentage)
    assert raised.value.param == "percentage"


@pytest.mark.parametrize("customer", ["", " usr_1", "usr 1", "x" * 65, 7])
def test_an_allowlist_of_anything_but_customer_ids_is_refused(customer):
    with pytest.raises(ValidationFailed) as raised:
        flag(allowlist=frozenset({customer}))
    assert raised.value.param == "allowlist"


def test_a_naive_timestamp_or_no_author_is_refused():
    with pytest.raises(ValidationFailed):
        flag(updated_at=datetime(2026, 3, 1))
    with pytest.raises(ValidationFailed):
        flag(updated_by="")


def test_settings_replace_a_flag_and_bump_its_version():
    before = flag(version=3)
    later = T0 + timedelta(minutes=5)
    after = before.with_settings(
        FlagSettings(False, 10, frozenset({"usr_1"})), "usr_other", later
    )
    assert (after.enabled, after.percentage, after.allowlist) == (
        False,
        10,
        frozenset({"usr_1"}),
    )
    assert (after.version, after.updated_by, after.updated_at) == (
        4,
        "usr_other",
        later,
    )


def test_a_flag_survives_its_dict_form():
    original = flag(allowlist=frozenset({"usr_b", "usr_a"}), version=9)
    shown = flag_to_dict(original)
    assert shown["allowlist"] == ["usr_a", "usr_b"]
    assert shown["updated_at"] == "2026-03-01T09:30:00Z"
    assert flag_from_dict(shown) == original
    assert (
        flag_from_dict(flag_to_dict(replace(original, enabled=False))).enabled is False
    )
