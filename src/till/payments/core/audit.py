"""The audit chain of payment events: each event's hash covers its content and
the hash of the event before it in the same stream, so editing, removing or
reordering a recorded event breaks every hash after it. Pure: the store feeds
it rows and it says which ones do not check out."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from till.payments.core.events import PaymentEvent

GENESIS = bytes(32)


def event_digest(stream_version: int, event: PaymentEvent, prev_hash: bytes) -> bytes:
    canonical = json.dumps(
        {
            "stream": event.payment_id,
            "version": stream_version,
            "type": event.type,
            "at": event.at.astimezone(UTC).isoformat(),
            "amount": event.amount,
            "data": event.data,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    ).encode()
    return hashlib.sha256(prev_hash + canonical).digest()


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    version: int
    event: PaymentEvent
    prev_hash: bytes
    hash: bytes


def broken_links(stream: list[RecordedEvent]) -> list[str]:
    """What does not check out in one stream (in version order): gaps, a wrong
    previous hash, a hash that does not match the content."""
    problems: list[str] = []
    expected_prev = GENESIS
    for position, recorded in enumerate(stream, start=1):
        where = f"{recorded.event.payment_id} v{recorded.version}"
        if recorded.version != position:
            problems.append(f"{where}: expected version {position}")
        if recorded.prev_hash != expected_prev:
            problems.append(f"{where}: previous hash does not match")
        if event_digest(recorded.version, recorded.event, recorded.prev_hash) != (
            recorded.hash
        ):
            problems.append(f"{where}: content does not match its hash")
        expected_prev = recorded.hash
    return problems
