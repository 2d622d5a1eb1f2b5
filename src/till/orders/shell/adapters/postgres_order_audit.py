"""`till audit verify` for orders: every order stream re-hashed from its first
event (the chain of `order_chain.py`), so an event edited, removed or
reordered past the append-only trigger is reported."""

import json
from itertools import groupby

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.orders.core.events import OrderEvent
from till.orders.shell.adapters.order_chain import broken_links

_ALL = text(
    "SELECT stream_id, version, type, at, data::text AS data, prev_hash, hash "
    "FROM order_events ORDER BY stream_id, version"
)


async def verify_order_chain(conn: AsyncConnection) -> list[str]:
    """What does not check out, stream by stream (reads every event, as the
    payments check does)."""
    rows = (await conn.execute(_ALL)).all()
    problems: list[str] = []
    for _, stream in groupby(rows, lambda row: row.stream_id):
        links = [
            (
                row.version,
                OrderEvent(row.type, row.stream_id, row.at, json.loads(row.data)),
                bytes(row.prev_hash),
                bytes(row.hash),
            )
            for row in stream
        ]
        problems += broken_links(links)
    return problems
