from datetime import UTC, datetime
from decimal import Decimal

from tests.unit.migration.legacy_rows import BERLIN, legacy_order, new_order
from till.migration.core.legacy_compare import Difference, compare
from till.migration.core.legacy_orders import LegacyItem, NewItem


def fields(differences: list[Difference]) -> list[str]:
    return [difference.field for difference in differences]


def test_an_order_and_its_faithful_legacy_row_agree() -> None:
    assert compare(new_order(), legacy_order(), tz=BERLIN) == []


def test_fulfilled_is_processing_and_delivered_is_complete_in_legacy_space() -> None:
    assert compare(new_order(status="fulfilled"), legacy_order(), tz=BERLIN) == []
    shipped = new_order(status="shipped")
    assert compare(shipped, legacy_order(status="complete"), tz=BERLIN) == []


def test_the_old_canceled_spelling_and_on_hold_are_not_mismatches() -> None:
    canceled = new_order(status="canceled")
    assert compare(canceled, legacy_order(status="cancelled"), tz=BERLIN) == []
    pending = new_order(status="pending_payment")
    assert compare(pending, legacy_order(status="holded"), tz=BERLIN) == []


def test_a_status_mismatch_is_reported_in_legacy_terms() -> None:
    found = compare(new_order(status="refunded"), legacy_order(), tz=BERLIN)
    assert found == [Difference("status", "closed", "processing")]


def test_items_compare_as_multisets_whatever_their_order() -> None:
    lines = legacy_order().items
    assert compare(new_order(), legacy_order(items=lines[::-1]), tz=BERLIN) == []


def test_a_missing_or_changed_line_is_reported_per_sku() -> None:
    one_mug = LegacyItem("MUG", "Mug", 1, Decimal("9.99"), Decimal("9.99"))
    row = legacy_order(items=(one_mug, legacy_order().items[1]))
    found = compare(new_order(), row, tz=BERLIN)
    assert fields(found) == ["items[MUG]"]
    assert found[0].new == [("Mug", 2, 999, 1998)]
    assert found[0].legacy == [("Mug", 1, 999, 999)]
    extra = new_order(items=(*new_order().items, NewItem("PEN", "Pen", 1, 1, 1)))
    assert "items[PEN]" in fields(compare(extra, legacy_order(), tz=BERLIN))


def test_totals_are_compared_in_minor_units_and_over_precision_is_a_mismatch() -> None:
    row = legacy_order(grand_total=Decimal("29.9750"))
    found = compare(new_order(), row, tz=BERLIN)
    assert fields(found) == ["total"]
    assert "more decimals" in str(found[0].legacy)
    assert compare(new_order(total=2998), legacy_order(), tz=BERLIN) == [
        Difference("total", 2998, 2997)
    ]


def test_times_compare_as_legacy_wall_clock_to_the_second() -> None:
    late = new_order(updated_at=datetime(2026, 6, 1, 13, 0, 1, tzinfo=UTC))
    assert compare(late, legacy_order(), tz=BERLIN) == [
        Difference(
            "updated_at", datetime(2026, 6, 1, 15, 0, 1), datetime(2026, 6, 1, 15)
        )
    ]


def test_the_second_occurrence_of_the_autumn_hour_is_no_mismatch() -> None:
    instant = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, 2nd time
    order = new_order(created_at=instant, updated_at=instant)
    local = datetime(2026, 10, 25, 2, 30)
    assert (
        compare(order, legacy_order(created_at=local, updated_at=local), tz=BERLIN)
        == []
    )


def test_a_soft_deleted_legacy_row_is_reported_as_such() -> None:
    row = legacy_order(deleted_at=datetime(2026, 7, 1, 9, 0))
    assert compare(new_order(), row, tz=BERLIN) == [
        Difference("deleted_at", None, datetime(2026, 7, 1, 9, 0))
    ]


def test_links_currency_and_customer_are_compared() -> None:
    found = compare(
        new_order(legacy_id=8, currency="usd", customer_id="lgc_43"),
        legacy_order(),
        tz=BERLIN,
    )
    assert fields(found) == ["legacy_id", "customer_id", "currency"]
    other_id = new_order(id="ord_01JD3Q8X7N1F5C9H2K4M6P8R0V")
    assert fields(compare(other_id, legacy_order(), tz=BERLIN)) == ["id"]


def test_a_mapped_customer_is_compared_through_the_id_the_map_gave() -> None:
    order = new_order(customer_id="usr_01JD3Q8X7N1F5C9H2K4M6P8R0T")
    assert compare(order, legacy_order(), tz=BERLIN) == []  # the map was not asked
    assert compare(order, legacy_order(), tz=BERLIN, legacy_customer_id=42) == []
    found = compare(order, legacy_order(), tz=BERLIN, legacy_customer_id=1_000_000_000)
    assert found == [Difference("customer_id", 1_000_000_000, 42)]


def test_the_shops_own_increment_ids_are_not_compared_with_till_ids() -> None:
    assert compare(new_order(), legacy_order(increment_id="100000007"), tz=BERLIN) == []


def test_unknown_statuses_and_missing_legacy_times_are_mismatches() -> None:
    found = compare(new_order(status="lost"), legacy_order(created_at=None), tz=BERLIN)
    assert fields(found) == ["status", "created_at"]
