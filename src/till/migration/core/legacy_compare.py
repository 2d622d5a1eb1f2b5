"""Order-by-order comparison of the two stores (reconciliation, shadow
reads), in LEGACY space after normalisation (issue 5 contract):

- status: the new status mapped to legacy, both folded by
  `comparable_legacy_status` (`cancelled` ≡ `canceled`, `holded` ≡ `pending`);
- money: legacy decimals read as minor units of the currency; a legacy value
  more precise than the currency allows is a difference, never rounded;
- items: a multiset per sku of (name, quantity, unit amount, amount), so
  order and duplicates of lines are handled;
- times: the new instant as the legacy wall-clock reading, to the second
  (that direction is a function, so the repeated autumn hour cannot cause a
  false mismatch);
- a soft-deleted legacy row is reported as `deleted_at`, whatever else agrees.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from till.migration.core.legacy_customers import legacy_customer_in_id
from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_money import minor_units_from_legacy
from till.migration.core.legacy_orders import LegacyOrder, NewOrder
from till.migration.core.legacy_status import NEW_TO_LEGACY, comparable_legacy_status
from till.migration.core.legacy_time import legacy_local_from_utc

Line = tuple[str, int, object, object]  # name, quantity, unit amount, amount


@dataclass(frozen=True, slots=True)
class Difference:
    """One field that disagrees; `field` is e.g. `status`, `total`,
    `items[MUG]`, `created_at`, `deleted_at`. Values are in legacy space."""

    field: str
    new: object
    legacy: object


def compare(
    new: NewOrder,
    legacy: LegacyOrder,
    *,
    tz: ZoneInfo,
    legacy_customer_id: int | None = None,
) -> list[Difference]:
    """Every difference, empty when the two agree. `legacy_customer_id` is what
    the customer map says `new.customer_id` is in legacy; without it only the
    rule-mapped ids (`lgc_N`, none) are compared."""
    found: list[Difference] = []

    def check(field: str, new_value: object, legacy_value: object) -> None:
        if new_value != legacy_value:
            found.append(Difference(field, new_value, legacy_value))

    if legacy.is_soft_deleted:
        found.append(Difference("deleted_at", None, legacy.deleted_at))
    if new.legacy_id is not None:
        check("legacy_id", new.legacy_id, legacy.id)
    if legacy.increment_id is not None and legacy.increment_id.startswith("ord_"):
        check("id", new.id, legacy.increment_id)
    expected_customer = legacy_customer_id
    if expected_customer is None:
        expected_customer = legacy_customer_in_id(new.customer_id)
    if expected_customer is not None:
        check("customer_id", expected_customer, legacy.customer_id)
    check("status", _status(new.status), comparable_legacy_status(legacy.status))
    check("currency", new.currency.upper(), legacy.currency_code.upper())
    code = legacy.currency_code
    check("subtotal", new.subtotal, _minor(legacy.sub_total, code))
    check("total", new.total, _minor(legacy.grand_total, code))
    new_lines, legacy_lines = _new_lines(new), _legacy_lines(legacy)
    for sku in sorted(set(new_lines) | set(legacy_lines)):
        check(f"items[{sku}]", new_lines.get(sku, []), legacy_lines.get(sku, []))
    check("created_at", _local(new.created_at, tz), _second(legacy.created_at))
    check("updated_at", _local(new.updated_at, tz), _second(legacy.updated_at))
    return found


def _status(new_status: str) -> str:
    legacy = NEW_TO_LEGACY.get(new_status, f"<unknown {new_status}>")
    return comparable_legacy_status(legacy)


def _minor(value: Decimal, code: str) -> object:
    """Minor units, or the legacy text with why it has none (a mismatch)."""
    try:
        return minor_units_from_legacy(value, code, param="amount")
    except UnmappableLegacyValue as error:
        return f"{value} ({error.message})"


def _new_lines(order: NewOrder) -> dict[str, list[Line]]:
    lines: Counter[tuple[str, Line]] = Counter(
        (item.sku, (item.name, item.quantity, item.unit_amount, item.amount))
        for item in order.items
    )
    return _by_sku(lines)


def _legacy_lines(order: LegacyOrder) -> dict[str, list[Line]]:
    code = order.currency_code
    lines: Counter[tuple[str, Line]] = Counter(
        (
            item.sku,
            (
                item.name,
                item.qty,
                _minor(item.price, code),
                _minor(item.row_total, code),
            ),
        )
        for item in order.items
    )
    return _by_sku(lines)


def _by_sku(lines: Counter[tuple[str, Line]]) -> dict[str, list[Line]]:
    grouped: dict[str, list[Line]] = {}
    for (sku, line), count in lines.items():
        grouped.setdefault(sku, []).extend([line] * count)
    return {sku: sorted(found, key=repr) for sku, found in grouped.items()}


def _local(instant: datetime, tz: ZoneInfo) -> datetime | str:
    try:
        return legacy_local_from_utc(instant, tz)
    except UnmappableLegacyValue as error:
        return f"{instant} ({error.message})"


def _second(local: datetime | None) -> datetime | None:
    return None if local is None else local.replace(microsecond=0)
