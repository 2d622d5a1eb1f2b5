from typing import Any

import pytest

from tests.unit.migration.legacy_rows import new_order
from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_orders import NewOrder


def api_order(**changes: Any) -> dict[str, Any]:
    return {**new_order().to_api(), **changes}


def test_the_api_order_object_reads_back_as_the_snapshot() -> None:
    assert NewOrder.from_api(api_order()) == new_order()


def test_offsets_other_than_z_are_read_as_the_same_instant() -> None:
    order = NewOrder.from_api(api_order(created_at="2026-06-01T14:03:00.45+02:00"))
    assert order.created_at == new_order().created_at


@pytest.mark.parametrize(
    "changes",
    [
        {"total": "2997"},
        {"created_at": "2026-06-01 12:03:00"},
        {"created_at": "yesterday"},
        {"items": [{"sku": "A"}]},
        {"legacy_id": "7"},
        {"status": None},
    ],
)
def test_malformed_order_objects_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(UnmappableLegacyValue, match="not an order object"):
        NewOrder.from_api(api_order(**changes))


def test_a_missing_field_is_refused() -> None:
    body = api_order()
    del body["currency"]
    with pytest.raises(UnmappableLegacyValue):
        NewOrder.from_api(body)
