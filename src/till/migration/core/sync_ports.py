"""Ports of the dual-write, backfill and reconciliation: the orders service as
the migration sees it (adapter in the composition root), and where their own
state lives (PostgreSQL)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from till.migration.core.legacy_mapping import ImportedLegacyOrder
from till.migration.core.legacy_sync import HeardOrderEvent, SyncState

OrderObject = dict[str, Any]  # API.md's order object


class MigrationOrders(Protocol):
    """The orders service's `OrderImportPort`, in the migration's types."""

    async def import_legacy(self, order: ImportedLegacyOrder) -> str:
        """The till order id of the legacy order (the same on every call)."""
        ...

    async def link_legacy(self, order_id: str, legacy_id: int) -> None: ...

    async def snapshot(self, order_id: str) -> OrderObject | None: ...

    async def scan(self, after_id: str | None, limit: int) -> list[OrderObject]: ...

    async def orders_by_legacy_ids(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, OrderObject]: ...


@dataclass(frozen=True, slots=True)
class Lag:
    seconds: float
    pending: int
    parked: int = 0


class LegacySyncStore(Protocol):
    """The per-order sync states (`legacy_sync`), each change race-free."""

    async def heard(self, event: HeardOrderEvent) -> None:
        """Apply `state_after_event` to the order's state."""
        ...

    async def claim(
        self, now: datetime, limit: int, lease_seconds: float
    ) -> list[SyncState]:
        """Up to `limit` due states, oldest pending first, leased to the
        caller (their `next_attempt_at` moved past the lease)."""
        ...

    async def written(
        self, order_id: str, updated_at: datetime, claimed_events: int, legacy_id: int
    ) -> None: ...

    async def failed(
        self, order_id: str, error: str, *, permanent: bool, now: datetime
    ) -> None: ...

    async def lag(self, now: datetime) -> Lag:
        """Now minus the oldest order event not yet in legacy (0 when none),
        and how many events wait (those not yet relayed included)."""
        ...


@dataclass(frozen=True, slots=True)
class Checkpoint:
    name: str
    last_legacy_id: int
    imported: int = 0
    skipped: int = 0


class BackfillCheckpoints(Protocol):
    async def load(self, name: str) -> Checkpoint | None: ...

    async def save(self, checkpoint: Checkpoint, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class ReconciliationSummary:
    started_at: datetime
    finished_at: datetime
    repair: str | None
    compared: int
    matched: int
    missing_new: int
    missing_legacy: int
    mismatched: int
    deleted_in_legacy: int
    repaired: int
    not_repaired: int
    orders_per_second: float
    samples: Mapping[str, list[str]] = field(default_factory=dict)


class ReconciliationLog(Protocol):
    async def save(self, summary: ReconciliationSummary) -> int: ...

    async def latest(self) -> dict[str, Any] | None:
        """The newest run as a plain dict (the status endpoint's shape)."""
        ...
