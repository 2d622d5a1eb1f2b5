"""The PostgreSQL engine and the unit of work: one transaction, one commit.

Repositories receive the connection; they never commit. Reads that need no
transaction use `read()`.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


def _unnamed_statement() -> str:
    return ""


def connect_args(
    application_name: str, pgbouncer: bool, connect_timeout: float | None = None
) -> dict[str, Any]:
    """asyncpg's connection arguments. `pgbouncer`: no prepared statement
    outlives its execution (PgBouncer < 1.21 in transaction mode hands each
    transaction, or autocommit statement, any server connection): both
    statement caches off, and SQLAlchemy's statements unnamed, so asyncpg
    sends Parse with each Bind and leaves nothing behind on the server
    (docs/operations/connection-pooling.md)."""
    args: dict[str, Any] = {"server_settings": {"application_name": application_name}}
    if connect_timeout is not None:
        args["timeout"] = connect_timeout
    if pgbouncer:
        args |= {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": _unnamed_statement,
        }
    return args


class Database:
    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 20,
        max_overflow: int = 0,
        pgbouncer: bool = False,
        application_name: str = "till",
        pre_ping: bool = False,
        connect_timeout: float | None = None,
    ):
        self.pool_size = pool_size
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=pre_ping,
            # Errors must not carry bound values (password hashes, TOTP secrets,
            # keys) into logs.
            hide_parameters=True,
            connect_args=connect_args(application_name, pgbouncer, connect_timeout),
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
async def one_off_transaction(
    url: str, pgbouncer: bool = False
) -> AsyncIterator[AsyncConnection]:
    """One transaction on a one-connection engine, for CLI commands: commits when
    the block ends, and the engine is disposed either way."""
    database = Database(url, pool_size=1, pgbouncer=pgbouncer)
    try:
        async with database.transaction() as conn:
            yield conn
    finally:
        await database.close()
