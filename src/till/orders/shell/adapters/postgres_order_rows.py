"""The `orders` read-model row: the one place that maps an Order to its
columns and back (the unit of work, the reads and rebuild share it)."""

import json
from typing import Any

import orjson

from till.kernel.money import Currency
from till.orders.core.items import LineItem
from till.orders.core.models import Order, Status

COLUMNS = (
    "id, customer_id, currency, status, items, subtotal, total, payment_id, "
    "refund_id, legacy_id, source, created_at, updated_at, version, last_hash"
)
_NAMES = [name.strip() for name in COLUMNS.split(",")]
_VALUES = ", ".join(
    "CAST(:items AS jsonb)" if n == "items" else f":{n}" for n in _NAMES
)
_MUTABLE = [n for n in _NAMES if n not in ("id", "customer_id", "created_at")]
# Only the constant column names are formatted into SQL; values are bound.
UPSERT = (
    f"INSERT INTO orders ({COLUMNS}) VALUES ({_VALUES}) "  # noqa: S608  # nosec B608
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{n} = EXCLUDED.{n}" for n in _MUTABLE)
    + " WHERE orders.version < EXCLUDED.version"
)
SELECT = COLUMNS.replace("items,", "items::text AS items,")


def row_params(order: Order, last_hash: bytes) -> dict[str, Any]:
    return {
        "id": order.id,
        "customer_id": order.customer_id,
        "currency": order.currency.code,
        "status": order.status.value,
        "items": orjson.dumps([item.as_data() for item in order.items]).decode(),
        "subtotal": order.subtotal,
        "total": order.total,
        "payment_id": order.payment_id,
        "refund_id": order.refund_id,
        "legacy_id": order.legacy_id,
        "source": order.source,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "version": order.version,
        "last_hash": last_hash,
    }


def order_from_row(row: Any) -> Order:
    return Order(
        id=row.id,
        customer_id=row.customer_id,
        currency=Currency(row.currency),
        items=tuple(LineItem.from_data(i) for i in json.loads(row.items)),
        status=Status(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        payment_id=row.payment_id,
        refund_id=row.refund_id,
        legacy_id=row.legacy_id,
        source=row.source,
    )
