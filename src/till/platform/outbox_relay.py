"""The outbox relay: publishes outbox rows in order and marks them published
only after the publisher confirmed them. Rows are claimed with
`FOR UPDATE SKIP LOCKED`, so several relays (one per API process) can run at
once without publishing a row twice in normal operation; consumers are
idempotent anyway (event ids). When publishing fails the transaction rolls
back: the rows stay unpublished and are tried again after a back-off, so a
broker outage delays events and never loses them.

Each row keeps the trace context of the command that wrote it; with tracing
on, a publish span continues that trace and its context travels on in the
message headers (with tracing off here, the stored context travels on as is)."""

import asyncio
import contextlib

import structlog
from sqlalchemy import text

from till.platform import tracing
from till.platform.backlog_metrics import Backlog
from till.platform.database import Database
from till.platform.event_bus import EventPublisher, OutboundEvent

log = structlog.get_logger("till.outbox")
_CLAIM = text(
    "SELECT seq, event_id, type, payload::text AS payload, "
    "trace_context::text AS trace_context FROM outbox "
    "WHERE published_at IS NULL ORDER BY seq LIMIT :batch FOR UPDATE SKIP LOCKED"
)
_MARK = text("UPDATE outbox SET published_at = now() WHERE seq = ANY(:seqs)")
# The partial index outbox_unpublished holds exactly these rows: the cost
# follows the backlog, a few rows when the relay keeps up.
_BACKLOG = text(
    "SELECT count(*) AS pending, coalesce(extract(epoch FROM now() - "
    "min(created_at)), 0) AS age FROM outbox WHERE published_at IS NULL"
)


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        publisher: EventPublisher,
        batch: int = 200,
        idle_seconds: float = 0.2,
        max_backoff_seconds: float = 30.0,
    ) -> None:
        self.database = database
        self.publisher = publisher
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.max_backoff = max_backoff_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def nudge(self) -> None:
        """Something was committed: look now rather than at the next poll."""
        self._wake.set()

    async def relay_once(self) -> int:
        """Publish one batch; the number of rows published (and marked)."""
        async with self.database.transaction() as conn:
            rows = (await conn.execute(_CLAIM, {"batch": self.batch})).all()
            if not rows:
                return 0
            messages = [
                (r.event_id, r.type, tracing.stored_trace_context(r.trace_context))
                for r in rows
            ]
            with tracing.producer_spans(self.publisher.system, messages) as headers:
                await self.publisher.publish(
                    [
                        OutboundEvent(r.event_id, r.type, r.payload.encode(), h)
                        for r, h in zip(rows, headers, strict=True)
                    ]
                )
            await conn.execute(_MARK, {"seqs": [r.seq for r in rows]})
        return len(rows)

    def stop(self) -> None:
        """`run()` returns after the batch in hand (a cancelled batch would
        roll back and be published again by another relay)."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        backoff = self.idle_seconds
        while not self._stopping.is_set():
            try:
                published = await self.relay_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # broker or database away: retry later
                log.warning("outbox_relay_failed", error_type=type(error).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = self.idle_seconds
            if published < self.batch and not self._stopping.is_set():
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_seconds)


async def outbox_backlog(database: Database) -> Backlog:
    """Rows waiting to be published, and the age of the oldest."""
    async with database.read() as conn:
        found = (await conn.execute(_BACKLOG)).one()
    return Backlog(found.pending, max(float(found.age), 0.0))
