"""The inbox holds a pooled connection (the claim's transaction) while its
handler runs, and handlers take connections of their own: many events at once
on a small pool must not leave every connection holding a claim and waiting
for another (the scale-out test saw `till worker` stall 30 s per stall on
TILL_DB_POOL_SIZE=3, the webhooks of the whole process with it)."""

import asyncio
import uuid

from sqlalchemy import text

from till.kernel.clock import SystemClock
from till.platform.database import Database
from till.platform.postgres_inbox import Inbox
from till.platform.rabbit_worker import Delivery
from till.platform.settings import async_database_url


async def test_many_events_at_once_on_a_small_pool_are_all_handled(database_url):
    database = Database(async_database_url(database_url), pool_size=2)
    inbox = Inbox(database, SystemClock())
    handled: list[str] = []

    async def reads_while_claimed(delivery: Delivery) -> None:
        await asyncio.sleep(0.01)  # let the other claims pile up
        async with database.read() as conn:  # a second connection, as orders'
            await conn.execute(text("SELECT 1"))
        handled.append(delivery.event_id)

    once = inbox.once(f"pool-{uuid.uuid4().hex[:8]}", reads_while_claimed)
    events = [f"evt_{uuid.uuid4().hex}" for _ in range(8)]
    try:
        await asyncio.wait_for(
            asyncio.gather(
                *(once(Delivery(e, "refund.completed", b"{}", 1)) for e in events)
            ),
            timeout=10,  # the pool's own timeout, which a stall ends in, is 30 s
        )
    finally:
        await database.close()
    assert sorted(handled) == sorted(events)
