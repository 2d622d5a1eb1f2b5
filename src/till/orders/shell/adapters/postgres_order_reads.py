"""Reads of the orders read model and event streams, and the projection's
rebuild (`till projections rebuild`)."""

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.orders.core.commands import OrderListQuery
from till.orders.core.events import OrderEvent
from till.orders.core.models import Order, replay
from till.orders.shell.adapters.order_chain import GENESIS
from till.orders.shell.adapters.postgres_order_rows import (
    SELECT,
    UPSERT,
    order_from_row,
    row_params,
)
from till.platform.database import Database

# Only constant identifiers are formatted into SQL here; values are bound.
_FROM = f"SELECT {SELECT} FROM orders "  # noqa: S608  # nosec B608
_GET = text(_FROM + "WHERE id = :id")
_BY_PAYMENT = text(_FROM + "WHERE payment_id = :p")
_BY_LEGACY = text(_FROM + "WHERE legacy_id = ANY(:ids) ORDER BY id")
_ASCENDING = text(_FROM + "WHERE id > :after ORDER BY id LIMIT :limit")
_STREAM = text(
    "SELECT stream_id, version, type, at, data::text AS data, prev_hash, hash "
    "FROM order_events WHERE stream_id = :s ORDER BY version"
)


def _event(row: Any) -> OrderEvent:
    return OrderEvent(row.type, row.stream_id, row.at, json.loads(row.data))


async def stream_of(conn: AsyncConnection, order_id: str) -> list[Any]:
    return list((await conn.execute(_STREAM, {"s": order_id})).all())


class SqlaOrderReads:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def _rows(self, statement: Any, params: dict[str, Any]) -> list[Order]:
        async with self.database.read() as conn:
            rows = (await conn.execute(statement, params)).all()
        return [order_from_row(r) for r in rows]

    async def get(self, order_id: str) -> Order | None:
        found = await self._rows(_GET, {"id": order_id})
        return found[0] if found else None

    async def by_payment(self, payment_id: str) -> Order | None:
        found = await self._rows(_BY_PAYMENT, {"p": payment_id})
        return found[0] if found else None

    async def by_legacy_ids(self, legacy_ids: Sequence[int]) -> list[Order]:
        return await self._rows(_BY_LEGACY, {"ids": list(legacy_ids)})

    async def ascending(self, after_id: str | None, limit: int) -> list[Order]:
        return await self._rows(_ASCENDING, {"after": after_id or "", "limit": limit})

    async def events(self, order_id: str) -> list[OrderEvent]:
        async with self.database.read() as conn:
            return [_event(r) for r in await stream_of(conn, order_id)]

    async def page(self, query: OrderListQuery) -> tuple[list[Order], bool]:
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
        sql = _FROM + "WHERE " + " AND ".join(where) + " ORDER BY id DESC LIMIT :limit"
        found = await self._rows(text(sql), params)
        return found[: query.limit], len(found) > query.limit


async def rebuild_order_projection(conn: AsyncConnection) -> int:
    """Empty the orders read model and rebuild it from every stream, in one
    transaction. Returns the orders rebuilt."""
    await conn.execute(text("DELETE FROM orders"))
    ids = await conn.execute(text("SELECT DISTINCT stream_id FROM order_events"))
    upsert, count = text(UPSERT), 0
    for order_id in list(ids.scalars()):
        rows = await stream_of(conn, order_id)
        order = replay([_event(r) for r in rows])
        last = bytes(rows[-1].hash) if rows else GENESIS
        await conn.execute(upsert, row_params(order, last))
        count += 1
    return count
