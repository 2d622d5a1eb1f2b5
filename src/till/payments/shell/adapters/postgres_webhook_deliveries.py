"""Webhook deliveries and their attempts in PostgreSQL. Due deliveries are
claimed by pushing their next attempt past a lease (`FOR UPDATE SKIP LOCKED`),
so several senders never send one at the same time and no transaction stays
open across an HTTP call."""

from datetime import datetime
from typing import Any

from sqlalchemy import text

from till.kernel.ids import new_id
from till.payments.core.webhook_deliveries import Attempt, DueDelivery
from till.platform.backlog_metrics import Backlog
from till.platform.database import Database

# New deliveries are claimed by their creator (next attempt = its lease), which
# sends the first attempt at once; past the lease a sender retries them.
_FAN_OUT = text(
    "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, "
    "status, next_attempt_at, created_at) SELECT u.id, u.endpoint, :event, :type, "
    ":payload, 'pending', :lease_until, :now FROM unnest(CAST(:ids AS text[]), "
    "CAST(:endpoints AS text[])) AS u(id, endpoint) "
    "ON CONFLICT (endpoint_id, event_id) DO NOTHING "
    "RETURNING id, endpoint_id, event_id, payload, attempts, first_attempt_at"
)
_CLAIM = text(
    "UPDATE webhook_deliveries SET next_attempt_at = :lease_until WHERE id IN ("
    "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND "
    "next_attempt_at <= :now ORDER BY next_attempt_at LIMIT :limit "
    "FOR UPDATE SKIP LOCKED) RETURNING id, endpoint_id, event_id, payload, "
    "attempts, first_attempt_at"
)
_ATTEMPT = text(
    "INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, "
    "latency_ms, response_excerpt, error) VALUES (:id, :at, :status, :latency, "
    ":excerpt, :error)"
)
_SETTLE = text(
    "UPDATE webhook_deliveries SET attempts = attempts + 1, status = :outcome, "
    "next_attempt_at = :next, first_attempt_at = coalesce(first_attempt_at, :at) "
    "WHERE id = :id"
)

# Served by the partial index webhook_deliveries_due (status = 'pending').
# Overdue: due, not claimed (a claim pushes next_attempt_at past its lease).
_BACKLOG = text(
    "SELECT count(*) AS pending, coalesce(extract(epoch FROM now() - "
    "min(next_attempt_at) FILTER (WHERE next_attempt_at <= now())), 0) AS late "
    "FROM webhook_deliveries WHERE status = 'pending'"
)
_OF_ENDPOINT = text(
    "SELECT d.id, d.event_id, d.event_type, d.status, d.attempts, "
    "d.next_attempt_at, d.created_at, coalesce(json_agg(json_build_object("
    "'attempted_at', a.attempted_at, 'status_code', a.status_code, "
    "'latency_ms', a.latency_ms, 'response', a.response_excerpt, 'error', a.error) "
    "ORDER BY a.attempted_at) FILTER (WHERE a.delivery_id IS NOT NULL), '[]') "
    "AS attempts_made FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON "
    "a.delivery_id = d.id WHERE d.endpoint_id = :endpoint GROUP BY d.id "
    "ORDER BY d.id DESC LIMIT :limit"
)
_RETRY = text(
    "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :now "
    "WHERE id = :id RETURNING id"
)


class SqlaWebhookDeliveries:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def fan_out(
        self,
        event_id: str,
        event_type: str,
        payload: bytes,
        endpoint_ids: list[str],
        now: datetime,
        lease_until: datetime,
    ) -> list[DueDelivery]:
        """One delivery per endpoint, claimed until `lease_until` for its first
        attempt; an event seen again adds (and returns) nothing."""
        params = {
            "ids": [new_id("whd") for _ in endpoint_ids],
            "endpoints": endpoint_ids,
            "event": event_id,
            "type": event_type,
            "payload": payload,
            "now": now,
            "lease_until": lease_until,
        }
        async with self.database.read() as conn:
            rows = (await conn.execute(_FAN_OUT, params)).all()
        return _due(rows)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueDelivery]:
        params = {"now": now, "lease_until": lease_until, "limit": limit}
        async with self.database.read() as conn:
            rows = (await conn.execute(_CLAIM, params)).all()
        return _due(rows)

    async def record(
        self, delivery_id: str, attempt: Attempt, outcome: str, next_at: datetime | None
    ) -> None:
        async with self.database.transaction() as conn:
            await conn.execute(
                _ATTEMPT,
                {
                    "id": delivery_id,
                    "at": attempt.at,
                    "status": attempt.status_code,
                    "latency": attempt.latency_ms,
                    "excerpt": attempt.excerpt,
                    "error": attempt.error,
                },
            )
            await conn.execute(
                _SETTLE,
                {
                    "id": delivery_id,
                    "outcome": outcome,
                    "next": next_at,
                    "at": attempt.at,
                },
            )

    async def backlog(self) -> Backlog:
        """Pending deliveries, and how long the most overdue one has waited
        past its scheduled attempt (a sender falling behind, not an endpoint
        that fails: its retries are scheduled later)."""
        async with self.database.read() as conn:
            found = (await conn.execute(_BACKLOG)).one()
        return Backlog(found.pending, max(float(found.late), 0.0))

    async def of_endpoint(self, endpoint_id: str, limit: int) -> list[dict[str, Any]]:
        """The newest deliveries with their attempts (for the admin API)."""
        async with self.database.read() as conn:
            rows = await conn.execute(
                _OF_ENDPOINT, {"endpoint": endpoint_id, "limit": limit}
            )
            return [dict(row._mapping) for row in rows]

    async def retry_now(self, delivery_id: str, now: datetime) -> bool:
        async with self.database.read() as conn:
            found = await conn.scalar(_RETRY, {"id": delivery_id, "now": now})
        return found is not None


def _due(rows: Any) -> list[DueDelivery]:
    return [
        DueDelivery(
            r.id,
            r.endpoint_id,
            r.event_id,
            bytes(r.payload),
            r.attempts,
            r.first_attempt_at,
        )
        for r in rows
    ]
