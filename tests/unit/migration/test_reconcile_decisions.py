"""Reconciliation verdicts and the repairs each direction may make."""

from datetime import datetime

from tests.unit.migration.legacy_rows import ORDER_ID, legacy_order, new_order
from till.migration.core.legacy_compare import Difference
from till.migration.core.legacy_reconcile import Action, Kind, judge, repair_for

STATUS = [Difference("status", "complete", "processing")]
ITEMS = [Difference("items[MUG]", [], [("Mug", 2, 999, 1998)])]
DELETED_AT = datetime(2026, 6, 5, 10, 0)


def test_verdicts_by_what_each_side_holds():
    assert judge(new_order(), legacy_order(), []).kind is Kind.MATCHED
    assert judge(new_order(), legacy_order(), STATUS).kind is Kind.MISMATCHED
    assert judge(None, legacy_order(), []).kind is Kind.MISSING_NEW
    assert judge(None, legacy_order(deleted_at=DELETED_AT), []).kind is (
        Kind.DELETED_IN_LEGACY
    )
    assert judge(new_order(), None, []).kind is Kind.MISSING_LEGACY
    assert judge(new_order(), legacy_order(), STATUS).label == f"{ORDER_ID} / 7: status"


def test_repair_new_imports_missing_orders_and_links_unlinked_ones():
    missing = judge(None, legacy_order(), [])
    assert repair_for(missing, "new").action is Action.IMPORT
    unlinked = judge(new_order(legacy_id=None), legacy_order(), [])
    assert repair_for(unlinked, "new").action is Action.LINK
    assert repair_for(judge(new_order(), legacy_order(), []), "new").action is (
        Action.NONE
    )


def test_repair_new_refuses_to_rewrite_an_order_or_delete_one():
    mismatched = repair_for(judge(new_order(), legacy_order(), STATUS), "new")
    assert mismatched.action is Action.REFUSE and "no command" in mismatched.why
    only_new = repair_for(judge(new_order(), None, []), "new")
    assert only_new.action is Action.REFUSE


def test_repair_legacy_writes_missing_rows_of_unlinked_orders_only():
    assert repair_for(judge(new_order(legacy_id=None), None, []), "legacy").action is (
        Action.UPSERT
    )
    gone = repair_for(judge(new_order(legacy_id=7), None, []), "legacy")
    assert gone.action is Action.REFUSE and "gone" in gone.why
    assert repair_for(judge(None, legacy_order(), []), "legacy").action is Action.REFUSE


def test_repair_legacy_upserts_till_orders_whole_and_imported_ones_by_status():
    till_made = judge(new_order(), legacy_order(), ITEMS)  # increment_id = its id
    assert repair_for(till_made, "legacy").action is Action.UPSERT
    imported_row = legacy_order(increment_id="100000007")
    assert repair_for(judge(new_order(), imported_row, STATUS), "legacy").action is (
        Action.STATUS
    )
    items = repair_for(judge(new_order(), imported_row, ITEMS), "legacy")
    assert items.action is Action.REFUSE


def test_repair_legacy_never_undeletes_and_no_repair_means_none():
    deleted = legacy_order(deleted_at=DELETED_AT)
    differences = [Difference("deleted_at", None, DELETED_AT)]
    assert repair_for(judge(new_order(), deleted, differences), "legacy").action is (
        Action.REFUSE
    )
    assert repair_for(judge(None, legacy_order(), []), None).action is Action.NONE
