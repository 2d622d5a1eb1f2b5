"""The read side of the payments store for queries: the projection and the
event streams, one autocommit statement per call."""

from datetime import datetime

from sqlalchemy import text

from till.payments.core.commands import PaymentListQuery
from till.payments.core.events import PaymentEvent
from till.payments.core.models import Payment
from till.payments.shell.adapters.postgres_event_store import SqlaPaymentEventStore
from till.payments.shell.adapters.postgres_payment_projection import (
    SqlaPaymentProjection,
)
from till.payments.shell.adapters.postgres_payment_rows import (
    SELECT,
    payment_from_row,
)
from till.platform.database import Database

_BY_REFERENCE = text(
    f"SELECT {SELECT} FROM payments WHERE gateway_reference = :ref "  # noqa: S608  # nosec B608
    "ORDER BY id DESC LIMIT 1"
)
_STUCK = text(
    f"SELECT {SELECT} FROM payments "  # noqa: S608  # nosec B608
    "WHERE (status = 'processing' OR pending_operation IS NOT NULL) "
    "AND updated_at < :before ORDER BY updated_at LIMIT :limit"
)


class SqlaPaymentReads:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, payment_id: str) -> Payment | None:
        async with self.database.read() as conn:
            return await SqlaPaymentProjection(conn).get(payment_id)

    async def page(self, query: PaymentListQuery) -> tuple[list[Payment], bool]:
        async with self.database.read() as conn:
            return await SqlaPaymentProjection(conn).page(query)

    async def events(self, payment_id: str) -> list[PaymentEvent]:
        async with self.database.read() as conn:
            return await SqlaPaymentEventStore(conn).load(payment_id)

    async def waiting_on_processor(self, before: datetime, limit: int) -> list[Payment]:
        """Payments whose processor answer is missing since before `before`."""
        async with self.database.read() as conn:
            rows = await conn.execute(_STUCK, {"before": before, "limit": limit})
            return [payment_from_row(row) for row in rows]

    async def by_reference(self, reference: str) -> Payment | None:
        """The payment the processor knows by `reference` (Stripe's pi_…)."""
        async with self.database.read() as conn:
            row = (await conn.execute(_BY_REFERENCE, {"ref": reference})).first()
        return None if row is None else payment_from_row(row)
