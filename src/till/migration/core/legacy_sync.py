"""The dual-write's per-order sync state (pure): what each order.* event does
to it, what a write to legacy and a failed write do.

Rules:
- in order per order: an event whose order object is not newer (by its
  `updated_at`) than the newest one heard never replaces it, and one not newer
  than what legacy already holds changes nothing at all. All events of one
  command carry the same order object (the order after the command), so equal
  `updated_at` means the same state;
- nothing is lost: the order stays pending (with the time of its oldest
  unwritten event, for the lag) until a write of its newest state succeeded;
- a write that failed for a reason that will pass (MariaDB away) is retried
  after an exponential back-off; one legacy can never accept (a value it cannot
  hold, a conflicting link) is parked until a newer state of the order arrives.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_orders import NewOrder

# The order events the dual-write copies (API.md's published order events).
DUAL_WRITTEN_EVENTS = (
    "order.created",
    "order.paid",
    "order.canceled",
    "order.fulfilled",
    "order.shipped",
    "order.delivered",
    "order.refunded",
)
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class HeardOrderEvent:
    """An order.* event as the dual-write needs it: the order after it and
    when it happened."""

    event_id: str
    order: Mapping[str, Any]
    order_id: str
    updated_at: datetime
    at: datetime


def heard_order_event(payload: Mapping[str, Any]) -> HeardOrderEvent:
    """From a published payload `{id, type, created_at, data: <order>}`."""
    try:
        data = payload["data"]
        order = NewOrder.from_api(data)
        return HeardOrderEvent(
            event_id=str(payload["id"]),
            order=data,
            order_id=order.id,
            updated_at=order.updated_at,
            at=_aware(payload["created_at"]),
        )
    except (KeyError, TypeError, ValueError) as missing:
        raise UnmappableLegacyValue(f"not an order event: {missing}") from None


def _aware(value: object) -> datetime:
    at = datetime.fromisoformat(str(value))
    if at.tzinfo is None:
        raise ValueError(f"{value!r} has no offset")
    return at


@dataclass(frozen=True, slots=True)
class SyncState:
    order_id: str
    order: Mapping[str, Any]  # the newest order object heard
    heard_updated_at: datetime
    synced_updated_at: datetime | None = None  # what legacy holds
    legacy_id: int | None = None
    pending_since: datetime | None = None  # the oldest event not in legacy
    pending_events: int = 0
    attempts: int = 0
    next_attempt_at: datetime | None = None  # back-off, or a writer's lease
    parked: bool = False
    last_error: str | None = None

    @property
    def pending(self) -> bool:
        return self.pending_since is not None

    def due(self, now: datetime) -> bool:
        return (
            self.pending
            and not self.parked
            and (self.next_attempt_at is None or self.next_attempt_at <= now)
        )


def state_after_event(state: SyncState | None, event: HeardOrderEvent) -> SyncState:
    if state is None:
        return SyncState(
            event.order_id,
            event.order,
            event.updated_at,
            pending_since=event.at,
            pending_events=1,
        )
    synced = state.synced_updated_at
    if synced is not None and event.updated_at <= synced:
        return state  # legacy already holds this state or a newer one
    newer = event.updated_at > state.heard_updated_at
    return replace(
        state,
        order=event.order if newer else state.order,
        heard_updated_at=max(event.updated_at, state.heard_updated_at),
        pending_since=min(state.pending_since or event.at, event.at),
        pending_events=state.pending_events + 1,
        parked=state.parked and not newer,
    )


def state_after_write(
    state: SyncState,
    written_updated_at: datetime,
    claimed_events: int,
    legacy_id: int,
) -> SyncState:
    """`written_updated_at`: the state written; `claimed_events`: the pending
    events counted when the writer took the row (later ones stay pending)."""
    synced = max(written_updated_at, state.synced_updated_at or written_updated_at)
    done = state.heard_updated_at <= synced
    left = max(state.pending_events - claimed_events, 1)
    return replace(
        state,
        synced_updated_at=synced,
        legacy_id=legacy_id,
        pending_since=None if done else state.pending_since,
        pending_events=0 if done else left,
        attempts=0,
        next_attempt_at=None,
        last_error=None,
    )


def retry_delay(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … capped at 5 minutes."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


def state_after_failure(
    state: SyncState, error: str, *, permanent: bool, now: datetime
) -> SyncState:
    attempts = state.attempts + 1
    return replace(
        state,
        attempts=attempts,
        next_attempt_at=now + retry_delay(attempts),
        parked=permanent,
        last_error=error[:500],
    )
