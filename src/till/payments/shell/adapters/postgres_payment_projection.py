"""The payments read model: one row per payment, a cache of its event stream
that `till projections rebuild` can throw away and rebuild identically."""

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.kernel.money import Currency, Money
from till.payments.core.models import Payment, Status, replay
from till.payments.shell.adapters.postgres_event_store import SqlaPaymentEventStore

_UPSERT = text(
    """
    INSERT INTO payments (id, customer_id, amount, currency, status, capture_method,
        amount_capturable, amount_received, amount_refunded, failure_code, metadata,
        created_at, updated_at, version)
    VALUES (:id, :customer_id, :amount, :currency, :status, :capture_method,
        :amount_capturable, :amount_received, :amount_refunded, :failure_code,
        CAST(:metadata AS jsonb), :created_at, :updated_at, :version)
    ON CONFLICT (id) DO UPDATE SET
        status = EXCLUDED.status,
        amount_capturable = EXCLUDED.amount_capturable,
        amount_received = EXCLUDED.amount_received,
        amount_refunded = EXCLUDED.amount_refunded,
        failure_code = EXCLUDED.failure_code,
        updated_at = EXCLUDED.updated_at,
        version = EXCLUDED.version
    WHERE payments.version < EXCLUDED.version
    """
)
_GET = text(
    "SELECT id, customer_id, amount, currency, status, capture_method, "
    "amount_capturable, amount_received, amount_refunded, failure_code, "
    "metadata::text AS metadata, created_at, updated_at, version "
    "FROM payments WHERE id = :id"
)


def _params(payment: Payment) -> dict[str, Any]:
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
        "metadata": json.dumps(payment.metadata, sort_keys=True),
        "created_at": payment.created_at,
        "updated_at": payment.updated_at,
        "version": payment.version,
    }


def _payment(row: Any) -> Payment:
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
        version=row.version,
        metadata=json.loads(row.metadata),
    )


class SqlaPaymentProjection:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def save(self, payment: Payment) -> None:
        """Write the state; an older version never overwrites a newer one."""
        await self.conn.execute(_UPSERT, _params(payment))

    async def get(self, payment_id: str) -> Payment | None:
        row = (await self.conn.execute(_GET, {"id": payment_id})).first()
        return _payment(row) if row else None


async def rebuild_payment_projection(conn: AsyncConnection) -> int:
    """Empty the read model and rebuild it from every stream, in one transaction
    (readers see the old rows until it commits). Returns the payments rebuilt."""
    await conn.execute(text("DELETE FROM payments"))
    stream_ids = (
        await conn.execute(text("SELECT DISTINCT stream_id FROM payment_events"))
    ).scalars()
    store, projection = SqlaPaymentEventStore(conn), SqlaPaymentProjection(conn)
    count = 0
    for stream_id in list(stream_ids):
        await projection.save(replay(await store.load(stream_id)))
        count += 1
    return count
