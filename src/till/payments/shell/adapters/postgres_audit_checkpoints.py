"""Audit checkpoints in PostgreSQL (ADR 0011): the scheduler records the heads
of the streams that grew since the last checkpoint; `till audit verify` reads
every recorded head back against the store and the tombstones."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from till.payments.core.audit_checkpoints import (
    Checkpoint,
    StoredHead,
    StreamHead,
    Tombstone,
    broken_checkpoints,
    missing_streams,
    next_checkpoint,
)
from till.platform.database import Database

log = structlog.get_logger("till.audit")
# Events are found by recorded_at (the inserting transaction's start): a
# transaction that began before the last checkpoint and committed after it
# is still seen if it took less than this.
OVERLAP = timedelta(minutes=10)

_SERIALIZE = text("LOCK TABLE payment_audit_checkpoints IN EXCLUSIVE MODE")
_LAST = text(
    "SELECT id, taken_at, streams, events, digest FROM payment_audit_checkpoints "
    "ORDER BY id DESC LIMIT 1"
)
_GROWN = text(
    """
    WITH touched AS (
        SELECT DISTINCT stream_id FROM payment_events
        WHERE CAST(:since AS timestamptz) IS NULL OR recorded_at >= :since
    ), current AS (
        SELECT DISTINCT ON (e.stream_id) e.stream_id, e.version, e.hash
        FROM payment_events e JOIN touched USING (stream_id)
        ORDER BY e.stream_id, e.version DESC
    ), known AS (
        SELECT DISTINCT ON (h.stream_id) h.stream_id, h.events
        FROM payment_checkpoint_heads h JOIN touched USING (stream_id)
        ORDER BY h.stream_id, h.checkpoint_id DESC
    )
    SELECT c.stream_id, c.version, c.hash, k.events AS known
    FROM current c LEFT JOIN known k USING (stream_id)
    WHERE k.events IS NULL OR c.version > k.events
    """
)
_INSERT = text(
    "INSERT INTO payment_audit_checkpoints (taken_at, streams, events, digest) "
    "VALUES (:at, :streams, :events, :digest) RETURNING id"
)
_INSERT_HEAD = text(
    "INSERT INTO payment_checkpoint_heads (stream_id, checkpoint_id, events, "
    "last_hash) VALUES (:s, :c, :events, :hash)"
)
_ALL_CHECKPOINTS = text(
    "SELECT c.id, c.streams, c.events, c.digest, h.stream_id, h.events AS head, "
    "h.last_hash FROM payment_audit_checkpoints c "
    "JOIN payment_checkpoint_heads h ON h.checkpoint_id = c.id ORDER BY c.id"
)
_STORED_HEADS = text(
    """
    WITH latest AS (
        SELECT DISTINCT ON (stream_id) stream_id, events, last_hash
        FROM payment_checkpoint_heads ORDER BY stream_id, checkpoint_id DESC
    )
    SELECT l.stream_id, l.events, l.last_hash, e.hash AS found,
        COALESCE((SELECT max(version) FROM payment_events m
                  WHERE m.stream_id = l.stream_id), 0) AS newest
    FROM latest l LEFT JOIN payment_events e
        ON e.stream_id = l.stream_id AND e.version = l.events
    """
)
_TOMBSTONES = text(
    "SELECT stream_id, events, last_hash, last_event_at, deleted_at "
    "FROM payment_stream_tombstones"
)


async def checkpoint_in(conn: AsyncConnection, now: datetime) -> int:
    """In the caller's transaction: record the heads of the streams that grew
    since the last checkpoint; how many (no checkpoint when none did)."""
    await conn.execute(_SERIALIZE)
    last = (await conn.execute(_LAST)).first()
    since = None if last is None else last.taken_at - OVERLAP
    rows = (await conn.execute(_GROWN, {"since": since})).all()
    if not rows:
        return 0
    heads = [StreamHead(r.stream_id, r.version, bytes(r.hash)) for r in rows]
    known = {r.stream_id: r.known for r in rows if r.known is not None}
    previous = None
    if last is not None:
        previous = Checkpoint(
            last.id, last.streams, last.events, bytes(last.digest), ()
        )
    streams, events, digest = next_checkpoint(previous, heads, known)
    values = {"at": now, "streams": streams, "events": events, "digest": digest}
    checkpoint_id = await conn.scalar(_INSERT, values)
    await conn.execute(
        _INSERT_HEAD,
        [
            {
                "s": h.stream_id,
                "c": checkpoint_id,
                "events": h.events,
                "hash": h.last_hash,
            }
            for h in heads
        ],
    )
    # Logged too, so the digest exists outside the database it vouches for.
    log.info(
        "audit_checkpoint",
        checkpoint=checkpoint_id,
        streams=streams,
        events=events,
        digest=digest.hex(),
    )
    return len(heads)


async def take_checkpoint(database: Database, now: datetime) -> int:
    """The scheduler's audit checkpoint job."""
    async with database.transaction() as conn:
        return await checkpoint_in(conn, now)


def _checkpoints(rows: Sequence[Any]) -> list[Checkpoint]:
    return [
        Checkpoint(
            checkpoint_id,
            group[0].streams,
            group[0].events,
            bytes(group[0].digest),
            tuple(StreamHead(r.stream_id, r.head, bytes(r.last_hash)) for r in group),
        )
        for checkpoint_id, grouped in groupby(rows, lambda r: r.id)
        for group in [list(grouped)]
    ]


async def verify_checkpoints(conn: AsyncConnection, kept: timedelta) -> list[str]:
    """What the checkpoints find: edited checkpoints, and streams (or their
    newest events) gone without a retention record."""
    problems = broken_checkpoints(
        _checkpoints((await conn.execute(_ALL_CHECKPOINTS)).all())
    )
    stored = [
        StoredHead(
            StreamHead(r.stream_id, r.events, bytes(r.last_hash)),
            None if r.found is None else bytes(r.found),
            r.newest,
        )
        for r in await conn.execute(_STORED_HEADS)
    ]
    tombstones = {
        r.stream_id: Tombstone(
            r.stream_id, r.events, bytes(r.last_hash), r.last_event_at, r.deleted_at
        )
        for r in await conn.execute(_TOMBSTONES)
    }
    return problems + missing_streams(stored, tombstones, kept)
