"""Request and response bodies of the orders API (the OpenAPI schemas).
Requests are strict: unknown fields (a client-sent `total` or `amount`) → 422,
no coercion ("3" is not 3)."""

from typing import Any, Literal

from pydantic import Field

from till.orders.shell.http import schema_examples as ex
from till.platform.schemas import Response, StrictRequest, examples


class OrderItemIn(StrictRequest):
    model_config = examples(ex.ITEM)

    sku: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=1_000_000, examples=[2])
    unit_amount: int = Field(
        ge=0, le=10**15, examples=[1250], description="Minor units."
    )


class OrderRequest(StrictRequest):
    """Totals are computed by the server: a `total` here is rejected."""

    model_config = examples(ex.NEW_ORDER, ex.NEW_ORDER_FOR_CUSTOMER)

    currency: str = Field(min_length=3, max_length=3, examples=["usd"])
    items: list[OrderItemIn] = Field(min_length=1, max_length=100)
    customer_id: str | None = Field(
        default=None, max_length=64, description="Services only (users: themselves)."
    )


class PayRequest(StrictRequest):
    model_config = examples(ex.PAY)

    payment_method: str = Field(min_length=1, max_length=64)


class OrderItemOut(Response):
    sku: str
    name: str
    quantity: int
    unit_amount: int
    amount: int


class OrderOut(Response):
    model_config = examples(ex.ORDER)

    id: str
    object: Literal["order"] = "order"
    status: str
    customer_id: str
    currency: str
    items: list[OrderItemOut]
    subtotal: int
    total: int
    payment_id: str | None
    legacy_id: int | None
    created_at: str
    updated_at: str


class OrderEventOut(Response):
    model_config = examples(ex.ORDER_EVENT)

    version: int
    type: str
    at: str
    data: dict[str, Any]
