"""The second audit check (ADR 0011): the per-stream hash chain cannot see a
stream deleted whole, nor its newest events cut off. Checkpoints record each
stream's head (event count and newest hash) as it grows, chained by a digest;
verification asks the store for every recorded head and accepts a missing one
only when a retention tombstone explains it. Pure: the adapters feed it rows."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from till.payments.core.audit import GENESIS
from till.payments.core.models import Status

# Retention deletes streams of payments nothing can still happen to on its
# own (no processor answer awaited, no capture pending). A completed payment
# counts: seven years after its last event no refund can come.
SETTLED = frozenset(
    {
        Status.COMPLETED,
        Status.PARTIALLY_REFUNDED,
        Status.REFUNDED,
        Status.FAILED,
        Status.CANCELED,
    }
)


@dataclass(frozen=True, slots=True)
class StreamHead:
    stream_id: str
    events: int
    last_hash: bytes


@dataclass(frozen=True, slots=True)
class Checkpoint:
    id: int
    streams: int  # streams covered so far
    events: int  # events covered so far
    digest: bytes
    heads: tuple[StreamHead, ...]  # the streams that changed since the last one


@dataclass(frozen=True, slots=True)
class Tombstone:
    stream_id: str
    events: int
    last_hash: bytes
    last_event_at: datetime
    deleted_at: datetime


@dataclass(frozen=True, slots=True)
class StoredHead:
    """What the store holds now for a recorded head: the hash at the head's
    version (None if that event is gone) and the stream's newest version."""

    recorded: StreamHead
    hash_at_head: bytes | None
    newest_version: int


def checkpoint_digest(
    previous: bytes, heads: Sequence[StreamHead], streams: int, events: int
) -> bytes:
    """Chains a checkpoint to the one before; the heads' order does not matter."""
    digest = hashlib.sha256(previous)
    digest.update(f"{streams}:{events}".encode())
    for head in sorted(heads, key=lambda h: h.stream_id):
        digest.update(head.stream_id.encode() + b"\0")
        digest.update(head.events.to_bytes(4, "big") + head.last_hash)
    return digest.digest()


def next_checkpoint(
    previous: Checkpoint | None, heads: Sequence[StreamHead], known: dict[str, int]
) -> tuple[int, int, bytes]:
    """(streams, events, digest) of a checkpoint recording `heads`, given the
    event counts already recorded for those of them seen before."""
    streams = (previous.streams if previous else 0) + sum(
        head.stream_id not in known for head in heads
    )
    events = (previous.events if previous else 0) + sum(
        head.events - known.get(head.stream_id, 0) for head in heads
    )
    before = previous.digest if previous else GENESIS
    return streams, events, checkpoint_digest(before, heads, streams, events)


def broken_checkpoints(checkpoints: Sequence[Checkpoint]) -> list[str]:
    """Checkpoints (in order) whose digest or counts do not follow from the
    heads they recorded: the checkpoint rows themselves were edited."""
    problems: list[str] = []
    previous: Checkpoint | None = None
    known: dict[str, int] = {}
    for checkpoint in checkpoints:
        expected = next_checkpoint(previous, checkpoint.heads, known)
        found = (checkpoint.streams, checkpoint.events, checkpoint.digest)
        if expected != found:
            problems.append(f"checkpoint {checkpoint.id}: digest does not match")
        known |= {head.stream_id: head.events for head in checkpoint.heads}
        previous = checkpoint
    return problems


def missing_streams(
    stored: Sequence[StoredHead], tombstones: dict[str, Tombstone], kept: timedelta
) -> list[str]:
    """Recorded heads the store no longer holds, unless retention deleted the
    stream (its tombstone agrees with the head, and came after `kept`)."""
    problems: list[str] = []
    for found in stored:
        head = found.recorded
        if found.hash_at_head == head.last_hash:
            continue
        where = f"{head.stream_id} (checkpointed with {head.events} events)"
        tombstone = tombstones.get(head.stream_id)
        if tombstone is not None and found.newest_version == 0:
            problems += _tombstone_problems(where, head, tombstone, kept)
        elif found.newest_version == 0:
            problems.append(f"{where}: stream missing, no retention record")
        elif found.newest_version < head.events:
            problems.append(f"{where}: events after v{found.newest_version} missing")
        else:
            problems.append(f"{where}: v{head.events} differs from the checkpoint")
    return problems


def _tombstone_problems(
    where: str, head: StreamHead, tombstone: Tombstone, kept: timedelta
) -> list[str]:
    if tombstone.events < head.events or (
        tombstone.events == head.events and tombstone.last_hash != head.last_hash
    ):
        return [f"{where}: deleted, its tombstone disagrees with the checkpoint"]
    if tombstone.deleted_at - tombstone.last_event_at < kept:
        return [f"{where}: deleted before its retention ended"]
    return []
