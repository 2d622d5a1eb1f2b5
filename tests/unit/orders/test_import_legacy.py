"""Legacy orders as events: the path to their status, a stable id, and
nothing published."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from till.kernel.errors import ValidationFailed
from till.kernel.ids import is_id_of
from till.orders.core.commands import ImportedItem, ImportedOrder
from till.orders.core.models import replay
from till.orders.core.notifications import notifications_for
from till.orders.core.use_cases.import_legacy import (
    PATHS,
    imported_order,
    legacy_order_id,
)

AT = datetime(2023, 3, 4, 5, 6, 7, tzinfo=UTC)


def legacy(status: str = "delivered", **changes) -> ImportedOrder:
    fields = {
        "legacy_id": 12,
        "increment_id": "100000012",
        "customer_id": "lgc_5",
        "currency": "jpy",
        "items": (ImportedItem("SKU", "Thing", 2, 1500),),
        "status": status,
        "created_at": AT,
        "updated_at": AT + timedelta(days=2),
    }
    return ImportedOrder(**(fields | changes))


@pytest.mark.parametrize("status", [s.value for s in PATHS])
def test_every_status_is_reached_and_replays(status):
    order, events = imported_order(legacy(status))
    assert order.status.value == status
    assert replay(events) == order
    assert order.legacy_id == 12 and order.source == "legacy"
    # the legacy updated_at, whatever the path (on hold: a pending order moved)
    assert order.created_at == AT and order.updated_at == AT + timedelta(days=2)
    assert notifications_for(order, events, ["evt"] * len(events)) == []


def test_a_pending_order_changed_after_creation_keeps_its_updated_at():
    order, events = imported_order(legacy("pending_payment"))
    assert [e.type for e in events] == ["order.created", "order.imported"]
    unchanged, events = imported_order(legacy("pending_payment", updated_at=AT))
    assert [e.type for e in events] == ["order.created"]
    assert unchanged.updated_at == AT and order.status.value == "pending_payment"


def test_the_same_legacy_order_always_gets_the_same_sortable_id():
    first, _ = imported_order(legacy())
    again, _ = imported_order(legacy())
    assert first.id == again.id and is_id_of("ord", first.id)
    assert legacy_order_id(13, AT) != first.id
    assert legacy_order_id(12, AT + timedelta(days=1)) > first.id


def test_timestamps_are_taken_in_utc_and_must_be_aware():
    berlin = timezone(timedelta(hours=1))
    order, _ = imported_order(legacy(created_at=AT.astimezone(berlin)))
    assert order.created_at == AT and order.created_at.tzinfo == UTC
    with pytest.raises(ValidationFailed):
        imported_order(legacy(created_at=AT.replace(tzinfo=None)))


def test_an_unknown_status_or_a_bad_item_is_refused():
    with pytest.raises(ValidationFailed, match="unknown status"):
        imported_order(legacy("processing"))
    with pytest.raises(ValidationFailed):
        imported_order(legacy(items=(ImportedItem("S", "T", 0, 1),)))
