"""In-memory fakes of the dual-write / backfill / reconciliation ports: the
legacy tables, the orders service's migration port, the sync states, the
checkpoints and the reconciliation log."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from till.kernel.errors import Conflict
from till.migration.core.legacy_mapping import ImportedLegacyOrder
from till.migration.core.legacy_orders import LegacyOrder, NewOrder
from till.migration.core.legacy_sync import (
    HeardOrderEvent,
    SyncState,
    state_after_event,
    state_after_failure,
    state_after_write,
)
from till.migration.core.sync_ports import Checkpoint, Lag, ReconciliationSummary


@dataclass
class MemoryLegacyOrders:
    """The legacy tables: rows by id; `down` makes every call fail."""

    rows: dict[int, LegacyOrder] = field(default_factory=dict)
    down: bool = False
    writes: int = 0

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("MariaDB is away")

    async def scan(self, after_id: int, limit: int) -> list[LegacyOrder]:
        self._check()
        return [self.rows[i] for i in sorted(self.rows) if i > after_id][:limit]

    async def get_many(self, ids: Sequence[int]) -> dict[int, LegacyOrder]:
        self._check()
        return {i: self.rows[i] for i in ids if i in self.rows}

    async def count(self, *, include_deleted: bool = True) -> int:
        return sum(1 for r in self.rows.values() if include_deleted or not r.deleted_at)

    async def max_id(self) -> int:
        return max(self.rows, default=0)

    async def upsert_order(self, order: LegacyOrder) -> int:
        self._check()
        self.writes += 1
        found = [
            i for i, r in self.rows.items() if r.increment_id == order.increment_id
        ]
        legacy_id = found[0] if found else max(self.rows, default=0) + 1
        self.rows[legacy_id] = replace(order, id=legacy_id)
        return legacy_id

    async def apply_status(
        self, legacy_id: int, status: str, updated_at: datetime
    ) -> bool:
        self._check()
        self.writes += 1
        if legacy_id not in self.rows:
            return False
        row = self.rows[legacy_id]
        self.rows[legacy_id] = replace(row, status=status, updated_at=updated_at)
        return True


@dataclass
class FakeMigrationOrders:
    """The orders service as the migration sees it: order objects by id."""

    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    imports: int = 0
    fail_import_at: int | None = None  # the n-th import raises (a crash)

    async def import_legacy(self, order: ImportedLegacyOrder) -> str:
        for existing in self.orders.values():
            if existing["legacy_id"] == order.legacy_id:
                return str(existing["id"])
        self.imports += 1
        if self.imports == self.fail_import_at:
            raise RuntimeError("killed")
        order_id = f"ord_imported{order.legacy_id:08d}"
        self.orders[order_id] = NewOrder(
            id=order_id,
            status=order.status,
            customer_id=order.customer_id,
            currency=order.currency,
            items=order.items,
            subtotal=sum(i.amount for i in order.items),
            total=sum(i.amount for i in order.items),
            legacy_id=order.legacy_id,
            created_at=order.created_at,
            updated_at=order.updated_at,
        ).to_api()
        return order_id

    async def link_legacy(self, order_id: str, legacy_id: int) -> None:
        owner = [o["id"] for o in self.orders.values() if o["legacy_id"] == legacy_id]
        if owner and owner != [order_id]:
            raise Conflict(f"legacy order {legacy_id} belongs to {owner[0]}")
        if self.orders[order_id]["legacy_id"] not in (None, legacy_id):
            raise Conflict("linked otherwise")
        self.orders[order_id]["legacy_id"] = legacy_id

    async def snapshot(self, order_id: str) -> dict[str, Any] | None:
        return self.orders.get(order_id)

    async def scan(self, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        ids = sorted(i for i in self.orders if after_id is None or i > after_id)
        return [self.orders[i] for i in ids[:limit]]

    async def orders_by_legacy_ids(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]:
        wanted = set(legacy_ids)
        return {
            o["legacy_id"]: o for o in self.orders.values() if o["legacy_id"] in wanted
        }


@dataclass
class MemoryLegacySync:
    states: dict[str, SyncState] = field(default_factory=dict)
    unrelayed: list[datetime] = field(default_factory=list)

    async def heard(self, event: HeardOrderEvent) -> None:
        self.states[event.order_id] = state_after_event(
            self.states.get(event.order_id), event
        )

    async def claim(
        self, now: datetime, limit: int, lease_seconds: float
    ) -> list[SyncState]:
        due = sorted(
            (s for s in self.states.values() if s.due(now)),
            key=lambda s: s.pending_since or now,
        )[:limit]
        until = now + timedelta(seconds=lease_seconds)
        for state in due:
            self.states[state.order_id] = replace(state, next_attempt_at=until)
        return due

    async def written(
        self, order_id: str, updated_at: datetime, claimed_events: int, legacy_id: int
    ) -> None:
        self.states[order_id] = state_after_write(
            self.states[order_id], updated_at, claimed_events, legacy_id
        )

    async def failed(
        self, order_id: str, error: str, *, permanent: bool, now: datetime
    ) -> None:
        self.states[order_id] = state_after_failure(
            self.states[order_id], error, permanent=permanent, now=now
        )

    async def lag(self, now: datetime) -> Lag:
        pending = [s for s in self.states.values() if s.pending]
        oldest = [s.pending_since for s in pending if s.pending_since] + self.unrelayed
        seconds = (now - min(oldest)).total_seconds() if oldest else 0.0
        count = sum(s.pending_events for s in pending) + len(self.unrelayed)
        return Lag(seconds, count, sum(1 for s in pending if s.parked))


@dataclass
class MemoryCheckpoints:
    saved: dict[str, Checkpoint] = field(default_factory=dict)

    async def load(self, name: str) -> Checkpoint | None:
        return self.saved.get(name)

    async def save(self, checkpoint: Checkpoint, now: datetime) -> None:
        self.saved[checkpoint.name] = checkpoint


@dataclass
class MemoryReconciliationLog:
    runs: list[ReconciliationSummary] = field(default_factory=list)

    async def save(self, summary: ReconciliationSummary) -> int:
        self.runs.append(summary)
        return len(self.runs)

    async def latest(self) -> dict[str, Any] | None:
        return None if not self.runs else {"id": len(self.runs)}
