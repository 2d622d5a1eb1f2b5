"""Stripe's balance transactions as reconciliation movements: what Stripe says
moved money (charges and payments, refunds), with its fees, under the ids the
payments know — a charge's PaymentIntent (`pi_…`, expanded from its source),
a refund's own id (`re_…`). Payouts, adjustments and the like are not ours to
match."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from till.payments.core.gateway import Movement

if TYPE_CHECKING:
    from stripe.params import BalanceTransactionListParams

PAGE = 100
_CHARGES = {"charge", "payment"}
_REFUNDS = {"refund", "payment_refund"}
# Stripe keeps ISK two-decimal in its API (100 = 1 króna); till follows ISO (0).
_STRIPE_SCALE = {"isk": 100}


def list_params(
    start: datetime, end: datetime, after: str | None
) -> "BalanceTransactionListParams":
    params: BalanceTransactionListParams = {
        "created": {"gte": int(start.timestamp()), "lt": int(end.timestamp())},
        "limit": PAGE,
        "expand": ["data.source"],
    }
    if after is not None:
        params["starting_after"] = after
    return params


def _field(source: Any, name: str) -> Any:
    """`source` is an id, or the expanded object."""
    if isinstance(source, dict):
        return source.get(name)
    return source if name == "id" else None


def balance_movement(txn: dict[str, Any]) -> Movement | None:
    """One balance transaction (a plain dict) as a movement; None for kinds we
    do not book."""
    kind = "charge" if txn["type"] in _CHARGES else None
    kind = "refund" if txn["type"] in _REFUNDS else kind
    if kind is None:
        return None
    source = txn.get("source")
    if kind == "charge":
        reference = _field(source, "payment_intent") or _field(source, "id")
    else:
        reference = _field(source, "id")
    code = str(txn["currency"]).lower()
    scale = _STRIPE_SCALE.get(code, 1)
    return Movement(
        kind,
        str(reference),
        code,
        abs(int(txn["amount"])) // scale,
        int(txn["fee"]) // scale,
        datetime.fromtimestamp(int(txn["created"]), UTC),
    )
