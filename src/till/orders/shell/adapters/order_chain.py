"""The hash chain of order events (as payments': ADR 0006): each event's hash
covers its content and the previous event's hash in the same stream, so an
edited, removed or reordered event breaks every hash after it."""

import hashlib
import json
from datetime import UTC

import orjson

from till.orders.core.events import OrderEvent

GENESIS = bytes(32)


def event_digest(version: int, event: OrderEvent, prev_hash: bytes) -> bytes:
    canonical = json.dumps(
        {
            "stream": event.order_id,
            "version": version,
            "type": event.type,
            "at": event.at.astimezone(UTC).isoformat(),
            "data": event.data,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    ).encode()
    return hashlib.sha256(prev_hash + canonical).digest()


def chained(
    before_version: int, events: list[OrderEvent], prev: bytes
) -> list[tuple[int, OrderEvent, bytes, bytes]]:
    """(version, event, previous hash, hash) for events after `before_version`."""
    links = []
    for version, event in enumerate(events, start=before_version + 1):
        digest = event_digest(version, event, prev)
        links.append((version, event, prev, digest))
        prev = digest
    return links


def event_json(event: OrderEvent) -> str:
    return orjson.dumps(event.data, option=orjson.OPT_SORT_KEYS, default=str).decode()


def broken_links(
    stream: list[tuple[int, OrderEvent, bytes, bytes]],
) -> list[str]:
    """What does not check out in one stream (in version order)."""
    problems: list[str] = []
    expected = GENESIS
    for position, (version, event, prev, digest) in enumerate(stream, start=1):
        where = f"{event.order_id} v{version}"
        if version != position:
            problems.append(f"{where}: expected version {position}")
        if prev != expected:
            problems.append(f"{where}: previous hash does not match")
        if event_digest(version, event, prev) != digest:
            problems.append(f"{where}: content does not match its hash")
        expected = digest
    return problems
