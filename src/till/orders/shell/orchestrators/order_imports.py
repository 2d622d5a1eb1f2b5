"""OrderImportPort: what the migration toolkit may do to orders — import a
legacy order (the backfill), record the legacy id of an order dual-written to
the legacy system, and read orders for reconciliation as API.md's order object.
Imports and links are idempotent; nothing they record is published."""

from collections.abc import Sequence
from typing import Any

from till.kernel.clock import Clock
from till.kernel.errors import Conflict, NotFound, ValidationFailed
from till.orders.core.commands import ImportedOrder
from till.orders.core.errors import StreamConflict
from till.orders.core.ports import OrderReadsPort
from till.orders.core.use_cases.import_legacy import imported_order
from till.orders.core.views import order_view
from till.orders.shell.orchestrators.unit_of_work import (
    OrdersUnitFactory,
    apply,
    record,
)

MAX_PAGE = 1000


class OrderImports:
    def __init__(
        self, units: OrdersUnitFactory, reads: OrderReadsPort, clock: Clock
    ) -> None:
        self.units = units
        self.reads = reads
        self.clock = clock

    async def _owner_of(self, legacy_id: int) -> str | None:
        found = await self.reads.by_legacy_ids([legacy_id])
        return found[0].id if found else None

    async def import_legacy(self, order: ImportedOrder) -> str:
        """The order's till id: created (its events recorded) the first time,
        found by its legacy id every time after."""
        existing = await self._owner_of(order.legacy_id)
        if existing is not None:
            return existing
        imported, events = imported_order(order)
        try:
            await record(self.units(), 0, imported, events)
        except StreamConflict:  # imported meanwhile (or the id is taken)
            existing = await self._owner_of(order.legacy_id)
            if existing is None:
                raise
            return existing
        return imported.id

    async def link_legacy(self, order_id: str, legacy_id: int) -> None:
        """Rules: an order has one legacy id and a legacy id one order."""
        owner = await self._owner_of(legacy_id)
        if owner is not None and owner != order_id:
            raise Conflict(f"legacy order {legacy_id} belongs to {owner}")
        now = self.clock.now()
        found = await apply(
            self.units, order_id, lambda o: o.link_legacy(legacy_id, now)
        )
        if found is None:
            raise NotFound("no such order")

    async def snapshot(self, order_id: str) -> dict[str, Any] | None:
        order = await self.reads.get(order_id)
        return None if order is None else order_view(order)

    async def scan(self, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationFailed(f"limit must be 1 to {MAX_PAGE}", param="limit")
        return [order_view(o) for o in await self.reads.ascending(after_id, limit)]

    async def orders_by_legacy_ids(
        self, legacy_ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]:
        found = await self.reads.by_legacy_ids(legacy_ids)
        return {o.legacy_id: order_view(o) for o in found if o.legacy_id is not None}
