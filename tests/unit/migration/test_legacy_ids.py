import pytest

from till.kernel.ids import is_id_of, new_id
from till.migration.core.legacy_ids import (
    legacy_id_in_order_id,
    order_id_for_legacy,
    order_id_of_legacy_row,
)


def test_a_legacy_order_gets_a_well_formed_order_id_that_decodes_back() -> None:
    order_id = order_id_for_legacy(7)
    assert order_id == "ord_00000000000000000000000007"
    assert is_id_of("ord", order_id)
    assert legacy_id_in_order_id(order_id) == 7
    assert legacy_id_in_order_id(order_id_for_legacy(100_123_456)) == 100_123_456


def test_ids_till_mints_carry_no_legacy_id() -> None:
    assert legacy_id_in_order_id(new_id("ord")) is None
    assert legacy_id_in_order_id("ord_00000000000000000000000000") is None
    assert legacy_id_in_order_id("pay_00000000000000000000000007") is None
    assert legacy_id_in_order_id("7") is None


def test_derived_ids_sort_before_every_minted_id() -> None:
    assert order_id_for_legacy(2**40) < new_id("ord", now_ms=1)


@pytest.mark.parametrize("bad", [0, -1, True, 2**80])
def test_non_ids_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="not a legacy order id"):
        order_id_for_legacy(bad)


def test_a_row_till_wrote_keeps_its_till_id_and_the_shops_own_get_a_derived_one() -> (
    None
):
    minted = new_id("ord")
    assert order_id_of_legacy_row(12, minted) == minted
    assert order_id_of_legacy_row(12, "100000012") == order_id_for_legacy(12)
    assert order_id_of_legacy_row(12, None) == order_id_for_legacy(12)
