"""Composition root, payments part (so far: audit check and projection rebuild)."""

from till.payments.shell.adapters.postgres_event_store import verify_audit_chain
from till.payments.shell.adapters.postgres_payment_projection import (
    rebuild_payment_projection,
)
from till.platform.database import one_off_transaction
from till.platform.settings import async_database_url


async def verify_payment_audit(database_url: str) -> list[str]:
    """Re-hash every payment event stream; an empty list means untouched."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        return await verify_audit_chain(conn)


async def rebuild_projections(database_url: str) -> int:
    """Rebuild the payments read model from the event streams."""
    async with one_off_transaction(async_database_url(database_url)) as conn:
        return await rebuild_payment_projection(conn)
