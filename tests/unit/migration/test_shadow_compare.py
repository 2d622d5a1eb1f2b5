"""A shadow read's comparison of the two sides' order objects."""

from tests.fakes.strangler import order_object
from till.migration.core.shadow_compare import shadow_differences

ID = "ord_00000000000000000000000009"


def fields(legacy: dict, new: dict | None) -> list[str]:
    return [d.field for d in shadow_differences(legacy, new)]


def test_the_same_order_has_no_differences() -> None:
    assert fields(order_object(ID, "usr_a"), order_object(ID, "usr_a")) == []


def test_statuses_legacy_cannot_tell_apart_are_the_same() -> None:
    legacy = order_object(ID, "usr_a", status="paid")
    assert fields(legacy, order_object(ID, "usr_a", status="fulfilled")) == []
    shipped = order_object(ID, "usr_a", status="shipped")
    assert fields(order_object(ID, "usr_a", status="delivered"), shipped) == []
    canceled = order_object(ID, "usr_a", status="canceled")
    assert fields(legacy, canceled) == ["status"]


def test_a_missing_new_copy_is_one_difference() -> None:
    found = shadow_differences(order_object(ID, "usr_a"), None)
    assert [(d.field, d.legacy) for d in found] == [("missing", ID)]


def test_timestamps_compare_to_the_second_and_currencies_case_blind() -> None:
    new = order_object(ID, "usr_a", created_at="2026-01-15T12:00:00Z", currency="EUR")
    assert fields(order_object(ID, "usr_a"), new) == []
    later = order_object(ID, "usr_a", updated_at="2026-01-15T12:00:01Z")
    assert fields(order_object(ID, "usr_a"), later) == ["updated_at"]


def test_items_compare_as_a_multiset_and_totals_field_by_field() -> None:
    two = [
        {"sku": "A", "name": "a", "quantity": 1, "unit_amount": 5, "amount": 5},
        {"sku": "B", "name": "b", "quantity": 1, "unit_amount": 5, "amount": 5},
    ]
    legacy = order_object(ID, "usr_a", items=two, subtotal=10, total=10)
    swapped = order_object(ID, "usr_a", items=two[::-1], subtotal=10, total=10)
    assert fields(legacy, swapped) == []
    short = order_object(ID, "usr_a", items=two[:1], subtotal=5, total=5)
    assert fields(legacy, short) == ["subtotal", "total", "items"]


def test_a_legacy_id_only_one_side_knows_is_no_difference() -> None:
    legacy = order_object(ID, "usr_a", legacy_id=9)
    assert fields(legacy, order_object(ID, "usr_a", legacy_id=None)) == []
    assert fields(legacy, order_object(ID, "usr_a", legacy_id=8)) == ["legacy_id"]
