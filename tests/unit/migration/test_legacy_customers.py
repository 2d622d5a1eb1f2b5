import pytest

from till.migration.core.legacy_customers import (
    customer_id_for_unmapped,
    legacy_customer_in_id,
)


def test_an_unmapped_legacy_customer_is_lgc_n_and_back() -> None:
    assert customer_id_for_unmapped(42) == "lgc_42"
    assert legacy_customer_in_id("lgc_42") == 42


def test_no_customer_is_legacy_customer_zero_and_back() -> None:
    assert legacy_customer_in_id(None) == 0
    assert customer_id_for_unmapped(0) is None


@pytest.mark.parametrize(
    "customer_id",
    [
        "usr_01JD3Q8X7N1F5C9H2K4M6P8R0T",  # pragma: allowlist secret
        "lgc_",
        "lgc_007",
        "lgc_0",
        "lgc_x1",
        "lgc_٣",
    ],  # pragma: allowlist secret
)
def test_other_ids_need_the_mapping_table(customer_id: str) -> None:
    assert legacy_customer_in_id(customer_id) is None
