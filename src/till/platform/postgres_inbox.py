"""The consumers' inbox: an event id is handled once per consumer. A message
delivered again (a retry after a lost ack, a replayed dead letter, two relays
racing) finds its id here and is acknowledged without running the handler.
The id is claimed in a transaction that commits only when the handler
succeeded, so a handler that fails or dies leaves no claim behind.

That transaction holds a pooled connection while the handler runs, and a
handler takes connections of its own from the same pool (orders reads its
projection). Were every connection holding a claim, each handler would wait
for a second one until the pool's timeout (30 s), stalling every consumer of
the process: so at most half the pool holds claims at once (found by the
scale-out test with TILL_DB_POOL_SIZE=3).

Behind PgBouncer in transaction mode the same wait happens one level down: a
claim's open transaction holds one of the pooler's few *server* connections,
which every process shares, so claims across processes can take them all while
their handlers queue for one more. There the claims get a pool of their own on
DATABASE_SESSION_URL (PostgreSQL itself), and every connection of that pool
may hold one (`claims_database`)."""

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from till.kernel.clock import Clock
from till.platform.database import Database
from till.platform.rabbit_worker import Delivery

_CLAIM = text(
    "INSERT INTO inbox (consumer, event_id, processed_at) VALUES (:c, :e, :at) "
    "ON CONFLICT DO NOTHING RETURNING 1"
)


class Inbox:
    def __init__(
        self, database: Database, clock: Clock, claims_database: Database | None = None
    ) -> None:
        """`claims_database`: a pool used only for claims (not the handlers'),
        so each of its connections may hold one."""
        self.database = claims_database or database
        self.clock = clock
        if claims_database is not None:
            limit = claims_database.pool_size
        else:
            limit = database.pool_size // 2
        self._claims = asyncio.Semaphore(max(1, limit))

    def once(
        self, consumer: str, handle: Callable[[Delivery], Awaitable[None]]
    ) -> Callable[[Delivery], Awaitable[None]]:
        """`handle`, skipped for an event id already handled by `consumer`."""

        async def handle_once(delivery: Delivery) -> None:
            # The claim's row stays uncommitted while the handler runs: a copy
            # handled at the same time waits on it, then finds it (skips) or,
            # if the handler failed and rolled back, claims it itself.
            params = {"c": consumer, "e": delivery.event_id, "at": self.clock.now()}
            async with self._claims, self.database.transaction() as conn:
                if await conn.scalar(_CLAIM, params) is None:
                    return  # handled before
                await handle(delivery)

        return handle_once
