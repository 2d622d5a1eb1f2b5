"""Composition root, payments part (so far: the audit check of the event store)."""

from till.payments.shell.adapters.postgres_event_store import verify_audit_chain
from till.platform.database import Database
from till.platform.settings import async_database_url


async def verify_payment_audit(database_url: str) -> list[str]:
    """Re-hash every payment event stream; an empty list means untouched."""
    database = Database(async_database_url(database_url), pool_size=1)
    try:
        async with database.read() as conn:
            return await verify_audit_chain(conn)
    finally:
        await database.close()
