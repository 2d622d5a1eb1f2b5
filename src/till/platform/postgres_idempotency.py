"""Idempotency records in PostgreSQL (`idempotency_keys`). A command stores its
success response in its own transaction with `COMPLETE` (see the payments
unit of work); everything else is here."""

from datetime import datetime
from typing import Any

from sqlalchemy import text

from till.kernel.idempotency import StoredResponse
from till.platform.database import Database
from till.platform.driver_statements import Statement, row
from till.platform.idempotency import (
    LEASE,
    RETENTION,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    Replay,
    Reserved,
)

# A key is taken over when its record expired, or when it is still running with
# its lease ended and the same fingerprint (a retry of a request that stopped).
_RESERVE = Statement.of(
    """
    INSERT INTO idempotency_keys AS k (caller, key, fingerprint, state,
        resource_id, locked_until, created_at, expires_at)
    VALUES (:caller, :key, :fp, 'running', :rid, :lease, :now, :expires)
    ON CONFLICT (caller, key) DO UPDATE SET
        locked_until = EXCLUDED.locked_until,
        fingerprint = EXCLUDED.fingerprint,
        state = 'running',
        resource_id = CASE WHEN k.expires_at <= :now THEN EXCLUDED.resource_id
                           ELSE k.resource_id END,
        created_at = CASE WHEN k.expires_at <= :now THEN EXCLUDED.created_at
                          ELSE k.created_at END,
        expires_at = CASE WHEN k.expires_at <= :now THEN EXCLUDED.expires_at
                          ELSE k.expires_at END
    WHERE k.expires_at <= :now
       OR (k.state = 'running' AND k.locked_until <= :now AND k.fingerprint = :fp)
    RETURNING resource_id, (resource_id <> :rid) AS resumed
    """
)
_EXISTING = Statement.of(
    "SELECT fingerprint, state, response_status, response_type, response_body "
    "FROM idempotency_keys WHERE caller = :caller AND key = :key"
)
_RELEASE = text(
    "UPDATE idempotency_keys SET locked_until = '-infinity' "
    "WHERE caller = :caller AND key = :key AND state = 'running'"
)
_FORGET = text("DELETE FROM idempotency_keys WHERE caller = :caller AND key = :key")
_EXPIRED = text("DELETE FROM idempotency_keys WHERE expires_at <= :now")

# For a command's own statement: mark the key done with its response.
COMPLETE = (
    "UPDATE idempotency_keys SET state = 'done', response_status = :idem_status, "
    "response_type = :idem_type, response_body = :idem_body "
    "WHERE caller = :idem_caller AND key = :idem_key"
)


def completion_params(
    caller: str, key: str, response: StoredResponse
) -> dict[str, Any]:
    return {
        "idem_caller": caller,
        "idem_key": key,
        "idem_status": response.status,
        "idem_type": response.content_type,
        "idem_body": response.body,
    }


_COMPLETE = text(COMPLETE)


class PostgresIdempotencyStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def reserve(
        self,
        caller: str,
        key: str,
        fingerprint: bytes,
        new_resource_id: str,
        now: datetime,
    ) -> Reserved | Replay:
        params = {
            "caller": caller,
            "key": key,
            "fp": fingerprint,
            "rid": new_resource_id,
            "now": now,
            "lease": now + LEASE,
            "expires": now + RETENTION,
        }
        async with self.database.driver() as conn:
            taken = row(await conn.fetchrow(_RESERVE.sql, *_RESERVE.args(params)))
            if taken is not None:
                return Reserved(taken.resource_id, bool(taken.resumed))
            found = row(await conn.fetchrow(_EXISTING.sql, *_EXISTING.args(params)))
        if found is None:  # expired and deleted in between: a rare race
            raise IdempotencyKeyInUse()
        if bytes(found.fingerprint) != fingerprint:
            raise IdempotencyKeyReused()
        if found.state != "done":
            raise IdempotencyKeyInUse()
        stored = StoredResponse(
            found.response_status, found.response_type, bytes(found.response_body)
        )
        return Replay(stored)

    async def store(
        self, caller: str, key: str, response: StoredResponse, now: datetime
    ) -> None:
        async with self.database.read() as conn:
            await conn.execute(_COMPLETE, completion_params(caller, key, response))

    async def release(self, caller: str, key: str) -> None:
        async with self.database.read() as conn:
            await conn.execute(_RELEASE, {"caller": caller, "key": key})

    async def forget(self, caller: str, key: str) -> None:
        async with self.database.read() as conn:
            await conn.execute(_FORGET, {"caller": caller, "key": key})


async def delete_expired_idempotency_keys(database: Database, now: datetime) -> int:
    """The retention job: records older than 24 h go."""
    async with database.read() as conn:
        result = await conn.execute(_EXPIRED, {"now": now})
    return int(getattr(result, "rowcount", 0) or 0)
