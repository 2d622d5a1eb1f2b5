from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.unit.migration.legacy_rows import BERLIN, ORDER_ID, legacy_order, new_order
from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_ids import order_id_for_legacy
from till.migration.core.legacy_mapping import (
    imported_order_from_legacy,
    legacy_order_from_new,
    new_order_from_legacy,
)
from till.migration.core.legacy_orders import LegacyItem, NewItem


def test_a_new_order_is_written_to_legacy_with_its_id_as_increment_id() -> None:
    row = legacy_order_from_new(new_order(), legacy_customer_id=42, tz=BERLIN)
    assert row.increment_id == ORDER_ID
    assert row.id == 7
    assert row.customer_id == 42
    assert row.status == "processing"
    assert row.currency_code == "EUR"
    assert (row.sub_total, row.grand_total) == (Decimal("29.97"), Decimal("29.97"))
    assert row.items[1] == LegacyItem(
        "MUG", "Mug", 2, Decimal("9.99"), Decimal("19.98")
    )
    assert row.created_at == datetime(2026, 6, 1, 14, 3, 0)
    assert row.deleted_at is None


def test_a_legacy_row_reads_as_the_api_order_object() -> None:
    order = new_order_from_legacy(legacy_order(), customer_id="lgc_42", tz=BERLIN)
    assert order.id == ORDER_ID
    assert order.status == "paid"
    assert order.currency == "eur"
    assert order.items[0] == NewItem("MUG", "Mug", 2, 999, 1998)
    assert (order.subtotal, order.total) == (2997, 2997)
    assert order.created_at == datetime(2026, 6, 1, 12, 3, tzinfo=UTC)
    api = order.to_api()
    assert api["object"] == "order"
    assert api["legacy_id"] == 7
    assert api["created_at"] == "2026-06-01T12:03:00Z"


def test_the_shops_own_rows_get_the_derived_id() -> None:
    row = legacy_order(increment_id="100000007")
    assert new_order_from_legacy(row, customer_id=None, tz=BERLIN).id == (
        order_id_for_legacy(7)
    )


def test_a_new_order_survives_the_trip_through_legacy_to_the_second() -> None:
    order = new_order(items=(NewItem("CAP", "Cap", 3, 5, 15),), subtotal=15, total=15)
    row = legacy_order_from_new(order, legacy_customer_id=42, tz=BERLIN)
    back = new_order_from_legacy(row, customer_id="lgc_42", tz=BERLIN)
    assert back == replace(order, created_at=order.created_at.replace(microsecond=0))


def test_the_backfill_gets_new_statuses_minor_units_and_utc() -> None:
    row = legacy_order(status="cancelled", increment_id="100000007")
    imported = imported_order_from_legacy(row, customer_id="lgc_42", tz=BERLIN)
    assert imported.legacy_id == 7
    assert imported.increment_id == "100000007"
    assert imported.status == "canceled"
    assert imported.currency == "eur"
    assert sum(item.amount for item in imported.items) == 2997
    assert imported.updated_at == datetime(2026, 6, 1, 13, tzinfo=UTC)


def test_totals_that_are_not_the_sum_of_the_items_are_refused() -> None:
    row = legacy_order(sub_total=Decimal("30.0000"), grand_total=Decimal("30.0000"))
    with pytest.raises(UnmappableLegacyValue, match="not the sum"):
        new_order_from_legacy(row, customer_id=None, tz=BERLIN)


def test_a_row_total_that_is_not_qty_times_price_is_refused() -> None:
    bad = LegacyItem("MUG", "Mug", 2, Decimal("9.9900"), Decimal("19.9700"))
    row = legacy_order(
        items=(bad,), sub_total=Decimal("19.97"), grand_total=Decimal("19.97")
    )
    with pytest.raises(UnmappableLegacyValue, match="MUG"):
        new_order_from_legacy(row, customer_id=None, tz=BERLIN)


def test_over_precise_legacy_prices_are_refused_not_rounded() -> None:
    item = LegacyItem("MUG", "Mug", 1, Decimal("9.9950"), Decimal("9.9950"))
    row = legacy_order(
        items=(item,), sub_total=Decimal("9.995"), grand_total=Decimal("9.995")
    )
    with pytest.raises(UnmappableLegacyValue, match="more decimals"):
        new_order_from_legacy(row, customer_id=None, tz=BERLIN)


def test_rows_without_id_or_timestamps_are_refused() -> None:
    with pytest.raises(UnmappableLegacyValue):
        new_order_from_legacy(legacy_order(id=None), customer_id=None, tz=BERLIN)
    with pytest.raises(UnmappableLegacyValue, match="created_at"):
        new_order_from_legacy(
            legacy_order(created_at=None), customer_id=None, tz=BERLIN
        )


def test_an_order_legacy_cannot_hold_is_refused_before_writing() -> None:
    huge = new_order(subtotal=10**10, total=10**10)
    with pytest.raises(UnmappableLegacyValue, match="DECIMAL"):
        legacy_order_from_new(huge, legacy_customer_id=1, tz=BERLIN)
    with pytest.raises(UnmappableLegacyValue, match="unknown currency"):
        legacy_order_from_new(
            new_order(currency="xyz"), legacy_customer_id=1, tz=BERLIN
        )
