"""The order statuses across the two systems (the issue 5 contract).

The maps are not inverses: the legacy shop has fewer statuses (`paid` and
`fulfilled` are both `processing`, `shipped` and `delivered` both `complete`)
and one the new service lacks (`holded`, on hold). So a comparison happens in
LEGACY space, after `comparable_legacy_status` folds the spellings that mean
the same: `cancelled` (historic rows) is `canceled`, `holded` is `pending`.
"""

from till.kernel.errors import ValidationFailed

NEW_STATUSES = (
    "pending_payment",
    "paid",
    "fulfilled",
    "shipped",
    "delivered",
    "canceled",
    "refunded",
)

NEW_TO_LEGACY: dict[str, str] = {
    "pending_payment": "pending",
    "paid": "processing",
    "fulfilled": "processing",
    "shipped": "complete",
    "delivered": "complete",
    "canceled": "canceled",
    "refunded": "closed",
}

LEGACY_TO_NEW: dict[str, str] = {
    "pending": "pending_payment",
    "holded": "pending_payment",
    "processing": "paid",
    "complete": "delivered",
    "closed": "refunded",
    "canceled": "canceled",
    "cancelled": "canceled",
}

LEGACY_STATUSES = tuple(LEGACY_TO_NEW)

_COMPARABLE = {"cancelled": "canceled", "holded": "pending"}


def legacy_status_for(status: str) -> str:
    """The legacy status a new-side status is written as (dual-write)."""
    try:
        return NEW_TO_LEGACY[status]
    except KeyError:
        raise ValidationFailed(
            f"unknown order status {status!r}", param="status"
        ) from None


def new_status_for(legacy_status: str) -> str:
    """The new-side status a legacy row is imported with (backfill)."""
    try:
        return LEGACY_TO_NEW[legacy_status]
    except KeyError:
        raise ValidationFailed(
            f"unknown legacy order status {legacy_status!r}", param="status"
        ) from None


def comparable_legacy_status(legacy_status: str) -> str:
    """One spelling per business meaning, for comparisons only."""
    return _COMPARABLE.get(legacy_status, legacy_status)


def legacy_statuses_shown_as(status: str) -> tuple[str, ...]:
    """The legacy statuses that read back as `status` (a list filter):
    `pending_payment` is pending or holded, `fulfilled` and `shipped` none
    (legacy cannot tell them from paid and delivered)."""
    return tuple(old for old, new in LEGACY_TO_NEW.items() if new == status)
