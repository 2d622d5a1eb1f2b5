"""Reads on a streaming replica (DATABASE_REPLICA_URL).

`ReplicaDatabase` is a `Database` whose reads (`read()`, `driver()`) go to the
replica and whose transactions go to the primary. The composition root gives
it to the query adapters whose results may lag behind the caller's own writes
by the replication delay: lists, event history, reports. Reads that must see
the caller's own write (a payment or order by id, anything cached, token and
session checks) and every command keep the primary. The rule and its reasons
are in docs/operations/connection-pooling.md.

While the replica cannot be reached, reads go to the primary: a replica
outage costs the primary some load, never an error or readiness."""

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncConnection

from till.platform.database import Database

log = structlog.get_logger("till.replica")
REPLICA_FALLBACKS = Counter(
    "till_db_replica_fallbacks_total",
    "Reads served by the primary because the replica could not be reached.",
)
# A connection attempt to the replica gives up after this long.
CONNECT_TIMEOUT_SECONDS = 2.0
# After a failure, reads stay on the primary this long before trying again.
RETRY_AFTER_SECONDS = 5.0


class ReplicaDatabase(Database):
    def __init__(
        self,
        url: str,
        primary: Database,
        *,
        pool_size: int = 5,
        pgbouncer: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # pre-ping: a pooled connection the replica's restart broke is
        # replaced at check-out (one round trip) instead of failing the read.
        super().__init__(
            url,
            pool_size=pool_size,
            max_overflow=0,
            pgbouncer=pgbouncer,
            application_name="till-replica",
            pre_ping=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
        )
        self.primary = primary
        self._clock = clock
        self._down_until = 0.0

    async def _replica_connection(self) -> AsyncConnection | None:
        """A started autocommit connection to the replica, or None while it
        is unreachable."""
        if self._clock() < self._down_until:
            REPLICA_FALLBACKS.inc()
            return None
        try:
            return await self._autocommit.connect().start()
        except Exception as error:  # any failure to connect: use the primary
            self._down_until = self._clock() + RETRY_AFTER_SECONDS
            REPLICA_FALLBACKS.inc()
            log.warning("replica_unreachable", error_type=type(error).__name__)
            return None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        conn = await self._replica_connection()
        if conn is None:
            async with self.primary.read() as on_primary:
                yield on_primary
            return
        try:
            yield conn
        finally:
            await conn.close()

    @asynccontextmanager
    async def driver(self) -> AsyncIterator[Any]:
        conn = await self._replica_connection()
        if conn is None:
            async with self.primary.driver() as on_primary:
                yield on_primary
            return
        try:
            raw = await conn.get_raw_connection()
            yield raw.driver_connection
        finally:
            await conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """On the primary: a replica takes no writes, and a read that needs a
        transaction needs the primary's current state too."""
        async with self.primary.transaction() as conn:
            yield conn
