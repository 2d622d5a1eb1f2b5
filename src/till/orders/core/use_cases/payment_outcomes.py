"""What the payments context's published events mean for orders.

`payment.completed` of an order's payment → the order is paid;
`payment.failed` / `payment.canceled` → it may be paid again; `refund.completed`
→ the order is refunded when its payment is now fully refunded (the refund
object does not say: the payment's status is asked for). The payment names its
order in `metadata.order_id`; a refund only its payment."""

from dataclasses import dataclass
from typing import Any

PAID = "paid"
FAILED = "failed"
REFUNDED = "refunded"
_KINDS = {
    "payment.completed": PAID,
    "payment.failed": FAILED,
    "payment.canceled": FAILED,
    "refund.completed": REFUNDED,
}
CONSUMED = frozenset(_KINDS)


@dataclass(frozen=True, slots=True)
class PaymentFact:
    kind: str  # PAID, FAILED or REFUNDED
    payment_id: str
    order_id: str | None  # unknown for refunds: found by the payment
    code: str = ""


def fact_from(event_type: str, payload: dict[str, Any]) -> PaymentFact | None:
    """None for events that concern no order."""
    kind = _KINDS.get(event_type)
    data = payload.get("data")
    if kind is None or not isinstance(data, dict):
        return None
    if kind == REFUNDED:
        payment_id = data.get("payment_id")
        return PaymentFact(kind, payment_id, None) if payment_id else None
    metadata = data.get("metadata") or {}
    order_id = metadata.get("order_id") if isinstance(metadata, dict) else None
    payment_id = data.get("id")
    if not isinstance(order_id, str) or not isinstance(payment_id, str):
        return None
    failure = data.get("failure") or {}
    code = str(failure.get("code") or event_type.split(".")[1])
    return PaymentFact(kind, payment_id, order_id, code)
