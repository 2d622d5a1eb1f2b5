"""Properties of the gradual rollout over many customers (hypothesis)."""

import string
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from till.migration.core.flags import FeatureFlag, evaluate, rollout_bucket

FAST = settings(max_examples=20, deadline=None, database=None)
T0 = datetime(2026, 3, 1, tzinfo=UTC)
ID_CHARACTERS = string.ascii_lowercase + string.digits + "_"
customer_ids = st.lists(st.sampled_from(ID_CHARACTERS), min_size=1, max_size=20).map(
    lambda chars: "usr_" + "".join(chars)
)
keys = st.sampled_from(["orders.create", "orders.read", "orders.cancel", "legacy"])


def at(key: str, percentage: int) -> FeatureFlag:
    return FeatureFlag(key, True, percentage, frozenset(), T0, "usr_admin")


@FAST
@given(keys, customer_ids, st.integers(0, 100))
def test_a_customer_gets_the_same_answer_every_time(key, customer, percentage):
    flag = at(key, percentage)
    assert len({evaluate(flag, customer).on for _ in range(5)}) == 1


@FAST
@given(keys, customer_ids, st.integers(0, 100), st.integers(0, 100))
def test_raising_the_percentage_never_turns_a_customer_off(key, customer, p, q):
    low, high = sorted((p, q))
    if evaluate(at(key, low), customer).on:
        assert evaluate(at(key, high), customer).on


def test_about_p_percent_of_many_customers_are_on():
    # Each customer's bucket once; evaluate() is "on iff bucket <= p" (above).
    buckets = [rollout_bucket("orders.create", f"usr_{n:06d}") for n in range(3000)]
    for percentage in (1, 10, 25, 50, 90):
        share = sum(b <= percentage for b in buckets) / len(buckets)
        # 3,000 draws: a binomial's 4 sigma is under 3.7 points at p = 50 %.
        assert abs(share - percentage / 100) < 0.037, (percentage, share)


def test_different_flags_bucket_the_same_customers_differently():
    customers = [f"usr_{n:05d}" for n in range(1000)]
    create = {c for c in customers if evaluate(at("orders.create", 50), c).on}
    read = {c for c in customers if evaluate(at("orders.read", 50), c).on}
    assert create != read and 0.35 < len(create & read) / len(create) < 0.65
