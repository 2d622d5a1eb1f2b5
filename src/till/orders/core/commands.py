"""The inputs and outputs of the orders commands and queries (validated at the
edge by pydantic, again here by the value objects they hold)."""

from dataclasses import dataclass
from datetime import datetime

from till.kernel.idempotency import StoredResponse
from till.orders.core.items import LineItem
from till.orders.core.models import Order


@dataclass(frozen=True, slots=True)
class NewOrder:
    """`POST /v1/orders`: the currency and items; totals are computed."""

    currency: str
    items: tuple[LineItem, ...]
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderListQuery:
    customer_id: str | None = None
    status: str | None = None
    limit: int = 20
    starting_after: str | None = None


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    result: Order
    response: StoredResponse


@dataclass(frozen=True, slots=True)
class PaymentAttempt:
    """What the payments side answered when asked to charge an order."""

    payment_id: str
    status: str  # the payment's status (API.md, Payments)
    failure_code: str | None = None
    failure_message: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedItem:
    sku: str
    name: str
    quantity: int
    unit_amount: int  # minor units of the order's currency


@dataclass(frozen=True, slots=True)
class ImportedOrder:
    """A legacy order as the migration toolkit hands it over (backfill):
    already mapped to till's vocabulary (status, minor units, aware UTC)."""

    legacy_id: int
    increment_id: str
    customer_id: str
    currency: str
    items: tuple[ImportedItem, ...]
    status: str  # a till status (pending_payment, paid, ..., refunded)
    created_at: datetime
    updated_at: datetime
