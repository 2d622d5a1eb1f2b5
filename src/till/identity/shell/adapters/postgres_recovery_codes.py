"""MFA recovery codes in PostgreSQL (SHA-256 digests, single use)."""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


class SqlaRecoveryCodeRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def replace(self, user_id: str, code_hashes: list[bytes]) -> None:
        await self.conn.execute(
            text("DELETE FROM recovery_codes WHERE user_id = :u"), {"u": user_id}
        )
        await self.conn.execute(
            text("INSERT INTO recovery_codes (user_id, code_hash) VALUES (:u, :h)"),
            [{"u": user_id, "h": h} for h in code_hashes],
        )

    async def consume(self, user_id: str, code_hash: bytes, at: datetime) -> bool:
        result = await self.conn.execute(
            text(
                "UPDATE recovery_codes SET used_at = :at WHERE user_id = :u "
                "AND code_hash = :h AND used_at IS NULL RETURNING 1"
            ),
            {"u": user_id, "h": code_hash, "at": at},
        )
        return result.first() is not None
