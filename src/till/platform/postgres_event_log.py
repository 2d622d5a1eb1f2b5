"""The published events, read back for `GET /v1/events` (30 days, like
Stripe's events list), and their retention."""

from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import text

from till.platform.database import Database

KEPT = timedelta(days=30)
_SEQ_OF = text("SELECT seq FROM outbox WHERE event_id = :id")
_EXPIRED = text(
    "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < :before"
)


def _page_sql(by_type: bool, after: bool) -> Any:
    where = ["published_at IS NOT NULL", "created_at >= :since"]
    if by_type:
        where.append("type = :type")
    if after:
        where.append("seq < :after")
    return text(
        "SELECT payload::text AS payload FROM outbox WHERE "  # noqa: S608  # nosec B608
        + " AND ".join(where)
        + " ORDER BY seq DESC LIMIT :limit"
    )


_PAGES = {(t, a): _page_sql(t, a) for t in (False, True) for a in (False, True)}


class PostgresEventLog:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def page(
        self,
        now: datetime,
        event_type: str | None,
        starting_after: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], bool] | None:
        """Newest first; None when the cursor names no event."""
        params: dict[str, Any] = {
            "since": now - KEPT,
            "type": event_type,
            "limit": limit + 1,
        }
        async with self.database.read() as conn:
            if starting_after is not None:
                seq = await conn.scalar(_SEQ_OF, {"id": starting_after})
                if seq is None:
                    return None
                params["after"] = seq
            statement = _PAGES[(event_type is not None, starting_after is not None)]
            rows = (await conn.execute(statement, params)).all()
        found = [orjson.loads(row.payload) for row in rows[:limit]]
        return found, len(rows) > limit


async def delete_expired_events(database: Database, now: datetime) -> int:
    """Published rows older than 30 days go (unpublished ones never)."""
    async with database.read() as conn:
        result = await conn.execute(_EXPIRED, {"before": now - KEPT})
    return int(getattr(result, "rowcount", 0) or 0)
