"""Rows of the legacy tables ↔ `LegacyOrder` (the SQL of
`mariadb_legacy_orders` lives there; this is only the shape)."""

from collections.abc import Iterable, Mapping
from typing import Any

from till.migration.core.legacy_orders import LegacyItem, LegacyOrder

ORDER_COLUMNS = (
    "id, increment_id, customer_id, status, currency_code, sub_total, "
    "grand_total, created_at, updated_at, deleted_at"
)
ITEM_COLUMNS = "order_id, sku, name, qty, price, row_total"


def orders_from_rows(
    orders: Iterable[Mapping[str, Any]], items: Iterable[Mapping[str, Any]]
) -> list[LegacyOrder]:
    lines: dict[int, list[LegacyItem]] = {}
    for item in items:
        lines.setdefault(int(item["order_id"]), []).append(
            LegacyItem(
                sku=item["sku"],
                name=item["name"],
                qty=int(item["qty"]),
                price=item["price"],
                row_total=item["row_total"],
            )
        )
    return [
        LegacyOrder(
            id=int(row["id"]),
            increment_id=row["increment_id"],
            customer_id=int(row["customer_id"]),
            status=row["status"],
            currency_code=row["currency_code"],
            sub_total=row["sub_total"],
            grand_total=row["grand_total"],
            items=tuple(lines.get(int(row["id"]), ())),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            deleted_at=row["deleted_at"],
        )
        for row in orders
    ]


def order_values(order: LegacyOrder) -> tuple[Any, ...]:
    return (
        order.increment_id,
        order.customer_id,
        order.status,
        order.currency_code,
        order.sub_total,
        order.grand_total,
        order.created_at,
        order.updated_at,
    )


def item_values(order_id: int, order: LegacyOrder) -> list[tuple[Any, ...]]:
    return [
        (
            order_id,
            item.sku,
            item.name,
            item.qty,
            item.price,
            item.row_total,
            order.created_at,
            order.updated_at,
        )
        for item in order.items
    ]
