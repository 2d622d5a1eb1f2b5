"""Conversions between the new-side order and the legacy row (issue 5
contract): statuses through `legacy_status`, money through `legacy_money`
(exact or refused), times through `legacy_time` (LEGACY_TZ ↔ UTC).

- `legacy_order_from_new`: what the dual-write writes (increment_id = the
  till order id, so the write is idempotent on it).
- `new_order_from_legacy`: the legacy row as API.md's order object (the HTTP
  anti-corruption layer, shadow reads).
- `imported_order_from_legacy`: what the backfill hands orders' `import_legacy`.
A legacy row whose items do not add up to its totals is refused: the new
service computes totals from items and would silently change the amount.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_ids import order_id_of_legacy_row
from till.migration.core.legacy_money import (
    legacy_currency,
    legacy_from_minor_units,
    minor_units_from_legacy,
)
from till.migration.core.legacy_orders import LegacyItem, LegacyOrder, NewItem, NewOrder
from till.migration.core.legacy_status import legacy_status_for, new_status_for
from till.migration.core.legacy_time import legacy_local_from_utc, utc_from_legacy_local


@dataclass(frozen=True, slots=True)
class ImportedLegacyOrder:
    """The contract's ImportedOrder, migration side (the app's adapter turns
    it into orders' own type): a NEW status, minor units, aware UTC."""

    legacy_id: int
    increment_id: str | None
    customer_id: str | None
    currency: str
    items: tuple[NewItem, ...]
    status: str
    created_at: datetime
    updated_at: datetime


def legacy_order_from_new(
    order: NewOrder, *, legacy_customer_id: int, tz: ZoneInfo
) -> LegacyOrder:
    code = order.currency
    items = tuple(
        LegacyItem(
            sku=item.sku,
            name=item.name,
            qty=item.quantity,
            price=legacy_from_minor_units(item.unit_amount, code, param="unit_amount"),
            row_total=legacy_from_minor_units(item.amount, code, param="amount"),
        )
        for item in order.items
    )
    return LegacyOrder(
        id=order.legacy_id,
        increment_id=order.id,
        customer_id=legacy_customer_id,
        status=legacy_status_for(order.status),
        currency_code=legacy_currency(code).code.upper(),
        sub_total=legacy_from_minor_units(order.subtotal, code, param="subtotal"),
        grand_total=legacy_from_minor_units(order.total, code, param="total"),
        items=items,
        created_at=legacy_local_from_utc(order.created_at, tz),
        updated_at=legacy_local_from_utc(order.updated_at, tz),
    )


def new_order_from_legacy(
    row: LegacyOrder, *, customer_id: str | None, tz: ZoneInfo
) -> NewOrder:
    if row.id is None:
        raise UnmappableLegacyValue("a legacy order without an id", param="id")
    code = row.currency_code
    items = tuple(_new_item(item, code) for item in row.items)
    subtotal = minor_units_from_legacy(row.sub_total, code, param="sub_total")
    total = minor_units_from_legacy(row.grand_total, code, param="grand_total")
    if subtotal != sum(item.amount for item in items) or total != subtotal:
        raise UnmappableLegacyValue(
            f"legacy order {row.id}: totals {row.sub_total}/{row.grand_total} "
            "are not the sum of its items",
            param="grand_total",
        )
    return NewOrder(
        id=order_id_of_legacy_row(row.id, row.increment_id),
        status=new_status_for(row.status),
        customer_id=customer_id,
        currency=legacy_currency(code).code,
        items=items,
        subtotal=subtotal,
        total=total,
        legacy_id=row.id,
        created_at=_utc(row.created_at, tz, "created_at"),
        updated_at=_utc(row.updated_at, tz, "updated_at"),
    )


def imported_order_from_legacy(
    row: LegacyOrder, *, customer_id: str | None, tz: ZoneInfo
) -> ImportedLegacyOrder:
    order = new_order_from_legacy(row, customer_id=customer_id, tz=tz)
    return ImportedLegacyOrder(
        legacy_id=order.legacy_id or 0,  # row.id, checked in new_order_from_legacy
        increment_id=row.increment_id,
        customer_id=customer_id,
        currency=order.currency,
        items=order.items,
        status=order.status,
        created_at=order.created_at,
        updated_at=order.updated_at,
    )


def _new_item(item: LegacyItem, code: str) -> NewItem:
    unit = minor_units_from_legacy(item.price, code, param="price")
    amount = minor_units_from_legacy(item.row_total, code, param="row_total")
    if item.qty < 1 or amount != unit * item.qty:
        raise UnmappableLegacyValue(
            f"item {item.sku}: {item.qty} × {item.price} is not {item.row_total}",
            param="row_total",
        )
    return NewItem(item.sku, item.name, item.qty, unit, amount)


def _utc(local: datetime | None, tz: ZoneInfo, param: str) -> datetime:
    if local is None:
        raise UnmappableLegacyValue(f"legacy {param} is NULL", param=param)
    return utc_from_legacy_local(local, tz)
