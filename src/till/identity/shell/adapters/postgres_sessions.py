"""Sessions and their refresh-token family in PostgreSQL."""

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.identity.core.models import RefreshGrant, Session

_SELECT = (
    "SELECT id, user_id, created_at, last_used_at, user_agent, ip, revoked_at "
    "FROM sessions "
)


def _to_session(row: Any) -> Session:
    return Session(*row)


class SqlaSessionRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(self, session: Session) -> None:
        await self.conn.execute(
            text(
                "INSERT INTO sessions (id, user_id, created_at, last_used_at, "
                "user_agent, ip, revoked_at) VALUES (:id, :user_id, "
                ":created_at, :last_used_at, :user_agent, :ip, :revoked_at)"
            ),
            {
                "id": session.id,
                "user_id": session.user_id,
                "created_at": session.created_at,
                "last_used_at": session.last_used_at,
                "user_agent": session.user_agent,
                "ip": session.ip,
                "revoked_at": session.revoked_at,
            },
        )

    async def get(self, session_id: str) -> Session | None:
        row = (
            await self.conn.execute(
                text(_SELECT + "WHERE id = :id"),
                {"id": session_id},
            )
        ).first()
        return _to_session(row) if row else None

    async def for_user(self, user_id: str) -> list[Session]:
        rows = await self.conn.execute(
            text(_SELECT + "WHERE user_id = :user_id ORDER BY id DESC LIMIT 500"),
            {"user_id": user_id},
        )
        return [_to_session(r) for r in rows]

    async def touch(self, session_id: str, at: datetime) -> None:
        await self.conn.execute(
            text("UPDATE sessions SET last_used_at = :at WHERE id = :id"),
            {"id": session_id, "at": at},
        )

    async def revoke(self, session_id: str, at: datetime) -> None:
        await self.conn.execute(
            text(
                "UPDATE sessions SET revoked_at = coalesce(revoked_at, :at) "
                "WHERE id = :id"
            ),
            {"id": session_id, "at": at},
        )


# One statement, atomic under concurrency: the row is marked used and we learn
# whether it already was (the CTE reads the row as it was before the update).
_CONSUME = text(
    """
    WITH before AS (
        SELECT token_hash, session_id, expires_at, used_at FROM refresh_tokens
        WHERE token_hash = :hash FOR UPDATE
    ), marked AS (
        UPDATE refresh_tokens r SET used_at = coalesce(r.used_at, :at)
        FROM before WHERE r.token_hash = before.token_hash
        RETURNING r.token_hash
    )
    SELECT session_id, expires_at, used_at IS NOT NULL AS already_used FROM before
    """
)


class SqlaRefreshTokenRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(
        self,
        token_hash: bytes,
        session_id: str,
        created_at: datetime,
        expires: datetime,
    ) -> None:
        await self.conn.execute(
            text(
                "INSERT INTO refresh_tokens (token_hash, session_id, created_at, "
                "expires_at) VALUES (:hash, :session_id, :created_at, :expires)"
            ),
            {
                "hash": token_hash,
                "session_id": session_id,
                "created_at": created_at,
                "expires": expires,
            },
        )

    async def consume(self, token_hash: bytes, at: datetime) -> RefreshGrant | None:
        row = (
            await self.conn.execute(_CONSUME, {"hash": token_hash, "at": at})
        ).first()
        return (
            RefreshGrant(row.session_id, row.expires_at, row.already_used)
            if row
            else None
        )

    async def retire_for_session(self, session_id: str, at: datetime) -> None:
        await self.conn.execute(
            text(
                "UPDATE refresh_tokens SET used_at = :at "
                "WHERE session_id = :id AND used_at IS NULL"
            ),
            {"id": session_id, "at": at},
        )
