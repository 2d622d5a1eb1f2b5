"""The `payments` read-model row: the one place that maps a Payment to its
columns and back (the projection, the unit of work and rebuild share it)."""

import json
from datetime import datetime
from typing import Any

import orjson

from till.kernel.money import Currency, Money
from till.payments.core.fraud import Risk
from till.payments.core.models import Payment, Status
from till.payments.core.refunds import Refund, RefundStatus

COLUMNS = (
    "id, customer_id, amount, currency, status, capture_method, amount_capturable, "
    "amount_received, amount_refunded, failure_code, failure_message, metadata, "
    "description, payment_method, gateway, gateway_reference, refunds, created_at, "
    "updated_at, version, last_hash, pending_operation, risk, review_id"
)
_NAMES = [name.strip() for name in COLUMNS.split(",")]
_JSONB = {"metadata", "refunds", "risk"}
_VALUES = ", ".join(f"CAST(:{n} AS jsonb)" if n in _JSONB else f":{n}" for n in _NAMES)
_MUTABLE = [n for n in _NAMES if n not in ("id", "customer_id", "created_at")]
# Only the constant column names are formatted into SQL; values are bound.
UPSERT = (
    f"INSERT INTO payments ({COLUMNS}) VALUES ({_VALUES}) "  # noqa: S608  # nosec B608
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{n} = EXCLUDED.{n}" for n in _MUTABLE)
    + " WHERE payments.version < EXCLUDED.version"
)
SELECT = (
    COLUMNS.replace("metadata,", "metadata::text AS metadata,")
    .replace("refunds,", "refunds::text AS refunds,")
    .replace(" risk,", " risk::text AS risk,")
)


def _refund_json(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.id,
        "amount": refund.amount,
        "status": refund.status.value,
        "reason": refund.reason,
        "created_at": refund.created_at.isoformat(),
        "failure_code": refund.failure_code,
    }


def row_params(payment: Payment, last_hash: bytes) -> dict[str, Any]:
    return {
        "id": payment.id,
        "customer_id": payment.customer_id,
        "amount": payment.amount.amount,
        "currency": payment.currency.code,
        "status": payment.status.value,
        "capture_method": payment.capture_method,
        "amount_capturable": payment.amount_capturable,
        "amount_received": payment.amount_received,
        "amount_refunded": payment.amount_refunded,
        "failure_code": payment.failure_code,
        "failure_message": payment.failure_message,
        "metadata": orjson.dumps(
            payment.metadata, option=orjson.OPT_SORT_KEYS
        ).decode(),
        "description": payment.description,
        "payment_method": payment.payment_method,
        "gateway": payment.gateway,
        "gateway_reference": payment.gateway_reference,
        "refunds": orjson.dumps([_refund_json(r) for r in payment.refunds]).decode(),
        "created_at": payment.created_at,
        "updated_at": payment.updated_at,
        "version": payment.version,
        "last_hash": last_hash,
        "pending_operation": payment.pending_operation,
        "risk": None
        if payment.risk is None
        else orjson.dumps(payment.risk.as_data()).decode(),
        "review_id": payment.review_id,
    }


def _refund(payment_id: str, data: dict[str, Any]) -> Refund:
    return Refund(
        id=data["id"],
        payment_id=payment_id,
        amount=int(data["amount"]),
        status=RefundStatus(data["status"]),
        reason=data["reason"],
        created_at=datetime.fromisoformat(data["created_at"]),
        failure_code=data["failure_code"],
    )


def payment_from_row(row: Any) -> Payment:
    return Payment(
        id=row.id,
        amount=Money(int(row.amount), Currency(row.currency)),
        customer_id=row.customer_id,
        capture_method=row.capture_method,
        status=Status(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        amount_capturable=int(row.amount_capturable),
        amount_received=int(row.amount_received),
        amount_refunded=int(row.amount_refunded),
        failure_code=row.failure_code,
        failure_message=row.failure_message,
        version=row.version,
        metadata=json.loads(row.metadata),
        description=row.description,
        payment_method=row.payment_method,
        gateway=row.gateway,
        gateway_reference=row.gateway_reference,
        refunds=tuple(_refund(row.id, r) for r in json.loads(row.refunds)),
        pending_operation=row.pending_operation,
        risk=None if row.risk is None else Risk.from_data(json.loads(row.risk)),
        review_id=row.review_id,
    )
