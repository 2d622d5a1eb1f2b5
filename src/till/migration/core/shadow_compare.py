"""A shadow read's verdict: the legacy answer (what the client got) against
the new store's copy of the same order, both as API.md order objects, with
the normalisation of `legacy_compare` (ADR 0016): statuses compared in
legacy space (paid ≡ fulfilled, shipped ≡ delivered), currencies case-blind,
items as a multiset, timestamps to the second (legacy keeps no more).
A field only one side can know (`legacy_id` before the dual-write linked
it, `payment_id`) is not a difference."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from till.migration.core.legacy_compare import Difference
from till.migration.core.legacy_status import NEW_TO_LEGACY, comparable_legacy_status

Order = Mapping[str, Any]


def shadow_differences(legacy: Order, new: Order | None) -> list[Difference]:
    """Every difference, empty when both sides agree; a new side without the
    order is the single difference `missing`."""
    if new is None:
        return [Difference("missing", None, legacy.get("id"))]
    found: list[Difference] = []

    def check(field: str, new_value: object, legacy_value: object) -> None:
        if new_value != legacy_value:
            found.append(Difference(field, new_value, legacy_value))

    check("id", new.get("id"), legacy.get("id"))
    if new.get("legacy_id") is not None and legacy.get("legacy_id") is not None:
        check("legacy_id", new["legacy_id"], legacy["legacy_id"])
    check("customer_id", new.get("customer_id"), legacy.get("customer_id"))
    check("status", _status(new.get("status")), _status(legacy.get("status")))
    check("currency", _upper(new.get("currency")), _upper(legacy.get("currency")))
    check("subtotal", new.get("subtotal"), legacy.get("subtotal"))
    check("total", new.get("total"), legacy.get("total"))
    check("items", _lines(new), _lines(legacy))
    for stamp in ("created_at", "updated_at"):
        check(stamp, _second(new.get(stamp)), _second(legacy.get(stamp)))
    return found


def _status(status: object) -> object:
    legacy = NEW_TO_LEGACY.get(str(status))
    return status if legacy is None else comparable_legacy_status(legacy)


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _lines(order: Order) -> list[tuple[Any, ...]]:
    keys = ("sku", "name", "quantity", "unit_amount", "amount")
    items = order.get("items") or []
    return sorted((tuple(item.get(k) for k in keys) for item in items), key=repr)


def _second(stamp: object) -> object:
    if not isinstance(stamp, str):
        return stamp
    try:
        return datetime.fromisoformat(stamp).replace(microsecond=0)
    except ValueError:
        return stamp
