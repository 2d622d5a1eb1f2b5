"""The identity repositories over one connection (one unit of work)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.identity.shell.adapters.postgres_api_keys import SqlaApiKeyRepository
from till.identity.shell.adapters.postgres_recovery_codes import (
    SqlaRecoveryCodeRepository,
)
from till.identity.shell.adapters.postgres_sessions import (
    SqlaRefreshTokenRepository,
    SqlaSessionRepository,
)
from till.identity.shell.adapters.postgres_users import SqlaUserRepository
from till.kernel.errors import keeps_writes
from till.platform.data_keys import DataKeyring
from till.platform.database import Database


class SqlaIdentityStore:
    def __init__(self, conn: AsyncConnection, keys: DataKeyring) -> None:
        self.users = SqlaUserRepository(conn, keys)
        self.sessions = SqlaSessionRepository(conn)
        self.refresh_tokens = SqlaRefreshTokenRepository(conn)
        self.recovery_codes = SqlaRecoveryCodeRepository(conn)
        self.api_keys = SqlaApiKeyRepository(conn)


class PostgresIdentityUnitOfWork:
    """One transaction per command; reads run in autocommit (no BEGIN/COMMIT)."""

    def __init__(self, database: Database, keys: DataKeyring) -> None:
        self.database = database
        self.keys = keys

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[SqlaIdentityStore]:
        async with self.database.engine.connect() as conn:
            transaction = await conn.begin()
            try:
                yield SqlaIdentityStore(conn, self.keys)
            except BaseException as error:
                if keeps_writes(error):
                    await transaction.commit()
                else:
                    await transaction.rollback()
                raise
            await transaction.commit()

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[SqlaIdentityStore]:
        async with self.database.read() as conn:
            yield SqlaIdentityStore(conn, self.keys)


async def session_is_revoked(database: Database, session_id: str) -> bool:
    """The source of truth behind the Redis revocation marks."""
    async with database.read() as conn:
        revoked = await conn.scalar(
            text("SELECT revoked_at IS NOT NULL FROM sessions WHERE id = :id"),
            {"id": session_id},
        )
    return revoked is not False


async def sessions_revoked_since(database: Database, seconds: int) -> list[str]:
    """Sessions revoked in the last `seconds` (their access tokens may still be
    within their lifetime)."""
    async with database.read() as conn:
        rows = await conn.execute(
            text(
                "SELECT id FROM sessions WHERE revoked_at IS NOT NULL "
                "AND revoked_at > now() - make_interval(secs => :secs)"
            ),
            {"secs": seconds},
        )
        return [row.id for row in rows]
