"""Payment event streams in PostgreSQL: append-only (a trigger refuses UPDATE,
DELETE and TRUNCATE), hash-chained per stream, optimistic concurrency through
UNIQUE (stream_id, version). All SQL of the payment_events table lives here."""

import json
from itertools import groupby
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from till.payments.core.audit import GENESIS, RecordedEvent, broken_links, event_digest
from till.payments.core.errors import StreamConflict
from till.payments.core.events import PaymentEvent

_HASH_AT = text("SELECT hash FROM payment_events WHERE stream_id = :s AND version = :v")
_NEWEST_HASH = text(
    "SELECT hash FROM payment_events WHERE stream_id = :s ORDER BY version DESC LIMIT 1"
)
_INSERT = text(
    "INSERT INTO payment_events (stream_id, version, type, at, amount, data, "
    "prev_hash, hash) VALUES (:s, :v, :type, :at, :amount, CAST(:data AS jsonb), "
    ":prev, :hash)"
)
_SELECT = (
    "SELECT stream_id, version, type, at, amount, data::text AS data, prev_hash, "
    "hash FROM payment_events "
)
_STREAM = text(_SELECT + "WHERE stream_id = :s ORDER BY version")
_ALL = text(_SELECT + "ORDER BY stream_id, version")


def _recorded(row: Any) -> RecordedEvent:
    event = PaymentEvent(
        row.type, row.stream_id, row.at, int(row.amount), json.loads(row.data)
    )
    return RecordedEvent(row.version, event, bytes(row.prev_hash), bytes(row.hash))


def chained(
    expected_version: int, events: list[PaymentEvent], prev: bytes
) -> list[tuple[int, PaymentEvent, bytes, bytes]]:
    """(version, event, previous hash, hash) for events appended after
    `expected_version` whose newest hash is `prev`."""
    links = []
    for version, event in enumerate(events, start=expected_version + 1):
        digest = event_digest(version, event, prev)
        links.append((version, event, prev, digest))
        prev = digest
    return links


def event_json(event: PaymentEvent) -> str:
    return orjson.dumps(event.data, option=orjson.OPT_SORT_KEYS, default=str).decode()


async def last_hash(conn: AsyncConnection, stream_id: str) -> bytes:
    found = await conn.scalar(_NEWEST_HASH, {"s": stream_id})
    return GENESIS if found is None else bytes(found)


class SqlaPaymentEventStore:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def append(
        self, stream_id: str, expected_version: int, events: list[PaymentEvent]
    ) -> None:
        """Append after `expected_version`; StreamConflict when the stream has
        moved on (another command got there first)."""
        prev = GENESIS
        if expected_version > 0:
            found = await self.conn.scalar(
                _HASH_AT, {"s": stream_id, "v": expected_version}
            )
            if found is None:
                raise StreamConflict(stream_id)
            prev = bytes(found)
        rows = [
            {
                "s": stream_id,
                "v": version,
                "type": event.type,
                "at": event.at,
                "amount": event.amount,
                "data": event_json(event),
                "prev": prev_hash,
                "hash": digest,
            }
            for version, event, prev_hash, digest in chained(
                expected_version, events, prev
            )
        ]
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(_INSERT, rows)
        except IntegrityError as error:
            raise StreamConflict(stream_id) from error

    async def load(self, stream_id: str) -> list[PaymentEvent]:
        rows = await self.conn.execute(_STREAM, {"s": stream_id})
        return [_recorded(row).event for row in rows]


async def verify_audit_chain(conn: AsyncConnection) -> list[str]:
    """Every stream re-hashed from its first event: what does not check out.
    (Reads everything; a cursor per stream batch is the next step at scale.)"""
    rows = (await conn.execute(_ALL)).all()
    problems: list[str] = []
    for _, stream in groupby(
        (_recorded(r) for r in rows), lambda r: r.event.payment_id
    ):
        problems += broken_links(list(stream))
    return problems
