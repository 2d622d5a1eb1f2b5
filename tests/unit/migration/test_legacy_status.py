import pytest

from till.kernel.errors import ValidationFailed
from till.migration.core.legacy_status import (
    LEGACY_STATUSES,
    NEW_STATUSES,
    comparable_legacy_status,
    legacy_status_for,
    legacy_statuses_shown_as,
    new_status_for,
)


@pytest.mark.parametrize(
    ("new", "legacy"),
    [
        ("pending_payment", "pending"),
        ("paid", "processing"),
        ("fulfilled", "processing"),
        ("shipped", "complete"),
        ("delivered", "complete"),
        ("canceled", "canceled"),
        ("refunded", "closed"),
    ],
)
def test_new_statuses_are_written_to_legacy_as_the_contract_maps_them(
    new: str, legacy: str
) -> None:
    assert legacy_status_for(new) == legacy


@pytest.mark.parametrize(
    ("legacy", "new"),
    [
        ("pending", "pending_payment"),
        ("holded", "pending_payment"),
        ("processing", "paid"),
        ("complete", "delivered"),
        ("closed", "refunded"),
        ("canceled", "canceled"),
        ("cancelled", "canceled"),
    ],
)
def test_legacy_statuses_are_imported_as_the_contract_maps_them(
    legacy: str, new: str
) -> None:
    assert new_status_for(legacy) == new


def test_unknown_statuses_are_refused_both_ways() -> None:
    with pytest.raises(ValidationFailed):
        legacy_status_for("lost")
    with pytest.raises(ValidationFailed):
        new_status_for("fraud")


def test_every_imported_status_writes_back_to_a_comparable_legacy_status() -> None:
    for legacy in LEGACY_STATUSES:
        round_trip = legacy_status_for(new_status_for(legacy))
        assert comparable_legacy_status(round_trip) == comparable_legacy_status(legacy)


def test_the_old_cancelled_spelling_and_on_hold_fold_for_comparison() -> None:
    assert comparable_legacy_status("cancelled") == "canceled"
    assert comparable_legacy_status("holded") == "pending"
    assert comparable_legacy_status("complete") == "complete"


def test_a_list_filter_reads_back_only_orders_shown_with_that_status() -> None:
    assert legacy_statuses_shown_as("pending_payment") == ("pending", "holded")
    assert legacy_statuses_shown_as("canceled") == ("canceled", "cancelled")
    assert legacy_statuses_shown_as("fulfilled") == ()
    for status in NEW_STATUSES:
        for legacy in legacy_statuses_shown_as(status):
            assert new_status_for(legacy) == status
