"""The orders API's request shapes, as the strangler router validates them
before choosing a side: the same rules as the orders context's schemas
(strict, unknown fields → 422), restated because contexts share no code; a
router test holds both to the same answers."""

from typing import Literal

from pydantic import Field

from till.platform.schemas import StrictRequest

StatusFilter = Literal[
    "pending_payment",
    "paid",
    "fulfilled",
    "shipped",
    "delivered",
    "canceled",
    "refunded",
]


class OrderItemIn(StrictRequest):
    sku: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=1_000_000)
    unit_amount: int = Field(ge=0, le=10**15)


class OrderRequest(StrictRequest):
    currency: str = Field(min_length=3, max_length=3)
    items: list[OrderItemIn] = Field(min_length=1, max_length=100)
    customer_id: str | None = Field(default=None, max_length=64)
