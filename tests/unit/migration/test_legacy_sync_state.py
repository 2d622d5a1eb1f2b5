"""The dual-write's per-order sync state: in order per order, nothing lost,
back-off and parking."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.migration.legacy_rows import new_order
from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_sync import (
    heard_order_event,
    retry_delay,
    state_after_event,
    state_after_failure,
    state_after_write,
)

T0 = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)


def event(minutes: int, status: str = "paid", event_id: str = "evt_1"):  # type: ignore[no-untyped-def]
    at = T0 + timedelta(minutes=minutes)
    order = new_order(status=status, updated_at=at, legacy_id=None).to_api()
    payload = {"id": event_id, "type": "order.x", "created_at": order["updated_at"]}
    return heard_order_event(payload | {"data": order})


def test_the_first_event_makes_the_order_pending_since_it_happened():
    state = state_after_event(None, event(0))
    assert (state.pending_since, state.pending_events, state.order["status"]) == (
        T0,
        1,
        "paid",
    )


def test_an_older_event_arriving_late_never_replaces_the_newer_state():
    newer = state_after_event(None, event(5, "shipped"))
    state = state_after_event(newer, event(1, "paid"))
    assert state.order["status"] == "shipped"
    assert state.heard_updated_at == T0 + timedelta(minutes=5)
    assert state.pending_since == T0 + timedelta(minutes=1)  # the oldest waits
    assert state.pending_events == 2


def test_an_event_legacy_already_holds_changes_nothing():
    state = state_after_event(None, event(5, "shipped"))
    synced = state_after_write(state, T0 + timedelta(minutes=5), 1, legacy_id=9)
    assert not synced.pending
    assert state_after_event(synced, event(5, "shipped")) == synced  # redelivered
    assert state_after_event(synced, event(2, "paid")) == synced


def test_a_write_of_an_older_state_leaves_the_newer_pending():
    state = state_after_event(None, event(1))
    claimed = state.pending_events
    state = state_after_event(state, event(3, "fulfilled"))  # heard while writing
    after = state_after_write(state, T0 + timedelta(minutes=1), claimed, legacy_id=9)
    assert after.pending and after.pending_events == 1
    assert (after.synced_updated_at, after.legacy_id) == (T0 + timedelta(minutes=1), 9)
    assert after.order["status"] == "fulfilled"


def test_a_write_of_the_newest_state_clears_everything():
    state = state_after_event(state_after_event(None, event(1)), event(2, "canceled"))
    failed = state_after_failure(state, "down", permanent=False, now=T0)
    after = state_after_write(failed, T0 + timedelta(minutes=2), 2, legacy_id=4)
    assert (after.pending, after.pending_events, after.attempts) == (False, 0, 0)
    assert after.next_attempt_at is None and after.last_error is None


def test_failures_back_off_exponentially_up_to_five_minutes():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == timedelta(minutes=5)
    state = state_after_event(None, event(0))
    once = state_after_failure(state, "down", permanent=False, now=T0)
    twice = state_after_failure(once, "down", permanent=False, now=T0)
    assert twice.next_attempt_at == T0 + timedelta(seconds=2)
    assert not twice.due(T0 + timedelta(seconds=1)) and twice.due(twice.next_attempt_at)


def test_a_parked_order_waits_for_a_newer_state():
    state = state_after_event(None, event(0))
    parked = state_after_failure(state, "refused", permanent=True, now=T0)
    assert parked.pending and not parked.due(T0 + timedelta(days=1))
    assert state_after_event(parked, event(0, event_id="evt_2")).parked
    assert not state_after_event(parked, event(1, "canceled")).parked


def test_a_payload_without_an_order_object_is_refused():
    with pytest.raises(UnmappableLegacyValue):
        heard_order_event({"id": "evt_1", "created_at": "2026-01-01T00:00:00Z"})
    with pytest.raises(UnmappableLegacyValue):
        heard_order_event({"id": "e", "created_at": "yesterday", "data": {}})
