"""The payments read model: one row per payment, a cache of its event stream
that `till projections rebuild` can throw away and rebuild identically."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.payments.core.audit import GENESIS
from till.payments.core.commands import PaymentListQuery
from till.payments.core.models import Payment, replay
from till.payments.shell.adapters.postgres_event_store import (
    SqlaPaymentEventStore,
    last_hash,
)
from till.payments.shell.adapters.postgres_payment_rows import (
    SELECT,
    UPSERT,
    payment_from_row,
    row_params,
)

_UPSERT = text(UPSERT)
# Only constant identifiers are formatted into SQL here; values are bound.
_GET = text(f"SELECT {SELECT} FROM payments WHERE id = :id")  # noqa: S608  # nosec B608


class SqlaPaymentProjection:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def save(self, payment: Payment, last_hash: bytes = GENESIS) -> None:
        """Write the state; an older version never overwrites a newer one."""
        await self.conn.execute(_UPSERT, row_params(payment, last_hash))

    async def get(self, payment_id: str) -> Payment | None:
        row = (await self.conn.execute(_GET, {"id": payment_id})).first()
        return payment_from_row(row) if row else None

    async def page(self, query: PaymentListQuery) -> tuple[list[Payment], bool]:
        """Newest first (ids sort by time), `limit` + 1 rows to tell `has_more`."""
        where, params = ["TRUE"], dict[str, Any](limit=query.limit + 1)
        for column in ("customer_id", "status"):
            value = getattr(query, column)
            if value is not None:
                where.append(f"{column} = :{column}")
                params[column] = value
        if query.starting_after is not None:
            where.append("id < :after")
            params["after"] = query.starting_after
        conditions = " AND ".join(where)  # constant fragments, bound values
        sql = f"SELECT {SELECT} FROM payments WHERE {conditions}"  # noqa: S608  # nosec B608
        sql += " ORDER BY id DESC LIMIT :limit"
        rows = (await self.conn.execute(text(sql), params)).all()
        found = [payment_from_row(row) for row in rows[: query.limit]]
        return found, len(rows) > query.limit


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
        payment = replay(await store.load(stream_id))
        await projection.save(payment, await last_hash(conn, stream_id))
        count += 1
    return count
