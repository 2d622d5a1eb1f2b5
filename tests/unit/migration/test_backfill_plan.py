"""What the backfill does with a batch: import, skip present, skip
soft-deleted, report the unmappable."""

from datetime import datetime
from decimal import Decimal

from tests.unit.migration.legacy_rows import BERLIN, legacy_order
from till.migration.core.legacy_backfill import plan_batch

CUSTOMERS = {42: "lgc_42", 7: "usr_mapped"}


def test_rows_are_imported_with_mapped_customers_and_new_statuses():
    rows = [
        legacy_order(id=1, increment_id="100000001", status="complete"),
        legacy_order(id=2, increment_id="100000002", customer_id=7, status="holded"),
    ]
    plan = plan_batch(rows, customers=CUSTOMERS, present=set(), tz=BERLIN)
    assert [(o.legacy_id, o.customer_id, o.status) for o in plan.to_import] == [
        (1, "lgc_42", "delivered"),
        (2, "usr_mapped", "pending_payment"),
    ]
    assert plan.to_import[0].items[0].unit_amount == 999
    assert plan.last_id == 2


def test_rows_already_imported_are_left_alone():
    rows = [legacy_order(id=1), legacy_order(id=2)]
    plan = plan_batch(rows, customers=CUSTOMERS, present={1}, tz=BERLIN)
    assert plan.present == (1,) and [o.legacy_id for o in plan.to_import] == [2]


def test_soft_deleted_rows_are_skipped():
    rows = [legacy_order(id=3, deleted_at=datetime(2026, 6, 2, 10, 0))]
    plan = plan_batch(rows, customers=CUSTOMERS, present=set(), tz=BERLIN)
    assert plan.deleted == (3,) and plan.to_import == ()


def test_unmappable_rows_are_reported_with_why_and_skipped():
    rows = [
        legacy_order(id=4, sub_total=Decimal("1.0050"), grand_total=Decimal("1.0050")),
        legacy_order(id=5, customer_id=0),
        legacy_order(id=6, status="exploded"),
        legacy_order(id=7),
    ]
    customers = CUSTOMERS | {0: None}
    plan = plan_batch(rows, customers=customers, present=set(), tz=BERLIN)
    assert [legacy_id for legacy_id, _ in plan.unmappable] == [4, 5, 6]
    assert "guest" in plan.unmappable[1][1]
    assert [o.legacy_id for o in plan.to_import] == [7]
    assert plan.last_id == 7
