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

# The open review queue, oldest first (payments_in_review index).
_IN_REVIEW = text(
    f"SELECT {SELECT} FROM payments "  # noqa: S608  # nosec B608
    "WHERE status = 'requires_review' AND (CAST(:after AS text) IS NULL OR "
    "(updated_at, id) > (SELECT updated_at, id FROM payments WHERE review_id = :after))"
    " ORDER BY updated_at, id LIMIT :limit"
)
_REVIEWED = text("SELECT id FROM payments WHERE review_id = :review")


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

    async def open_reviews(
        self, limit: int, starting_after: str | None
    ) -> tuple[list[Payment], bool]:
        """ReviewQueuePort: `starting_after` is a review id."""
        async with self.database.read() as conn:
            rows = await conn.execute(
                _IN_REVIEW, {"after": starting_after, "limit": limit + 1}
            )
            found = [payment_from_row(row) for row in rows]
        return found[:limit], len(found) > limit

    async def payment_for_review(self, review_id: str) -> str | None:
        async with self.database.read() as conn:
            return (await conn.execute(_REVIEWED, {"review": review_id})).scalar()
