"""The checkpoint check of the payment audit trail: digests chain checkpoints
together, edited checkpoints are found, and a stream gone from the store is
reported unless a retention tombstone that agrees with it explains it."""

from datetime import UTC, datetime, timedelta

from till.payments.core.audit import GENESIS
from till.payments.core.audit_checkpoints import (
    Checkpoint,
    StoredHead,
    StreamHead,
    Tombstone,
    broken_checkpoints,
    checkpoint_digest,
    missing_streams,
    next_checkpoint,
)

KEPT = timedelta(days=2557)
T0 = datetime(2010, 1, 1, tzinfo=UTC)
A = StreamHead("pay_a", 3, b"a" * 32)
B = StreamHead("pay_b", 1, b"b" * 32)


def _chain(*batches: tuple[StreamHead, ...]) -> list[Checkpoint]:
    checkpoints: list[Checkpoint] = []
    known: dict[str, int] = {}
    for number, heads in enumerate(batches, start=1):
        previous = checkpoints[-1] if checkpoints else None
        seen = {h.stream_id: known[h.stream_id] for h in heads if h.stream_id in known}
        streams, events, digest = next_checkpoint(previous, heads, seen)
        checkpoints.append(Checkpoint(number, streams, events, digest, heads))
        known |= {h.stream_id: h.events for h in heads}
    return checkpoints


def _tombstone(head: StreamHead, deleted_after: timedelta = KEPT) -> Tombstone:
    return Tombstone(
        head.stream_id, head.events, head.last_hash, T0, T0 + deleted_after
    )


def test_the_digest_ignores_the_order_of_the_heads():
    assert checkpoint_digest(GENESIS, [A, B], 2, 4) == checkpoint_digest(
        GENESIS, [B, A], 2, 4
    )


def test_the_digest_covers_every_field_and_the_previous_digest():
    base = checkpoint_digest(GENESIS, [A], 1, 3)
    assert base != checkpoint_digest(GENESIS, [StreamHead("pay_a", 3, b"x" * 32)], 1, 3)
    assert base != checkpoint_digest(
        GENESIS, [StreamHead("pay_a", 2, A.last_hash)], 1, 3
    )
    assert base != checkpoint_digest(GENESIS, [A], 1, 4)
    assert base != checkpoint_digest(b"\1" * 32, [A], 1, 3)


def test_counts_grow_by_new_streams_and_new_events_only():
    first, second = _chain((A, B), (StreamHead("pay_a", 5, b"c" * 32),))
    assert (first.streams, first.events) == (2, 4)
    assert (second.streams, second.events) == (2, 6)


def test_an_untouched_chain_of_checkpoints_checks_out():
    assert broken_checkpoints(_chain((A,), (B,))) == []


def test_a_head_removed_from_a_checkpoint_is_found():
    first, second = _chain((A, B), (StreamHead("pay_a", 5, b"c" * 32),))
    edited = Checkpoint(1, first.streams, first.events, first.digest, (A,))
    assert broken_checkpoints([edited, second]) == [
        "checkpoint 1: digest does not match"
    ]


def test_a_stream_the_store_still_holds_is_fine():
    assert missing_streams([StoredHead(A, A.last_hash, 4)], {}, KEPT) == []


def test_a_stream_deleted_without_a_tombstone_is_reported():
    assert missing_streams([StoredHead(A, None, 0)], {}, KEPT) == [
        "pay_a (checkpointed with 3 events): stream missing, no retention record"
    ]


def test_newest_events_cut_off_are_reported():
    assert missing_streams([StoredHead(A, None, 2)], {}, KEPT) == [
        "pay_a (checkpointed with 3 events): events after v2 missing"
    ]


def test_an_event_differing_from_its_checkpoint_is_reported():
    assert missing_streams([StoredHead(A, b"z" * 32, 3)], {}, KEPT) == [
        "pay_a (checkpointed with 3 events): v3 differs from the checkpoint"
    ]


def test_a_stream_deleted_by_retention_is_not_reported():
    tombstones = {"pay_a": _tombstone(A)}
    assert missing_streams([StoredHead(A, None, 0)], tombstones, KEPT) == []
    grown = Tombstone("pay_a", 5, b"c" * 32, T0, T0 + KEPT)
    assert missing_streams([StoredHead(A, None, 0)], {"pay_a": grown}, KEPT) == []


def test_a_tombstone_that_disagrees_with_the_checkpoint_is_reported():
    forged = Tombstone("pay_a", 3, b"f" * 32, T0, T0 + KEPT)
    assert missing_streams([StoredHead(A, None, 0)], {"pay_a": forged}, KEPT) == [
        "pay_a (checkpointed with 3 events): deleted, its tombstone disagrees "
        "with the checkpoint"
    ]


def test_a_stream_deleted_before_its_retention_ended_is_reported():
    early = {"pay_a": _tombstone(A, timedelta(days=30))}
    assert missing_streams([StoredHead(A, None, 0)], early, KEPT) == [
        "pay_a (checkpointed with 3 events): deleted before its retention ended"
    ]
