"""The two snapshots of one order the migration compares and converts.

`LegacyOrder` is a row of the legacy `orders` table with its `order_items`,
as MariaDB holds it (Decimal money, naive local times, soft delete).
`NewOrder` is API.md's order object as the migration sees it (minor units,
aware UTC times); it is read from the plain dict orders publishes, so the
migration never imports `till.orders`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from till.migration.core.legacy_errors import UnmappableLegacyValue


@dataclass(frozen=True, slots=True)
class LegacyItem:
    sku: str
    name: str
    qty: int
    price: Decimal
    row_total: Decimal


@dataclass(frozen=True, slots=True)
class LegacyOrder:
    """`id` is None before the row is inserted; `increment_id` is `ord_…` for
    orders till created (dual-write) and `"1000…"` for the shop's own."""

    id: int | None
    increment_id: str | None
    customer_id: int
    status: str
    currency_code: str
    sub_total: Decimal
    grand_total: Decimal
    items: tuple[LegacyItem, ...]
    created_at: datetime | None
    updated_at: datetime | None
    deleted_at: datetime | None = None

    @property
    def is_soft_deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True, slots=True)
class NewItem:
    sku: str
    name: str
    quantity: int
    unit_amount: int
    amount: int


@dataclass(frozen=True, slots=True)
class NewOrder:
    id: str
    status: str
    customer_id: str | None
    currency: str
    items: tuple[NewItem, ...]
    subtotal: int
    total: int
    legacy_id: int | None
    created_at: datetime
    updated_at: datetime
    payment_id: str | None = None

    @classmethod
    def from_api(cls, order: Mapping[str, Any]) -> "NewOrder":
        """From API.md's order object (an event's `data`, a port's answer)."""
        try:
            return cls(
                id=_text(order["id"]),
                status=_text(order["status"]),
                customer_id=_optional_text(order.get("customer_id")),
                currency=_text(order["currency"]),
                items=tuple(_item(item) for item in order["items"]),
                subtotal=_int(order["subtotal"]),
                total=_int(order["total"]),
                legacy_id=_optional_int(order.get("legacy_id")),
                created_at=_instant(order["created_at"]),
                updated_at=_instant(order["updated_at"]),
                payment_id=_optional_text(order.get("payment_id")),
            )
        except (KeyError, TypeError) as missing:
            raise UnmappableLegacyValue(f"not an order object: {missing}") from None

    def to_api(self) -> dict[str, Any]:
        """API.md's order object (RFC 3339 UTC, `Z`)."""
        return {
            "id": self.id,
            "object": "order",
            "status": self.status,
            "customer_id": self.customer_id,
            "currency": self.currency,
            "items": [
                {
                    "sku": item.sku,
                    "name": item.name,
                    "quantity": item.quantity,
                    "unit_amount": item.unit_amount,
                    "amount": item.amount,
                }
                for item in self.items
            ],
            "subtotal": self.subtotal,
            "total": self.total,
            "payment_id": self.payment_id,
            "legacy_id": self.legacy_id,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        }


def rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _item(item: Mapping[str, Any]) -> NewItem:
    return NewItem(
        sku=_text(item["sku"]),
        name=_text(item["name"]),
        quantity=_int(item["quantity"]),
        unit_amount=_int(item["unit_amount"]),
        amount=_int(item["amount"]),
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _int(value: object) -> int:
    if type(value) is not int:
        raise TypeError(f"{value!r} is not an integer")
    return value


def _optional_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _instant(value: object) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(_text(value))
        except ValueError:
            raise TypeError(f"{value!r} is not an RFC 3339 time") from None
    if parsed.tzinfo is None:
        raise TypeError(f"{value!r} has no offset")
    return parsed
