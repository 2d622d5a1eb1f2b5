"""Line items and totals (API.md, Orders): integer minor units, computed here,
never taken from the client. amount = quantity × unit_amount; subtotal = Σ
amounts; total = subtotal (no tax or shipping yet)."""

from dataclasses import dataclass
from typing import Any

from till.kernel.errors import ValidationFailed
from till.kernel.money import MAX_MINOR_UNITS

MAX_ITEMS = 100
MAX_QUANTITY = 1_000_000


def _int(value: object) -> bool:
    return type(value) is int  # bool, float, Decimal, "3": refused


@dataclass(frozen=True, slots=True)
class LineItem:
    sku: str
    name: str
    quantity: int
    unit_amount: int

    def __post_init__(self) -> None:
        for label in ("sku", "name"):
            value = getattr(self, label)
            if not isinstance(value, str) or not 1 <= len(value) <= 200:
                raise ValidationFailed(f"{label} must be 1–200 characters", param=label)
        if not _int(self.quantity) or not 1 <= self.quantity <= MAX_QUANTITY:
            raise ValidationFailed(
                "quantity must be an integer ≥ 1", param="items.quantity"
            )
        if not _int(self.unit_amount) or not 0 <= self.unit_amount <= MAX_MINOR_UNITS:
            raise ValidationFailed(
                "unit_amount must be an integer ≥ 0 in minor units",
                param="items.unit_amount",
            )

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_amount

    def as_data(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "name": self.name,
            "quantity": self.quantity,
            "unit_amount": self.unit_amount,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "LineItem":
        return cls(
            str(data["sku"]),
            str(data["name"]),
            int(data["quantity"]),
            int(data["unit_amount"]),
        )


def checked_items(items: tuple[LineItem, ...]) -> tuple[LineItem, ...]:
    """At least one item, at most MAX_ITEMS; the total within what money holds."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ValidationFailed(f"an order has 1 to {MAX_ITEMS} items", param="items")
    if subtotal_of(items) > MAX_MINOR_UNITS:
        raise ValidationFailed("the order total is too large", param="items")
    return items


def subtotal_of(items: tuple[LineItem, ...]) -> int:
    return sum(item.amount for item in items)
