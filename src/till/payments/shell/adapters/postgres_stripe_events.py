"""Stripe events already applied (Stripe delivers at least once)."""

from datetime import datetime

from sqlalchemy import text

from till.platform.database import Database

_SEEN = text("SELECT 1 FROM stripe_events WHERE id = :id")
_MARK = text(
    "INSERT INTO stripe_events (id, type, received_at) VALUES (:id, :type, :at) "
    "ON CONFLICT DO NOTHING"
)


class SqlaStripeEvents:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def seen(self, event_id: str) -> bool:
        async with self.database.read() as conn:
            return await conn.scalar(_SEEN, {"id": event_id}) is not None

    async def mark(self, event_id: str, event_type: str, at: datetime) -> None:
        async with self.database.read() as conn:
            await conn.execute(_MARK, {"id": event_id, "type": event_type, "at": at})
