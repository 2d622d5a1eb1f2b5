"""The PostgreSQL engine and the unit of work: one transaction, one commit.

Repositories receive the connection; they never commit. Reads that need no
transaction use `read()`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


class Database:
    def __init__(self, url: str, *, pool_size: int = 20, max_overflow: int = 0):
        self.pool_size = pool_size
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=False,
            # Errors must not carry bound values (password hashes, TOTP secrets,
            # keys) into logs.
            hide_parameters=True,
            connect_args={"server_settings": {"application_name": "till"}},
        )
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """Commits when the block ends normally, rolls back when it raises."""
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """Autocommit: single statements, no BEGIN/ROLLBACK round trips."""
        async with self._autocommit.connect() as conn:
            yield conn

    @asynccontextmanager
    async def driver(self) -> AsyncIterator[Any]:
        """The pooled connection's asyncpg connection, for hot-path statements
        (each its own transaction: asyncpg runs outside one unless told)."""
        async with self.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            yield raw.driver_connection

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def one_off_transaction(url: str) -> AsyncIterator[AsyncConnection]:
    """One transaction on a one-connection engine, for CLI commands: commits when
    the block ends, and the engine is disposed either way."""
    database = Database(url, pool_size=1)
    try:
        async with database.transaction() as conn:
            yield conn
    finally:
        await database.close()
